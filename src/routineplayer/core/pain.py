"""The 0–10 pain scale and the places pain is recorded, shared by journal, assessment, safety."""

from __future__ import annotations

from enum import StrEnum

PAIN_MIN = 0
PAIN_MAX = 10


class PainLocation(StrEnum):
    """Where the pain is; the values are what the journal stores and the CSV shows."""

    LOWER_BACK = "lower back"
    BUTTOCK_LEG = "buttock/leg"
    UPPER_BACK = "upper back"
    OTHER = "other"


def check_pain(level: int) -> int:
    """``level`` unchanged if it is a whole number on the scale; ValueError otherwise."""
    # bool is an int subclass; True must not slip in as a pain of 1.
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValueError(f"pain must be a whole number {PAIN_MIN}–{PAIN_MAX}, got {level!r}")
    if not PAIN_MIN <= level <= PAIN_MAX:
        raise ValueError(f"pain must be between {PAIN_MIN} and {PAIN_MAX}, got {level}")
    return level
