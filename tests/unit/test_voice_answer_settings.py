"""Spoken answers' setting (on or off, which microphone) survives a restart, shares the
settings file with the cue voice without harming it, and a bad file never stops the app."""

from __future__ import annotations

import json

import pytest

from routineplayer.core.paths import settings_path
from routineplayer.speech.cache import VoiceSettings
from routineplayer.speech.voice_answer_settings import (
    VoiceAnswerSettings,
    load_voice_answer_settings,
    save_voice_answer_settings,
)
from routineplayer.speech.voice_settings_store import load_voice_settings, save_voice_settings


def test_off_by_default_and_without_a_file() -> None:
    assert not settings_path().exists()
    assert load_voice_answer_settings() == VoiceAnswerSettings(enabled=False, device="")


def test_saved_settings_load_back() -> None:
    chosen = VoiceAnswerSettings(True, "Built-in Audio Analog Stereo")
    save_voice_answer_settings(chosen)
    assert load_voice_answer_settings() == chosen
    kept = json.loads(settings_path().read_text(encoding="utf-8"))
    assert kept["voice_answers"] == {"enabled": True, "device": "Built-in Audio Analog Stereo"}
    save_voice_answer_settings(VoiceAnswerSettings())
    assert load_voice_answer_settings() == VoiceAnswerSettings()


def test_the_voice_section_and_other_keys_are_kept_both_ways() -> None:
    settings_path().write_text('{"other": [1, {"a": 2}]}\n', encoding="utf-8")
    voice = VoiceSettings("gmw/en-GB-x-rp", 140, 0.6)
    save_voice_settings(voice)
    answers = VoiceAnswerSettings(True, "USB headset")
    save_voice_answer_settings(answers)
    assert load_voice_settings() == voice
    save_voice_settings(VoiceSettings(rate=120))  # and the voice's save keeps ours
    assert load_voice_answer_settings() == answers
    kept = json.loads(settings_path().read_text(encoding="utf-8"))
    assert kept["other"] == [1, {"a": 2}]
    assert set(kept) == {"other", "voice", "voice_answers"}


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ('{"enabled": 1, "device": "Mic"}', VoiceAnswerSettings(False, "Mic")),
        ('{"enabled": "yes"}', VoiceAnswerSettings()),
        ('{"enabled": null, "device": "Mic"}', VoiceAnswerSettings(False, "Mic")),
        ('{"enabled": true, "device": 5}', VoiceAnswerSettings(True, "")),
        ('{"enabled": true, "device": ["Mic"]}', VoiceAnswerSettings(True, "")),
        ('{"enabled": true, "device": "a\\nb"}', VoiceAnswerSettings(True, "")),
        ('{"enabled": true, "device": "' + "x" * 10_000 + '"}', VoiceAnswerSettings(True, "")),
        ('{"enabled": true, "device": NaN}', VoiceAnswerSettings(True, "")),
        ("[true]", VoiceAnswerSettings()),
        ('"on"', VoiceAnswerSettings()),
    ],
)
def test_a_bad_value_falls_back_alone_and_is_logged(
    section: str, expected: VoiceAnswerSettings, caplog: pytest.LogCaptureFixture
) -> None:
    settings_path().write_text(f'{{"voice_answers": {section}}}', encoding="utf-8")
    assert load_voice_answer_settings() == expected
    assert "settings.json" in caplog.text and "voice_answers" in caplog.text


def test_unknown_keys_in_the_section_are_ignored() -> None:
    settings_path().write_text(
        '{"voice_answers": {"enabled": true, "device": "Mic", "later": 3}}', encoding="utf-8"
    )
    assert load_voice_answer_settings() == VoiceAnswerSettings(True, "Mic")


DEEP = "[" * 100_000 + "]" * 100_000


def test_a_damaged_file_gives_the_defaults_and_saving_sets_it_aside(
    caplog: pytest.LogCaptureFixture,
) -> None:
    for number, broken in enumerate(("{not json", DEEP, "[1, 2]", "\xff\xfe")):
        settings_path().write_bytes(broken.encode("latin-1"))
        assert load_voice_answer_settings() == VoiceAnswerSettings(), broken[:10]
        save_voice_answer_settings(VoiceAnswerSettings(True, "Mic"))
        assert load_voice_answer_settings() == VoiceAnswerSettings(True, "Mic")
        aside = settings_path().with_name(f"settings.json{'.' + str(number) if number else ''}.bad")
        assert aside.read_bytes() == broken.encode("latin-1"), "the old file is kept, never lost"
    assert "settings.json" in caplog.text


def test_a_deeply_nested_other_key_does_not_cost_the_setting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings_path().write_text(
        f'{{"junk": {DEEP}, "voice_answers": {{"enabled": true, "device": "Mic"}}}}',
        encoding="utf-8",
    )
    assert load_voice_answer_settings() == VoiceAnswerSettings(True, "Mic")
    assert "junk" in caplog.text
