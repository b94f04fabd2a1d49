"""The voice settings a person chose (voice, rate, volume), kept in paths.settings_path().

A missing or unreadable file means the defaults: settings are a convenience, never a reason
for the app not to start.
"""

from __future__ import annotations

import json
from typing import Any

from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.paths import settings_path
from routineplayer.speech.cache import VoiceSettings

RATE_RANGE = (80, 300)  # words per minute that stay intelligible with espeak-ng


def load_voice_settings() -> VoiceSettings:
    try:
        data: Any = json.loads(settings_path().read_text(encoding="utf-8")).get("voice", {})
        voice = data.get("voice")
        rate = int(data.get("rate", VoiceSettings.rate))
        volume = float(data.get("volume", VoiceSettings.volume))
    except (OSError, ValueError, TypeError, AttributeError):
        return VoiceSettings()
    return VoiceSettings(
        voice if isinstance(voice, str) and voice else None,
        min(max(rate, RATE_RANGE[0]), RATE_RANGE[1]),
        min(max(volume, 0.0), 1.0),
    )


def save_voice_settings(settings: VoiceSettings) -> None:
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data["voice"] = {"voice": settings.voice, "rate": settings.rate, "volume": settings.volume}
    write_atomic(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"))
