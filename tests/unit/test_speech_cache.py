"""The speech cache: what its key depends on, atomicity, order of missing texts, temp cleanup."""

from __future__ import annotations

import os
from pathlib import Path

from routineplayer.core import paths
from routineplayer.speech.cache import STALE_TEMP_SECONDS, SpeechCache, VoiceSettings

ENGINE = "espeak-ng 1.51 pyttsx3 2.99"


def test_lives_in_the_user_cache_dir() -> None:
    cache = SpeechCache(ENGINE)
    assert cache.directory == paths.speech_cache_dir()
    assert str(cache.directory).startswith(os.environ["ROUTINEPLAYER_HOME"])


def test_key_changes_with_everything_that_changes_the_sound(tmp_path: Path) -> None:
    cache = SpeechCache(ENGINE, tmp_path)
    base = cache.key("Rest.", VoiceSettings())
    assert cache.key("Rest.", VoiceSettings()) == base
    assert cache.key("Rest!", VoiceSettings()) != base
    assert cache.key("Rest.", VoiceSettings(voice="gmw/en-gb-x-rp")) != base
    assert cache.key("Rest.", VoiceSettings(rate=200)) != base
    for other_engine in ("espeak-ng 1.52 pyttsx3 2.99", "espeak-ng 1.51 pyttsx3 2.98"):
        assert SpeechCache(other_engine, tmp_path).key("Rest.", VoiceSettings()) != base
    # volume is applied at playback, so it must not force a re-render
    assert cache.key("Rest.", VoiceSettings(volume=0.3)) == base


def test_missing_keeps_order_of_first_use_and_skips_duplicates(tmp_path: Path) -> None:
    cache = SpeechCache(ENGINE, tmp_path)
    settings = VoiceSettings()
    cache.path("b", settings).write_bytes(b"x")
    assert cache.missing(["c", "a", "b", "c", "", "a", "d"], settings) == ["c", "a", "d"]
    assert cache.lookup("b", settings) == cache.path("b", settings)
    assert cache.lookup("c", settings) is None


def test_stale_temp_files_are_removed_fresh_ones_kept(tmp_path: Path) -> None:
    cache = SpeechCache(ENGINE, tmp_path)
    final = cache.path("Rest.", VoiceSettings())
    old = cache.temp_path(final, "123")
    new = cache.temp_path(final, "456")
    old.write_bytes(b"half")
    new.write_bytes(b"half")
    past = old.stat().st_mtime - STALE_TEMP_SECONDS - 10
    os.utime(old, (past, past))
    assert cache.remove_stale_temps() == 1
    assert not old.exists()
    assert new.exists()
