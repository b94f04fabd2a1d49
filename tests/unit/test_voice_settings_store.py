"""The chosen voice settings survive a restart, and a bad settings file never stops the app."""

from __future__ import annotations

import json
import os

import pytest

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


DEEP = "[" * 100_000 + "]" * 100_000  # json.loads alone raises RecursionError on this


@pytest.mark.parametrize(
    ("voice", "expected"),
    [
        ('{"rate": Infinity, "volume": 0.5}', VoiceSettings(None, VoiceSettings.rate, 0.5)),
        ('{"rate": -Infinity}', VoiceSettings()),
        ('{"rate": 1e400}', VoiceSettings()),  # the parser turns it into infinity
        ('{"rate": NaN}', VoiceSettings()),
        ('{"rate": 120, "volume": NaN}', VoiceSettings(None, 120, VoiceSettings.volume)),
        ('{"volume": Infinity}', VoiceSettings()),
    ],
)
def test_a_non_finite_number_falls_back_to_its_default_and_is_logged(
    voice: str, expected: VoiceSettings, caplog: pytest.LogCaptureFixture
) -> None:
    settings_path().write_text(f'{{"voice": {voice}}}', encoding="utf-8")
    assert load_voice_settings() == expected
    assert "settings.json" in caplog.text


def test_a_value_of_the_wrong_type_falls_back_alone_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings_path().write_text(
        '{"voice": {"voice": 5, "rate": 140, "volume": "loud"}}', encoding="utf-8"
    )
    assert load_voice_settings() == VoiceSettings(None, 140, VoiceSettings.volume)
    settings_path().write_text(
        '{"voice": {"voice": "en", "rate": true, "volume": [0.5]}}', encoding="utf-8"
    )
    assert load_voice_settings() == VoiceSettings("en")
    assert "volume" in caplog.text and "rate" in caplog.text


def test_deep_nesting_loads_without_recursion_error(caplog: pytest.LogCaptureFixture) -> None:
    settings_path().write_text(DEEP, encoding="utf-8")
    assert load_voice_settings() == VoiceSettings()
    settings_path().write_text(
        f'{{"junk": {DEEP}, "voice": {{"voice": "en", "rate": 120, "volume": 0.5}}}}',
        encoding="utf-8",
    )
    assert load_voice_settings() == VoiceSettings("en", 120, 0.5)  # the rest is still read
    assert "junk" in caplog.text


def test_saving_over_a_deeply_nested_key_drops_it_keeps_the_rest_and_logs_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    old = f'{{"other": [1, {{"a": 2}}], "junk": {DEEP}}}'
    settings_path().write_text(old, encoding="utf-8")
    chosen = VoiceSettings("en", 140, 0.6)
    save_voice_settings(chosen)
    kept = json.loads(settings_path().read_text(encoding="utf-8"))
    assert kept == {"other": [1, {"a": 2}], "voice": {"voice": "en", "rate": 140, "volume": 0.6}}
    assert "junk" in caplog.text
    assert load_voice_settings() == chosen
    aside = settings_path().with_name("settings.json.bad")
    assert aside.read_text(encoding="utf-8") == old, "what was dropped is kept aside"


def test_saving_over_an_unreadable_file_keeps_it_aside(caplog: pytest.LogCaptureFixture) -> None:
    for number, broken in enumerate(("{not json", DEEP, "[1, 2]")):
        settings_path().write_text(broken, encoding="utf-8")
        save_voice_settings(VoiceSettings(rate=120))
        assert load_voice_settings() == VoiceSettings(rate=120)
        aside = settings_path().with_name(f"settings.json{'.' + str(number) if number else ''}.bad")
        assert aside.read_text(encoding="utf-8") == broken, "the old file is kept, never lost"
    assert "settings.json" in caplog.text


def test_a_named_pipe_gives_the_defaults_without_blocking() -> None:
    os.mkfifo(settings_path())  # reading it would wait for a writer
    assert load_voice_settings() == VoiceSettings()
    save_voice_settings(VoiceSettings(rate=120))
    assert load_voice_settings() == VoiceSettings(rate=120)
    assert settings_path().with_name("settings.json.bad").exists()
