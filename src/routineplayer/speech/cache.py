"""The on-disk cache of rendered cues: one WAV per (text, voice, rate, engine) in the user cache.

The key hashes everything that changes the sound, so changing the voice or rate, or an
espeak-ng or pyttsx3 upgrade, simply misses and re-renders; nothing is ever invalidated by
hand. Files are written whole or not at all (temp file + os.replace), so a crash or a killed
worker never leaves a truncated WAV that would later play half a sentence.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from routineplayer.core import paths

# Bump when the post-processing of rendered files changes (e.g. silence trimming).
FORMAT_VERSION = 1
STALE_TEMP_SECONDS = 3600.0


@dataclass(frozen=True)
class VoiceSettings:
    """What the user picks in Settings. ``voice`` None = the engine's default voice."""

    voice: str | None = None
    rate: int = 165  # words per minute; espeak-ng's own default (175) is brisk for instructions
    volume: float = 1.0  # playback only: not part of the cache key

    def key_fields(self) -> tuple[str, int]:
        return (self.voice or "", int(self.rate))


class SpeechCache:
    def __init__(self, engine_identity: str, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else paths.speech_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.engine_identity = engine_identity

    def key(self, text: str, settings: VoiceSettings) -> str:
        voice, rate = settings.key_fields()
        fields = [FORMAT_VERSION, text, voice, rate, self.engine_identity]
        blob = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def path(self, text: str, settings: VoiceSettings) -> Path:
        return self.directory / f"{self.key(text, settings)}.wav"

    def lookup(self, text: str, settings: VoiceSettings) -> Path | None:
        """The rendered file for ``text``, or None if it has not been rendered (yet)."""
        path = self.path(text, settings)
        return path if path.is_file() else None

    def missing(self, texts: list[str], settings: VoiceSettings) -> list[str]:
        """The texts not yet rendered, in the order given, each once."""
        seen: set[str] = set()
        out = []
        for text in texts:
            if text and text not in seen and self.lookup(text, settings) is None:
                out.append(text)
            seen.add(text)
        return out

    def temp_path(self, final: Path, tag: str) -> Path:
        """Where a render is written before it is moved over ``final`` (same directory)."""
        return final.with_name(f".{final.stem}.{tag}.tmp")

    def remove_stale_temps(self, now: float | None = None) -> int:
        """Delete temp files a killed worker left behind; returns how many."""
        now = time.time() if now is None else now
        removed = 0
        for tmp in self.directory.glob(".*.tmp"):
            try:
                if now - tmp.stat().st_mtime > STALE_TEMP_SECONDS:
                    tmp.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
        return removed
