"""Random routines, random commands at random times: the engine's invariants hold.

- time never runs backwards or below zero (remaining, elapsed, progress in range);
- every event is emitted once: a tick returns only what fell due since the last call;
- segments are played in order (a skipped set's check passed over), and each segment's cues
  in order, none twice;
- no spoken cue is more than CUE_STALE_AFTER late (a check's question excepted);
- a clock jump over SLEEP_JUMP while something is pending pauses the session at the last
  known time, saying only "paused" — an hour's sleep makes no burst of stale cues;
- at the end every set was completed, reset, or skipped, and resets never exceed the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import hypothesis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from session_support import FakeClock, no_includes

from routineplayer.core.model import Breathing, Check, Routine, Step, StepKind
from routineplayer.core.session import (
    CUE_STALE_AFTER,
    SLEEP_JUMP,
    Event,
    EventKind,
    Session,
    State,
)
from routineplayer.core.summary import SetOutcome
from routineplayer.core.timeline import TEXT_PAUSED_AFTER_SLEEP, SegmentKind, Timeline, expand

SECONDS = st.sampled_from([0.5, 1.0, 2.5, 4.0, 7.3, 12.0, 20.0, 45.0])
CHECKS = st.none() | st.builds(
    Check,
    reset=st.sampled_from([3.0, 8.0, 20.0]),
    max_resets=st.integers(0, 2),
)


@st.composite
def steps(draw: st.DrawFn) -> Step:
    kind = draw(st.sampled_from([StepKind.TIMED, StepKind.REPS, StepKind.BREATHING, StepKind.REST]))
    if kind is StepKind.REST:
        return Step(kind, title="Rest step", duration=draw(SECONDS))
    common = {
        "title": draw(st.sampled_from(["Bridge", "Plank", "Curl", "Breathe"])),
        "sets": draw(st.integers(1, 3)),
        "rest_between_sets": draw(st.sampled_from([0.0, 2.0, 15.0])),
        "sides": draw(st.sampled_from([(), ("left", "right")])),
        "check": draw(CHECKS),
    }
    if kind is StepKind.TIMED:
        return Step(kind, duration=draw(SECONDS), **common)
    if kind is StepKind.REPS:
        tempo = draw(st.none() | st.sampled_from([1.0, 2.5]))
        return Step(kind, reps=draw(st.integers(1, 6)), tempo=tempo, **common)
    breathing = Breathing(
        inhale=draw(st.sampled_from([2.0, 3.3])),
        exhale=draw(st.sampled_from([3.0, 4.1])),
        hold_in=draw(st.sampled_from([0.0, 1.0])),
        breaths=draw(st.integers(1, 4)),
        imagery="Drift like a jellyfish.",
    )
    return Step(kind, breathing=breathing, **common)


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    routine = Routine(
        title="Random",
        steps=tuple(draw(st.lists(steps(), min_size=1, max_size=4))),
        lead_in=draw(st.sampled_from([1.0, 5.0])),
    )
    return expand(routine, no_includes)


COMMANDS = ["tick"] * 6 + [
    "pause",
    "resume",
    "toggle_pause",
    "primary",
    "skip",
    "back",
    "done",
    "yes",
    "no",
]
GAPS = st.one_of(
    st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]),
    st.floats(0.0, 12.0),
    st.sampled_from([SLEEP_JUMP + 0.5, 3600.0]),  # a laptop that slept
)
SCRIPTS = st.lists(st.tuples(GAPS, st.sampled_from(COMMANDS)), max_size=60)


@dataclass
class Watcher:
    """Checks every call's events against the invariants, and keeps the whole stream."""

    session: Session
    clock: FakeClock
    stream: list[Event] = field(default_factory=list)
    last_now: float = 0.0
    visit_cues: int = 0  # timeline cues of the current visit emitted so far

    def call(self, name: str) -> list[Event]:
        session = self.session
        pending = session.state in RUNNING and session.next_due() is not None
        jumped = self.clock.t - self.last_now > SLEEP_JUMP and pending
        before = -1 if session.state is State.IDLE else session.segment_index
        if name in ("yes", "no"):
            events = session.answer_check(name == "yes")
        else:
            events = getattr(session, name)()
        now = self.clock.t
        previous = self.stream[-1].at if self.stream else -1.0
        for event in events:
            assert previous <= event.at <= now  # in order, across calls too; none from the future
            previous = event.at
            self.check_event(event, now)
        starts = [e.segment_index for e in events if e.kind is EventKind.SEGMENT_STARTED]
        if name == "back" and starts:  # catching up first walks on; then back goes back
            # ...unless catching up reached the end: then there is nothing to go back in.
            ended = any(e.kind is EventKind.FINISHED for e in events)
            caught, last = (starts, None) if ended else (starts[:-1], starts[-1])
            assert caught == list(range(before + 1, before + 1 + len(caught)))
            assert last is None or last <= (caught[-1] if caught else before)
        elif name == "tick":
            # In order; only the check of a skipped set is passed over, never started.
            assert starts == sorted(set(starts)) and all(i > before for i in starts)
            between = range(before + 1, starts[-1] if starts else before + 1)
            passed = [session.segments[i] for i in between if i not in starts]
            assert all(seg.kind is SegmentKind.CHECK for seg in passed)
            if passed:
                hypothesis.event("a skipped set's check was passed over")
            for event in events:  # nothing re-emitted: only what fell due since the last call
                pausing = event.kind in (EventKind.PAUSED, EventKind.STATE_CHANGED)
                assert event.at > self.last_now or (pausing and event.at == self.last_now)
            if jumped:
                hypothesis.event("the clock jumped while something was pending")
                assert [e.kind for e in events] == SLEEP_PAUSE and events[
                    2
                ].text == TEXT_PAUSED_AFTER_SLEEP
                assert events[0].at == self.last_now and session.state is State.PAUSED
        else:
            assert starts == sorted(set(starts)) and all(i > before for i in starts)
        self.check_readings()
        self.stream += events
        self.last_now = max(self.last_now, now)
        return events

    def check_event(self, event: Event, now: float) -> None:
        if event.kind is EventKind.CUE:
            seg = event.segment
            question = seg is not None and seg.kind is SegmentKind.CHECK
            assert now - event.at <= CUE_STALE_AFTER or question, "a stale cue was said"
        if event.kind is EventKind.SEGMENT_STARTED:
            self.visit_cues = 0
        elif event.kind in (EventKind.CUE, EventKind.CUE_DROPPED) and event.segment is not None:
            cues = event.segment.cues
            if any(event.cue is c for c in cues):  # not the pause/resume/stop words
                assert event.cue is cues[self.visit_cues], "cues in order, none twice"
                self.visit_cues += 1

    def check_readings(self) -> None:
        session = self.session
        remaining = session.remaining()
        assert remaining is None or remaining >= 0.0
        assert session.elapsed_in_segment() >= 0.0
        assert 0.0 <= session.progress() <= 1.0
        assert 0 <= session.segment_index <= len(session.segments)


RUNNING = {
    State.LEAD_IN,
    State.WORKING,
    State.WAITING_DONE,
    State.RESTING,
    State.CHECKING,
    State.RESETTING,
}
SLEEP_PAUSE = [EventKind.PAUSED, EventKind.STATE_CHANGED, EventKind.CUE]


def finish(watcher: Watcher, answers: list[bool] | None = None) -> None:
    """Carry on to the end: answer checks from ``answers`` (then "no"), press done, resume."""
    session = watcher.session
    answers = list(answers or [])
    for _ in range(100_000):
        state = session.state
        if state is State.FINISHED:
            return
        if state is State.CHECKING and session.resets_exhausted:
            watcher.call("primary")
        elif state is State.CHECKING:
            watcher.call("yes" if answers and answers.pop(0) else "no")
        elif state is State.PAUSED:
            watcher.call("resume")
        elif state is State.WAITING_DONE:
            watcher.clock.t += 1.0
            watcher.call("done")
        else:
            due = session.next_due()
            assert due is not None
            watcher.clock.t = min(due, watcher.clock.t + 5.0)
            watcher.call("tick")
    raise AssertionError("never finished")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timeline=timelines(), script=SCRIPTS, answers=st.lists(st.booleans(), max_size=12))
# Found by the search: the process stalled 11 s (under SLEEP_JUMP), long enough for the whole
# routine to end while catching up, and "back" then has nothing to go back in.
@example(
    timeline=expand(
        Routine(
            title="Random",
            steps=(Step(StepKind.TIMED, title="Bridge", duration=0.5),),
            lead_in=1.0,
        ),
        no_includes,
    ),
    script=[(11.0, "back")],
    answers=[],
)
def test_random_commands_keep_every_invariant(
    timeline: Timeline, script: list[tuple[float, str]], answers: list[bool]
) -> None:
    clock = FakeClock()
    session = Session(timeline, clock)
    watcher = Watcher(session, clock, last_now=clock.t)
    watcher.call("start")
    for gap, name in script:
        clock.t += gap
        watcher.call(name)
    finish(watcher, answers)

    summary = session.summary()
    assert summary.finished and not summary.stopped
    results = {(r.step_index, r.set_number): r for r in summary.sets}
    for index, step in enumerate(timeline.steps):
        if step.kind is StepKind.REST:
            continue
        for set_number in range(1, step.sets + 1):
            result = results.pop((index, set_number))  # every set has its record
            assert result.outcome in (
                SetOutcome.COMPLETED,
                SetOutcome.SKIPPED,
                SetOutcome.RESETS_EXHAUSTED,
            )
            limit = step.check.max_resets if step.check else 0
            assert 0 <= result.resets <= limit
    assert results == {}
    for kind in (EventKind.RESET_STARTED, EventKind.RESETS_EXHAUSTED, EventKind.CUE_DROPPED):
        if any(e.kind is kind for e in watcher.stream):
            hypothesis.event(f"saw {kind}")
    resets = [e for e in watcher.stream if e.kind is EventKind.RESET_STARTED]
    assert len(resets) >= summary.resets_taken  # sets played again after back may add more
    assert 0.0 <= summary.paused <= summary.time_spent


@settings(max_examples=100, deadline=None)
@given(timeline=timelines(), stall=st.floats(0.0, 3 * 3600.0), at=st.floats(0.0, 120.0))
def test_any_stall_or_sleep_never_says_a_stale_cue(
    timeline: Timeline, stall: float, at: float
) -> None:
    clock = FakeClock()
    session = Session(timeline, clock)
    watcher = Watcher(session, clock, last_now=clock.t)
    watcher.call("start")
    while clock.t - 1000.0 < at and session.state is not State.FINISHED:
        if session.state is State.CHECKING:
            watcher.call("no")
        elif session.state is State.WAITING_DONE:
            watcher.call("done")
        else:
            clock.t += 0.1
            watcher.call("tick")
    clock.t += stall
    watcher.call("tick")  # the watcher checks: nothing stale said; a long sleep pauses
    finish(watcher)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    timeline=timelines(),
    look=st.sampled_from([0.05, 0.4, 2.0, 6.0]),
    steps_s=st.lists(st.sampled_from([0.01, 0.1, 0.37, 1.0, 3.0]), min_size=1, max_size=20),
)
def test_upcoming_cues_are_exactly_the_cues_the_ticks_then_emit(
    timeline: Timeline, look: float, steps_s: list[float]
) -> None:
    """What the driver schedules ahead (upcoming_cues) is what the engine then says, at the
    same times, when no command comes between, to the closing words; open-ended segments
    are answered "no" or done."""
    clock = FakeClock()
    session = Session(timeline, clock)
    session.start()
    said = 0
    for n in range(100_000):
        if session.state is State.FINISHED:
            break
        if session.state is State.CHECKING:
            session.answer_check(False)
        elif session.state is State.WAITING_DONE:
            session.done()
        predicted = session.upcoming_cues(clock() + look)
        clock.advance(min(steps_s[n % len(steps_s)], look))
        emitted = [
            (e.at, e.segment_index, e.cue)
            for e in session.tick()
            if e.kind in (EventKind.CUE, EventKind.CUE_DROPPED)
        ]
        assert emitted == [p for p in predicted if p[0] <= clock()]
        said += len(emitted)
    assert session.state is State.FINISHED
    assert said > 0
