"""Which figure a moment of a session shows, how far through its cycle, on which side."""

from __future__ import annotations

import pytest

from routineplayer.core.figure_timing import figure_moment, first_movement, next_motion
from routineplayer.core.loader import load_routine_text
from routineplayer.core.timeline import SegmentKind, expand

ROUTINE = """\
format: 1
title: T
steps:
  - title: Circles
    movement: arm-circles-forwards
    duration: 1m
    sides: [left, right]
    cues:
      - at: 30s
        say: Backwards now.
        movement: arm-circles-backwards
  - title: Slides
    movement: forward-reach-slide
    reps: 4
    tempo: 5s
    sets: 2
    rest_between_sets: 10s
  - title: Words only
    duration: 20s
"""


@pytest.fixture
def timeline():
    def no_includes(name: str):
        raise LookupError(name)

    return expand(load_routine_text(ROUTINE), no_includes)


def _segments(timeline, title: str, kind: SegmentKind):
    return [s for s in timeline.segments if s.title == title and s.kind is kind]


def test_a_timed_step_loops_at_the_movements_pace_and_a_cue_switches_it(timeline) -> None:
    first, second = _segments(timeline, "Circles", SegmentKind.WORK)
    m = figure_moment(timeline.steps, first, 0.5)
    assert m is not None and m.moving and not m.mirror
    assert m.motion.id == "arm-circles-forwards"
    assert m.phase == pytest.approx((0.5 / m.motion.cycle) % 1)
    later = figure_moment(timeline.steps, first, 31.0)
    assert later is not None and later.motion.id == "arm-circles-backwards"
    other_side = figure_moment(timeline.steps, second, 0.5)
    assert other_side is not None and other_side.mirror


def test_reps_with_a_tempo_make_one_cycle_a_rep(timeline) -> None:
    work = _segments(timeline, "Slides", SegmentKind.WORK)[0]
    for t in (0.0, 1.0, 2.5, 4.9):
        a = figure_moment(timeline.steps, work, t)
        b = figure_moment(timeline.steps, work, t + 5.0)
        assert a is not None and b is not None
        assert a.phase == pytest.approx(b.phase)
        assert a.phase == pytest.approx(t / 5.0)


def test_getting_ready_and_resting_show_the_start_still(timeline) -> None:
    rest = next(s for s in timeline.segments if s.kind is SegmentKind.REST)
    for segment in (_segments(timeline, "Slides", SegmentKind.LEAD_IN)[0], rest):
        m = figure_moment(timeline.steps, segment, 3.0)
        assert m is not None and not m.moving and m.phase == 0.0


def test_no_figure_for_a_step_without_a_movement_or_for_the_check(timeline) -> None:
    words = _segments(timeline, "Words only", SegmentKind.WORK)[0]
    assert figure_moment(timeline.steps, words, 1.0) is None


def test_the_next_and_the_first_movement(timeline) -> None:
    index = timeline.segments.index(_segments(timeline, "Circles", SegmentKind.WORK)[1])
    upcoming = next_motion(timeline.steps, timeline.segments, index)
    assert upcoming is not None and upcoming.id == "forward-reach-slide"
    first = first_movement(timeline.steps)
    assert first is not None and first[0] == "Circles"


def test_a_breathing_step_shows_its_position_still() -> None:
    routine = load_routine_text(
        """\
format: 1
title: B
steps:
  - title: Breathe
    movement: lying-knees-bent
    duration: 1m
    breathing: {inhale: 4s, exhale: 6s}
"""
    )

    def no_includes(name: str):
        raise LookupError(name)

    timeline = expand(routine, no_includes)
    work = next(s for s in timeline.segments if s.kind is SegmentKind.WORK)
    m = figure_moment(timeline.steps, work, 7.0)
    assert m is not None and m.motion.id == "lying-knees-bent"
    assert not m.moving and m.phase == 0.0
