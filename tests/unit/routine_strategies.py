"""Hypothesis strategies for valid routines (format 1), shared by the round-trip tests."""

from __future__ import annotations

from hypothesis import strategies as st

from routineplayer.core.cost import first_excess, opening_cost
from routineplayer.core.loader import DEFAULT_SIDES
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind

# Any text a person could type, including accents, emoji, tabs and line breaks; no other
# control characters and no Unicode line separators, which a routine file is not meant to hold.
_ALPHABET = st.characters(
    codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")
) | st.sampled_from([*" :-#'\"[]{}&*!|>%@`,?\\", "\n", "\t"])
texts = st.text(_ALPHABET, min_size=1, max_size=100).filter(lambda s: s.strip())
optional_texts = st.just("") | texts
# Seconds in half-second steps, as people write them (format_duration writes 7.5s).
seconds = st.integers(1, 2 * 3600).map(lambda n: n / 2)
zero_or_seconds = st.just(0.0) | seconds


def _cues(work: float | None) -> st.SearchStrategy[tuple[Cue, ...]]:
    limit = 2 * 3600 if work is None else int(work * 2) - 1
    if limit < 0:
        return st.just(())
    at = st.integers(0, limit).map(lambda n: n / 2)
    return st.lists(st.builds(Cue, at, texts), max_size=3).map(tuple)


sides = (
    st.just(())
    | st.just(DEFAULT_SIDES)
    | st.lists(texts, min_size=2, max_size=3, unique=True).map(tuple)
)
checks = (
    st.none()
    | st.just(Check())
    | st.builds(
        Check,
        question=texts,
        reset=seconds,
        reset_cue=texts,
        max_resets=st.integers(0, 5),
    )
)


@st.composite
def _set_step(draw: st.DrawFn, kind: StepKind) -> Step:
    if kind is StepKind.TIMED:
        fields: dict[str, object] = {"duration": draw(seconds)}
    else:
        fields = {"reps": draw(st.integers(1, 30)), "tempo": draw(st.none() | seconds)}
    step = Step(
        kind,
        title=draw(optional_texts),
        say=draw(optional_texts),
        sets=draw(st.integers(1, 4)),
        rest_between_sets=draw(zero_or_seconds),
        sides=draw(sides),
        check=draw(checks),
        **fields,  # type: ignore[arg-type]
    )
    return Step(**{**step.__dict__, "cues": draw(_cues(step.work_seconds()))})


@st.composite
def _breathing_step(draw: st.DrawFn) -> Step:
    by_breaths = draw(st.booleans())
    breathing = Breathing(
        inhale=draw(st.integers(1, 20).map(lambda n: n / 2)),
        exhale=draw(st.integers(1, 20).map(lambda n: n / 2)),
        hold_in=draw(st.just(0.0) | st.integers(1, 20).map(lambda n: n / 2)),
        hold_out=draw(st.just(0.0) | st.integers(1, 20).map(lambda n: n / 2)),
        breaths=draw(st.integers(1, 60)) if by_breaths else None,
        imagery=draw(optional_texts),
    )
    duration = None if by_breaths else draw(st.integers(1, 1200).map(lambda n: n / 2))
    step = Step(
        StepKind.BREATHING,
        title=draw(optional_texts),
        say=draw(optional_texts),
        duration=duration,
        breathing=breathing,
    )
    return Step(**{**step.__dict__, "cues": draw(_cues(step.work_seconds()))})


rest_steps = st.builds(
    Step, st.just(StepKind.REST), title=optional_texts, say=optional_texts, duration=seconds
)
include_steps = st.builds(
    Step,
    st.just(StepKind.INCLUDE),
    include=st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True),
)
steps = st.one_of(
    _set_step(StepKind.TIMED),
    _set_step(StepKind.REPS),
    _breathing_step(),
    rest_steps,
    include_steps,
)
# Every value within its own limit; the product within core.cost's bounds, as the loader asks.
routines = st.builds(
    Routine,
    title=texts,
    steps=st.lists(steps, min_size=1, max_size=5).map(tuple),
    summary=optional_texts,
    credit=optional_texts,
    position=optional_texts,
    equipment=st.lists(texts, max_size=3).map(tuple),
    safety=st.lists(texts, max_size=3).map(tuple),
    lead_in=st.integers(6, 60).map(lambda n: n / 2),
).filter(
    lambda r: first_excess(r.steps, r.lead_in, opening_cost(r.title, r.position, r.lead_in))[0] < 0
)
