"""Whether a person answers by voice, and with which microphone (issue: hands-free answers).

Kept in the same settings file as the cue voice (speech.voice_settings_store), under its own
key "voice_answers", read and saved by the same machinery: an untrusted file whose bad
values each fall back to their default with a line in the log, an atomic write that keeps
the file's other keys, and an unreadable file set aside rather than lost.

Spoken answers are off by default: the microphone is never opened unless the person turned
them on (gui.voice_answers_dialog).
"""

from __future__ import annotations

import logging
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from routineplayer.speech.voice_settings_store import read_section, write_section

log = logging.getLogger(__name__)

SECTION = "voice_answers"
MAX_DEVICE_CHARS = 300  # a device's description ("Built-in Audio Analog Stereo", a USB name)


@dataclass(frozen=True)
class VoiceAnswerSettings:
    enabled: bool = False
    device: str = ""  # the input device's description; "" is the system default


def load_voice_answer_settings() -> VoiceAnswerSettings:
    section, path = read_section(SECTION, "spoken answers off")
    return VoiceAnswerSettings(_enabled(section, path), _device(section, path))


def save_voice_answer_settings(settings: VoiceAnswerSettings) -> None:
    write_section(SECTION, {"enabled": settings.enabled, "device": settings.device})


def _enabled(section: dict[str, Any], path: Path) -> bool:
    value = section.get("enabled", False)
    if isinstance(value, bool):
        return value
    log.warning(
        "%s: %s.enabled %s is not true or false: spoken answers are off",
        path,
        SECTION,
        reprlib.repr(value),
    )
    return False


def _device(section: dict[str, Any], path: Path) -> str:
    value = section.get("device", "")
    if isinstance(value, str) and len(value) <= MAX_DEVICE_CHARS and value.isprintable():
        return value
    log.warning(
        "%s: %s.device %s is not a device name: using the system default",
        path,
        SECTION,
        reprlib.repr(value),
    )
    return ""
