"""Voice and volume: chosen in the dialog, used by the player and the renderer, kept.

The installed voices come from the speech worker, asked in the background: the dialog
never waits for it (it used to, for up to a render's timeout, behind a hung worker).
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from pytestqt.qtbot import QtBot

from routineplayer.gui.voice_settings_dialog import SAMPLE_TEXT, VoiceSettingsDialog
from routineplayer.runtime.voice import Voice
from routineplayer.speech.cache import VoiceSettings
from routineplayer.speech.renderer import Renderer
from routineplayer.speech.voice_settings_store import load_voice_settings, save_voice_settings

pytestmark = pytest.mark.speech


def test_ok_applies_and_keeps_the_choice_and_try_it_renders_the_sample(qtbot: QtBot) -> None:
    voice = Voice()
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.voice_box.count() > 1, timeout=30_000)  # espeak-ng's voices
    dialog.voice_box.setCurrentIndex(1)
    dialog.rate.setValue(130)
    dialog.volume.setValue(40)
    chosen = dialog.chosen()
    assert chosen.rate == 130 and chosen.volume == pytest.approx(0.4) and chosen.voice

    dialog.play_sample()  # applied at once, and the sample rendered in that voice
    qtbot.waitUntil(lambda: voice.ready([SAMPLE_TEXT]), timeout=20_000)
    assert voice.player.settings == chosen
    dialog.accept()
    assert load_voice_settings() == chosen
    voice.close()

    again = Voice()  # a restart: the player starts with the kept settings
    assert again.player.settings == chosen
    again.close()


def test_cancel_after_trying_puts_the_old_settings_back(qtbot: QtBot) -> None:
    voice = Voice()
    before = voice.player.settings
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    dialog.rate.setValue(before.rate + 40)
    dialog.voice.apply_settings(dialog.chosen())  # as "Try it" does
    dialog.reject()
    assert voice.player.settings == before
    assert load_voice_settings() == VoiceSettings(before.voice, before.rate, before.volume)
    voice.close()


def test_the_voice_list_arrives_without_blocking_and_is_kept(qtbot: QtBot) -> None:
    voice = Voice()
    assert voice.known_voices() is None  # no worker has started yet
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    # Open at once: the list is asked in the background, so it is not there yet.
    assert dialog.voice_box.count() == 1
    with qtbot.waitSignal(voice.voices_ready, timeout=30_000) as answer:
        pass
    voices = answer.args[0] if answer.args else []
    assert len(voices) > 1 and all(voice_id and name for voice_id, name in voices)
    assert len(dialog.voice_ids()) == len(voices)
    assert dialog.voice_box.currentData() is None  # still the default voice

    second = VoiceSettingsDialog(voice)  # known now: filled at once, nothing asked
    qtbot.addWidget(second)
    assert len(second.voice_ids()) == len(voices)
    voice.close()


def test_the_voice_in_use_stays_chosen_while_the_list_comes(qtbot: QtBot) -> None:
    save_voice_settings(VoiceSettings(voice="gmw/en-us", rate=150))
    voice = Voice()
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    assert dialog.chosen().voice == "gmw/en-us"  # OK now would keep it, not reset it
    qtbot.waitUntil(lambda: len(dialog.voice_ids()) > 1, timeout=30_000)
    assert dialog.chosen().voice == "gmw/en-us"
    names = dict(voice.known_voices() or [])
    assert dialog.voice_box.currentText() == names["gmw/en-us"]  # now shown by its name
    voice.close()


def test_the_dialog_opens_at_once_while_the_worker_hangs_mid_render(qtbot: QtBot) -> None:
    """It used to wait for the render lock: behind a hung worker, for the render timeout."""
    renderer = Renderer(render_timeout=60.0)
    voice = Voice(renderer=renderer)
    if not voice.player.speech_available:
        pytest.fail(f"speech is off here: {voice.status}", pytrace=False)
    voice.prepare_texts([f"Cue {n} of 200: lengthen through your spine." for n in range(200)])
    qtbot.waitUntil(lambda: len(list(renderer.cache.directory.glob("*.wav"))) >= 3, timeout=30_000)
    pid = renderer.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # the render now waits on it, holding the worker
    time.sleep(0.3)
    started = time.monotonic()
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    took = time.monotonic() - started
    assert took < 2.0, f"the dialog took {took:.1f} s to open"
    # The running worker's greeting listed the voices: known without asking it again.
    assert dialog.voice_box.count() > 1
    voice.close()
