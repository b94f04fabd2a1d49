"""Durations as people write them: ``45s``, ``1m30s``, ``3m``, ``1h``, or plain seconds.

Exactly what docs/routine-format.md says, and nothing Python's float() happens to take
besides: ASCII digits only (not ``٣٠s``), no spaces inside (not ``1 m 30 s``), no
underscores, exponents, signs, ``inf`` or ``nan``.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_PLAIN = re.compile(_NUMBER)
# Units largest first, each at most once: 1h, 1h30m, 1m30s, 90s, 1.5m.
_UNITS = re.compile(rf"(?:(?P<h>{_NUMBER})h)?(?:(?P<m>{_NUMBER})m)?(?:(?P<s>{_NUMBER})s)?")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0}


class DurationError(ValueError):
    """Text that is not a duration; the message says what is expected."""


EXPECTED = "a duration such as 45s, 1m30s, 3m or a number of seconds"


def parse_duration(value: object) -> float:
    """Seconds from an int/float or a string like ``1m30s``; raises DurationError."""
    if isinstance(value, bool):  # bool is an int subclass; `true` is never a duration
        raise DurationError(f"expected {EXPECTED}, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        seconds = math.nan
        if _PLAIN.fullmatch(text):
            seconds = float(text)
        elif text and (units := _UNITS.fullmatch(text)):
            seconds = sum(float(n) * _UNIT_SECONDS[u] for u, n in units.groupdict().items() if n)
        if math.isfinite(seconds):  # 400 digits are a float too: infinity, never a duration
            return seconds
        raise DurationError(f"expected {EXPECTED}, got {value!r:.60}")
    raise DurationError(f"expected {EXPECTED}, got {type(value).__name__}")


def format_duration(seconds: float) -> str:
    """The shortest canonical text for a duration; parse_duration(format_duration(x)) == x."""
    if seconds != int(seconds) or seconds < 0:
        # The shortest exact digits (repr), written without an exponent such as 1e-05,
        # which parse_duration does not read.
        return f"{Decimal(repr(seconds)):f}s"
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h"] if hours else []
    if minutes:
        parts.append(f"{minutes}m")
    if secs or not parts:
        parts.append(f"{secs}s")
    return "".join(parts)


def spoken_duration(seconds: float) -> str:
    """Words for a duration in a spoken cue: '1 minute 30 seconds'."""
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    if secs or not parts:
        parts.append(f"{secs} second{'s' if secs != 1 else ''}")
    return " ".join(parts)
