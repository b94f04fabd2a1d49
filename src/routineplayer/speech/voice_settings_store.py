"""The voice settings a person chose (voice, rate, volume), kept in paths.settings_path().

A missing or unreadable file means the defaults: settings are a convenience, never a reason
for the app not to start. The file is untrusted input (hand-edited, from another version,
damaged): each value is checked on its own, and a bad one falls back to its default with a
line in the log, so ``"rate": Infinity`` costs the rate and nothing else.

Saving keeps the file's other keys. What cannot be kept (a key nested too deep to write
back, a file that is not a JSON object at all) is logged, and the old file is first set
aside as settings.json.bad so that nothing in it is lost.

Other settings kept in the same file (speech.voice_answer_settings) use ``read_section``
and ``write_section``, so that every section is read, checked and saved the same way.
"""

from __future__ import annotations

import json
import logging
import math
import reprlib
from pathlib import Path
from typing import Any

from routineplayer.core import safe_json
from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.paths import settings_path
from routineplayer.speech.cache import VoiceSettings

log = logging.getLogger(__name__)

RATE_RANGE = (80, 300)  # words per minute that stay intelligible with espeak-ng
VOLUME_RANGE = (0.0, 1.0)
MAX_VOICE_CHARS = 200  # engine voice ids are short names or paths ("gmw/en-GB-x-rp")
SECTION = "voice"


def load_voice_settings() -> VoiceSettings:
    section, path = read_section(SECTION, "the default voice settings")
    default = VoiceSettings()
    return VoiceSettings(
        _voice(section, path),
        int(_number(section, "rate", default.rate, RATE_RANGE, path)),
        _number(section, "volume", default.volume, VOLUME_RANGE, path),
    )


def save_voice_settings(settings: VoiceSettings) -> None:
    write_section(
        SECTION, {"voice": settings.voice, "rate": settings.rate, "volume": settings.volume}
    )


def read_section(name: str, defaults: str) -> tuple[dict[str, Any], Path]:
    """The settings file's object under the top-level key ``name``, and the file's path.

    The object is empty when the file is missing, cannot be read, or ``name`` is not an
    object in it (logged, saying that ``defaults`` are used): the caller checks each of its
    values. Other keys nested too deep to be read are logged and left out."""
    path = settings_path()
    try:
        members, left_out = _read(path)
    except FileNotFoundError:
        return {}, path
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s (%s): using %s", path, exc, defaults)
        return {}, path
    if left_out:
        keys = ", ".join(repr(key) for key in left_out)
        log.warning("%s: %s nested too deep to be read: left out", path, keys)
    section = members.get(name, {})
    if not isinstance(section, dict):
        log.warning("%s: %r is not an object: using %s", path, name, defaults)
        return {}, path
    return section, path


def write_section(name: str, values: dict[str, Any]) -> None:
    """Replace the settings file's top-level key ``name`` with ``values``, atomically,
    keeping its other keys. What cannot be kept (an unreadable file, a key nested too deep
    to write back) is logged and the old file first set aside."""
    path = settings_path()
    try:
        members, left_out = _read(path)
    except FileNotFoundError:
        members, left_out = {}, []
    except (OSError, ValueError) as exc:
        members, left_out = {}, []
        _set_aside(path, f"it cannot be read ({exc})")
    if left_out:
        keys = ", ".join(repr(key) for key in left_out)
        _set_aside(path, f"{keys} nested too deep to be written back")
    members[name] = values
    write_atomic(path, (json.dumps(members, indent=2) + "\n").encode("utf-8"))


def _read(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The file's top-level keys, and those left out as nested too deep (see safe_json)."""
    return safe_json.loads_object(safe_json.read_text(path))


def _set_aside(path: Path, why: str) -> None:
    try:
        aside = safe_json.set_aside(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("%s: %s; it is replaced (it could not be kept aside: %s)", path, why, exc)
        return
    log.warning("%s: %s; the old file is kept as %s", path, why, aside.name)


def _voice(section: dict[str, Any], path: Path) -> str | None:
    value = section.get("voice")
    if value is None or value == "":
        return None  # the engine's default voice
    if isinstance(value, str) and len(value) <= MAX_VOICE_CHARS and value.isprintable():
        return value
    log.warning("%s: voice.voice %s is not a voice id: using the default voice", path, _show(value))
    return None


def _number(
    section: dict[str, Any], key: str, default: float, limits: tuple[float, float], path: Path
) -> float:
    """``section[key]`` brought into ``limits``; ``default`` when it is missing, not a
    number (a bool is not one) or not finite (the parser reads NaN, Infinity and 1e400)."""
    if key not in section:
        return default
    value = section[key]
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int | float):
        problem = f"is {_show(value)}, not a number"
    elif isinstance(value, float) and not math.isfinite(value):
        problem = f"is {value}, not a finite number"
    elif not low <= value <= high:
        nearest = min(max(value, low), high)
        log.warning(
            "%s: voice.%s %s is not %s to %s: using %s", path, key, _show(value), *limits, nearest
        )
        return nearest
    else:
        return value
    log.warning("%s: voice.%s %s: using %s", path, key, problem, default)
    return default


def _show(value: object) -> str:
    """A value for the log, shortened: the file may hold a megabyte of text."""
    return reprlib.repr(value)
