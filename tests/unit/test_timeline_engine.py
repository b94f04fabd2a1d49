"""The engine walks exactly the planned timeline: whole event timelines, to the millisecond.

Expected timelines are derived here from the segment list (what `routineplayer plan`
prints) and the rules of issue 3, or written out by hand — never the engine's own output.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from session_support import (
    T0,
    FakeClock,
    Row,
    builtin_names,
    builtin_timeline,
    every_kind_timeline,
    ms,
    play,
    rows,
    session_of,
    timeline_of,
)

from routineplayer.core.model import DEFAULT_RESET_CUE, Breathing, Check, Step, StepKind
from routineplayer.core.session import EventKind, Session, State
from routineplayer.core.timeline import (
    Segment,
    SegmentKind,
    Timeline,
    reset_segment,
    set_segments,
)

STATE_NAME = {
    SegmentKind.LEAD_IN: "lead-in",
    SegmentKind.WORK: "working",
    SegmentKind.WAIT_DONE: "waiting-done",
    SegmentKind.REST: "resting",
    SegmentKind.CHECK: "checking",
    SegmentKind.RESET: "resetting",
}
SET_KINDS = (SegmentKind.WORK, SegmentKind.WAIT_DONE)

# Answers a check by (step index, set number, attempt) -> yes?
Policy = Callable[[int, int, int], bool]


def never(step: int, set_number: int, attempt: int) -> bool:
    return False


def expected_rows(timeline: Timeline, policy: Policy = never) -> list[Row]:
    """What issue 3 says a by-the-plan play gives: each check answered at once by ``policy``,
    each wait-done set ended after its planned time."""
    live: list[Segment] = list(timeline.segments)
    origin = list(range(len(live)))
    out: list[Row] = []
    resets: dict[tuple[int, int], int] = {}
    state = "idle"
    t = 0.0  # seconds since the start
    i = 0
    while i < len(live):
        seg = live[i]
        out.append(("segment-started", ms(t), i, ""))
        if STATE_NAME[seg.kind] != state:
            state = STATE_NAME[seg.kind]
            out.append(("state-changed", ms(t), i, state))
        key = (seg.step_index, seg.set_number)
        if seg.kind is SegmentKind.CHECK:
            assert seg.check is not None
            out.append(("check-asked", ms(t), i, seg.check.question))
            out += [("cue", ms(t + c.offset), i, c.text) for c in seg.cues]
            yes = policy(seg.step_index, seg.set_number, resets.get(key, 0) + 1)
            out.append(("check-answered", ms(t), i, "yes" if yes else "no"))
            if yes:
                assert resets.get(key, 0) < seg.check.max_resets, "policy exhausts resets"
                resets[key] = resets.get(key, 0) + 1
                out.append(("reset-started", ms(t), i, seg.check.reset_cue))
                again = [reset_segment(seg), *set_segments(timeline, origin[i]), seg]
                live[i + 1 : i + 1] = again
                origin[i + 1 : i + 1] = [origin[i]] * len(again)
            else:
                out.append(
                    ("set-ended", ms(t), i, f"{seg.set_number}:completed:{resets.get(key, 0)}")
                )
            i += 1
            continue
        length = seg.duration if seg.duration is not None else seg.planned
        out += [("cue", ms(t + c.offset), i, c.text) for c in seg.cues if c.offset <= length]
        t += length
        step = timeline.steps[seg.step_index] if seg.step_index >= 0 else None
        nxt = live[i + 1] if i + 1 < len(live) else None
        last_of_set = (
            nxt is None or nxt.kind not in SET_KINDS or ((nxt.step_index, nxt.set_number) != key)
        )
        if seg.kind in SET_KINDS and step is not None and step.check is None and last_of_set:
            out.append(("set-ended", ms(t), i, f"{seg.set_number}:completed:0"))
        i += 1
    end = len(live)
    out += [
        ("finished", ms(t), end, ""),
        ("state-changed", ms(t), end, "finished"),
        ("cue", ms(t), end, timeline.closing_text),
    ]
    return out


@pytest.fixture(params=builtin_names())
def builtin(request: pytest.FixtureRequest) -> Timeline:
    return builtin_timeline(request.param)


def test_every_builtin_routine_is_there() -> None:
    names = builtin_names()
    assert {"warm-up", "cool-down", "jellyfish-breathing", "upper-back-slides"} <= set(names)


def test_builtin_routine_plays_its_plan_to_the_millisecond(builtin: Timeline) -> None:
    session, clock = session_of(builtin)
    events = play(session, clock)
    assert rows(events) == expected_rows(builtin)
    # The plan's own start times (what `routineplayer plan` prints) are when segments start.
    starts = [e for e in events if e.kind is EventKind.SEGMENT_STARTED]
    assert [ms(e.at - T0) for e in starts] == [ms(s.start) for s in builtin.segments]
    assert ms(events[-1].at - T0) == ms(builtin.total)
    assert not [e for e in events if e.kind is EventKind.CUE_DROPPED]


def test_builtin_routine_with_a_yes_on_every_first_try(builtin: Timeline) -> None:
    def first_try_yes(step: int, set_number: int, attempt: int) -> bool:
        return attempt == 1

    session, clock = session_of(builtin)
    events = play(session, clock, answer=_first)
    assert rows(events) == expected_rows(builtin, first_try_yes)
    checks = [s for s in builtin.segments if s.kind is SegmentKind.CHECK]
    assert session.summary().resets_taken == len(checks)
    assert len([e for e in events if e.kind is EventKind.RESET_STARTED]) == len(checks)


def _first(session: Session) -> bool:
    """Yes on a set's first try: the session has taken no reset for it yet."""
    seg = session.segment
    assert seg is not None
    key = (seg.step_index, seg.set_number)
    return not any((c.step_index, c.set_number) == key for c in session.summary().checks)


def test_ticking_every_100_ms_gives_the_same_timeline(builtin: Timeline) -> None:
    exact_session, exact_clock = session_of(builtin)
    exact = rows(play(exact_session, exact_clock))
    ticking, clock = session_of(builtin)
    assert rows(play(ticking, clock, step=0.1)) == exact


def test_a_plain_100_ms_grid_gives_the_planned_times() -> None:
    """A driver that knows nothing of due times: ticks at T0 + k/10 only."""
    timeline = timeline_of(
        Step(StepKind.TIMED, title="Hold", duration=7.3, sets=2, rest_between_sets=4.55),
        Step(StepKind.BREATHING, title="Breathe", breathing=Breathing(3.3, 4.1, breaths=3)),
    )
    clock = FakeClock()
    session = Session(timeline, clock)
    events = session.start()
    k = 0
    while session.state is not State.FINISHED:
        k += 1
        clock.t = T0 + k / 10
        events += session.tick()
    assert rows(events) == expected_rows(timeline)
    assert not [e for e in events if e.kind is EventKind.CUE_DROPPED]


def test_every_kind_of_segment_plays_its_plan() -> None:
    timeline = every_kind_timeline()
    session, clock = session_of(timeline)
    assert rows(play(session, clock, step=0.25)) == expected_rows(timeline)


QUESTION = "Did your lower belly disconnect? Press Y for yes, or N for no."
ASKED = "Did your lower belly disconnect?"


def test_golden_timeline_written_by_hand() -> None:
    """A timed set with a check answered yes (10 s reset), then no after 2.5 s, then a rep
    set without tempo ended after 7.25 s. Times worked out by hand from the plan."""
    timeline = timeline_of(
        Step(StepKind.TIMED, title="Hold", duration=6.0, check=Check(reset=10.0, max_resets=1)),
        Step(StepKind.REPS, title="Curls", reps=3),
        title="Tiny",
    )
    session, clock = session_of(timeline)
    events = play(session, clock, until=lambda s: s.state is State.CHECKING)
    events += session.answer_check(True)
    events += play(session, clock, until=lambda s: s.state is State.CHECKING)
    clock.advance(2.5)
    events += session.tick()
    events += session.answer_check(False)
    events += play(session, clock, until=lambda s: s.state is State.WAITING_DONE)
    clock.t = T0 + 51.75
    events += session.tick()
    events += session.done()
    curls = "Get ready: Curls. 3 reps. Press space when each set is done."
    golden = [
        ("segment-started", 0, 0, ""),
        ("state-changed", 0, 0, "lead-in"),
        ("cue", 0, 0, "Tiny. 18 seconds of exercise, about 38 seconds in all."),
        ("segment-started", 5000, 1, ""),
        ("cue", 5000, 1, "Get ready: Hold. 6 seconds."),
        ("cue", 8000, 1, "3"),
        ("cue", 9000, 1, "2"),
        ("cue", 10000, 1, "1"),
        ("segment-started", 11000, 2, ""),
        ("state-changed", 11000, 2, "working"),
        ("cue", 11000, 2, "Begin."),
        ("cue", 14000, 2, "3"),
        ("cue", 15000, 2, "2"),
        ("cue", 16000, 2, "1"),
        ("segment-started", 17000, 3, ""),
        ("state-changed", 17000, 3, "checking"),
        ("check-asked", 17000, 3, ASKED),
        ("cue", 17000, 3, QUESTION),
        ("check-answered", 17000, 3, "yes"),
        ("reset-started", 17000, 3, DEFAULT_RESET_CUE),
        ("segment-started", 17000, 4, ""),
        ("state-changed", 17000, 4, "resetting"),
        ("cue", 17000, 4, DEFAULT_RESET_CUE),
        # The reset cue (22 words, 8.8 s) fills most of the 10 s: "Get ready to try again."
        # (22 s), "3" (24 s) and "2" (25 s) would talk over it, and are not said.
        ("cue", 26000, 4, "1"),
        ("segment-started", 27000, 5, ""),
        ("state-changed", 27000, 5, "working"),
        ("cue", 27000, 5, "Begin."),
        ("cue", 30000, 5, "3"),
        ("cue", 31000, 5, "2"),
        ("cue", 32000, 5, "1"),
        ("segment-started", 33000, 6, ""),
        ("state-changed", 33000, 6, "checking"),
        ("check-asked", 33000, 6, ASKED),
        ("cue", 33000, 6, QUESTION),
        ("check-answered", 35500, 6, "no"),
        ("set-ended", 35500, 6, "1:completed:1"),
        ("segment-started", 35500, 7, ""),
        ("state-changed", 35500, 7, "lead-in"),
        ("cue", 35500, 7, curls),
        ("cue", 41500, 7, "3"),
        ("cue", 42500, 7, "2"),
        ("cue", 43500, 7, "1"),
        ("segment-started", 44500, 8, ""),
        ("state-changed", 44500, 8, "waiting-done"),
        ("cue", 44500, 8, "Begin. 3 reps, at your own pace."),
        ("set-ended", 51750, 8, "1:completed:0"),
        ("finished", 51750, 9, ""),
        ("state-changed", 51750, 9, "finished"),
        ("cue", 51750, 9, "Well done. That is the end of Tiny."),
    ]
    assert rows(events) == golden
    summary = session.summary()
    assert summary.finished and ms(summary.time_spent) == 51750
    assert [(c.attempt, c.yes, ms(c.waited)) for c in summary.checks] == [
        (1, True, 0),
        (2, False, 2500),
    ]
