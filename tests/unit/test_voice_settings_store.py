"""The chosen voice settings survive a restart, and a bad settings file never stops the app."""

from __future__ import annotations

import json

from routineplayer.core.paths import settings_path
from routineplayer.speech.cache import VoiceSettings
from routineplayer.speech.voice_settings_store import (
    RATE_RANGE,
    load_voice_settings,
    save_voice_settings,
)


def test_saved_settings_load_back_and_other_settings_are_kept() -> None:
    settings_path().write_text('{"other": 1}\n', encoding="utf-8")
    chosen = VoiceSettings("gmw/en-GB-x-rp", 140, 0.6)
    save_voice_settings(chosen)
    assert load_voice_settings() == chosen
    assert json.loads(settings_path().read_text(encoding="utf-8"))["other"] == 1


def test_no_file_or_a_broken_one_gives_the_defaults() -> None:
    assert load_voice_settings() == VoiceSettings()
    for text in ("{not json", "[]", '{"voice": 3}', '{"voice": {"rate": "fast"}}'):
        settings_path().write_text(text, encoding="utf-8")
        assert load_voice_settings() == VoiceSettings(), text


def test_out_of_range_values_are_brought_into_range() -> None:
    settings_path().write_text(
        '{"voice": {"voice": "", "rate": 5000, "volume": -2}}', encoding="utf-8"
    )
    assert load_voice_settings() == VoiceSettings(None, RATE_RANGE[1], 0.0)
