"""A routine's length is told one way everywhere: minutes of exercise, then the whole time.

The library card, the prestart dialog and the opening cue all take it from the timeline, so
they cannot disagree; the built-in routines keep notes about their sources out of what a
person reads before playing.
"""

from __future__ import annotations

import re

import pytest
from session_support import builtin_timeline, timeline_of

from routineplayer.core.durations import spoken_duration
from routineplayer.core.library import Library
from routineplayer.core.model import Step, StepKind
from routineplayer.core.timeline import length_words


def test_length_says_the_exercise_then_the_whole_time() -> None:
    assert length_words(540, 646) == "9 min of exercise · about 11 min in all"
    assert length_words(540, 646, spoken=True) == "9 minutes of exercise, about 11 minutes in all"


def test_the_whole_time_is_left_out_when_it_rounds_to_the_exercise() -> None:
    assert length_words(300, 328) == "5 min of exercise"
    assert length_words(300, 328, spoken=True) == "5 minutes of exercise"


def test_short_routines_keep_their_seconds() -> None:
    assert length_words(18, 52) == "18 s of exercise · about 52 s in all"
    assert length_words(18, 52, spoken=True) == "18 seconds of exercise, about 52 seconds in all"


def test_the_opening_cue_says_the_length_the_card_shows() -> None:
    timeline = builtin_timeline("warm-up")
    opening = timeline.segments[0].cues[0].text
    assert timeline.length == "9 min of exercise · about 11 min in all"
    assert opening.startswith(f"{timeline.routine.title}. {timeline.spoken_length}.")
    assert timeline.spoken_length == "9 minutes of exercise, about 11 minutes in all"


def test_the_whole_time_spoken_includes_the_opening_itself() -> None:
    timeline = timeline_of(Step(StepKind.TIMED, title="Hold", duration=60.0), title="T")
    # Under 90 s it is said to the second, so leaving out the opening's own seconds would show.
    whole = spoken_duration(timeline.total)
    assert timeline.spoken_length == f"1 minute of exercise, about {whole} in all"
    assert timeline.segments[0].cues[0].text.startswith(f"T. {timeline.spoken_length}.")


@pytest.mark.parametrize("entry", Library().entries(), ids=lambda e: e.name)
def test_built_in_summaries_say_nothing_about_sources(entry) -> None:  # type: ignore[no-untyped-def]
    routine = Library().resolve(entry.name)
    assert not re.search(r"\b(source|seed|we keep)\b", routine.summary, re.IGNORECASE)


@pytest.mark.parametrize("entry", Library().entries(), ids=lambda e: e.name)
def test_built_in_titles_carry_no_length(entry) -> None:  # type: ignore[no-untyped-def]
    # The length line is worked out from the plan; a number in the title could only disagree.
    assert not re.search(r"\d+[- ]min", Library().resolve(entry.name).title, re.IGNORECASE)


def test_the_warm_up_credit_keeps_the_note_about_its_figures() -> None:
    assert "9 minutes" in Library().resolve("warm-up").credit
