"""Voice and volume: chosen in the dialog, used by the player and the renderer, kept."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from routineplayer.gui.voice_settings_dialog import SAMPLE_TEXT, VoiceSettingsDialog
from routineplayer.runtime.voice import Voice
from routineplayer.speech.cache import VoiceSettings
from routineplayer.speech.voice_settings_store import load_voice_settings

pytestmark = pytest.mark.speech


def test_ok_applies_and_keeps_the_choice_and_try_it_renders_the_sample(qtbot: QtBot) -> None:
    voice = Voice()
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    assert dialog.voice_box.count() > 1, "espeak-ng lists its installed voices"
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
