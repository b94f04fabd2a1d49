"""Durations as people write them, and back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routineplayer.core.durations import (
    DurationError,
    format_duration,
    parse_duration,
    spoken_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45.0),
        ("1m30s", 90.0),
        ("3m", 180.0),
        ("1h", 3600.0),
        ("1h2m3s", 3723.0),
        ("90", 90.0),
        ("7.5", 7.5),
        ("2.5s", 2.5),
        (" 1m30s ", 90.0),  # YAML trims a value; so does this
        ("1.5m", 90.0),
        (45, 45.0),
        (7.5, 7.5),
    ],
)
def test_parse(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text",
    [
        *("", "abc", "30s1m", "1m1m", "1 minute", "s", "-", True, None, []),
        # What float() or a loose pattern would take, but docs/routine-format.md does not:
        *("٣٠s", "٣٠", "1 m 30 s", "1m 30s", "1M30S", "1_000", "1e3", "inf", "nan", "+30"),
        *(".5s", "5.s", "30 s", "9" * 400, "9" * 400 + "s"),  # 400 digits: float('inf')
    ],
)
def test_parse_refuses_what_is_not_a_duration(text: object) -> None:
    with pytest.raises(DurationError, match="expected a duration such as 45s"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (45, "45s"),
        (60, "1m"),
        (90, "1m30s"),
        (3600, "1h"),
        (3723, "1h2m3s"),
        (7.5, "7.5s"),
    ],
)
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@given(st.integers(0, 100 * 3600 * 1000).map(lambda n: n / 1000))
def test_format_then_parse_gives_the_same_seconds(seconds: float) -> None:
    assert parse_duration(format_duration(seconds)) == seconds


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "0 seconds"),
        (1, "1 second"),
        (60, "1 minute"),
        (90, "1 minute 30 seconds"),
        (125, "2 minutes 5 seconds"),
    ],
)
def test_spoken(seconds: float, words: str) -> None:
    assert spoken_duration(seconds) == words
