"""The Qt driver: timers tick the session, core events come out as signals, cues reach a sink."""

from __future__ import annotations

import logging
import time

import pytest
from pytestqt.qtbot import QtBot

from routineplayer.core.model import Check, Routine, Step, StepKind
from routineplayer.core.session import Event, EventKind, Session, State
from routineplayer.core.timeline import (
    CueKind,
    Segment,
    SegmentKind,
    TimedCue,
    Timeline,
    expand,
)
from routineplayer.runtime.session_driver import SessionDriver

FAST = 10  # ms: the fake clock jumps whole seconds, so the real tick rate only sets test speed


class FakeClock:
    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t


class RecordingSink:
    def __init__(self) -> None:
        self.played: list[tuple[str, int, str | None]] = []

    def play(self, text: str, priority: int, chime: str | None) -> None:
        self.played.append((text, priority, chime))


class BrokenSink:
    def __init__(self) -> None:
        self.calls = 0

    def play(self, text: str, priority: int, chime: str | None) -> None:
        self.calls += 1
        raise RuntimeError("the sound card caught fire")


def no_includes(name: str) -> Routine:
    raise LookupError(name)


def timeline() -> Timeline:
    steps = (
        Step(StepKind.TIMED, title="Hold", duration=6.0, check=Check(reset=10.0)),
        Step(StepKind.REPS, title="Curls", reps=3),
    )
    return expand(Routine(title="Tiny", steps=steps, lead_in=5.0), no_includes)


class Recorder:
    def __init__(self, driver: SessionDriver) -> None:
        self.events: list[Event] = []
        self.states: list[State] = []
        self.ticks: list[float | None] = []
        driver.event_emitted.connect(self.events.append)
        driver.state_changed.connect(self.states.append)
        driver.ticked.connect(self.ticks.append)


def advance_until(qtbot: QtBot, clock: FakeClock, driver: SessionDriver, state: State) -> None:
    """Move the fake clock a second at a time; the driver's own timer notices."""
    while driver.session.state is not state:
        clock.t += 1.0
        with qtbot.waitSignal(driver.ticked, timeout=2000):
            pass


def test_the_timer_drives_the_session_and_signals_every_event(qtbot: QtBot) -> None:
    clock = FakeClock()
    sink = RecordingSink()
    driver = SessionDriver(Session(timeline(), clock), sink, tick_ms=FAST)
    seen = Recorder(driver)
    with qtbot.waitSignal(driver.state_changed, timeout=1000) as blocker:
        returned = driver.start()
    assert blocker.args == [State.LEAD_IN]
    assert seen.events == returned and driver.running
    assert sink.played == [
        ("Tiny. 18 seconds of exercise, about 38 seconds in all.", CueKind.ANNOUNCE.priority, None)
    ]

    advance_until(qtbot, clock, driver, State.CHECKING)
    assert seen.states == [State.LEAD_IN, State.WORKING, State.CHECKING]
    assert ("Begin.", CueKind.ANNOUNCE.priority, "start") in sink.played
    question = sink.played[-1]
    assert question[1] == CueKind.SAFETY.priority and question[2] == "check"
    assert seen.ticks[-1] is None  # a check has no countdown

    driver.answer_check(True)
    assert seen.states[-1] is State.RESETTING and seen.ticks[-1] == 10.0
    advance_until(qtbot, clock, driver, State.CHECKING)
    driver.answer_check(False)
    advance_until(qtbot, clock, driver, State.WAITING_DONE)
    with qtbot.waitSignal(driver.state_changed, timeout=1000) as blocker:
        driver.done()
    assert blocker.args == [State.FINISHED]
    assert not driver.running
    emitted = [e.kind for e in seen.events]
    assert emitted.count(EventKind.SEGMENT_STARTED) == len(driver.session.segments)
    assert emitted[-3:] == [EventKind.FINISHED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert [e.at for e in seen.events] == sorted(e.at for e in seen.events)
    spoken = [e.cue.text for e in seen.events if e.kind is EventKind.CUE and e.cue]
    assert [text for text, _, _ in sink.played] == spoken


def test_a_failing_sink_never_stops_the_routine(
    qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    sink = BrokenSink()
    driver = SessionDriver(Session(timeline(), clock), sink, tick_ms=FAST)
    with caplog.at_level(logging.ERROR, logger="routineplayer.runtime.session_driver"):
        driver.start()
        advance_until(qtbot, clock, driver, State.CHECKING)
    assert sink.calls > 5
    assert "the sound card caught fire" in caplog.text
    assert driver.session.state is State.CHECKING


def test_commands_from_slots_keep_the_order_of_events(qtbot: QtBot) -> None:
    """A slot that answers the check while the question is being delivered."""
    clock = FakeClock()
    driver = SessionDriver(Session(timeline(), clock), tick_ms=FAST)
    seen = Recorder(driver)

    def answer(event: Event) -> None:
        if event.kind is EventKind.CHECK_ASKED:
            driver.answer_check(False)

    driver.event_emitted.connect(answer)
    driver.start()
    advance_until(qtbot, clock, driver, State.LEAD_IN)
    while driver.session.segment.title != "Curls":
        clock.t += 1.0
        qtbot.waitSignal(driver.ticked, timeout=2000).wait()
    kinds = [e.kind for e in seen.events]
    asked = kinds.index(EventKind.CHECK_ASKED)
    assert kinds[asked : asked + 3] == [
        EventKind.CHECK_ASKED,
        EventKind.CUE,
        EventKind.CHECK_ANSWERED,
    ]
    assert [e.at for e in seen.events] == sorted(e.at for e in seen.events)


def test_every_command_signals_its_events(qtbot: QtBot) -> None:
    clock = FakeClock()
    driver = SessionDriver(Session(timeline(), clock), tick_ms=FAST)
    seen = Recorder(driver)
    driver.primary()  # starts
    clock.t += 2.0
    for command, kind in [
        (driver.pause, EventKind.PAUSED),
        (driver.resume, EventKind.RESUMED),
        (driver.toggle_pause, EventKind.PAUSED),
        (driver.primary, EventKind.RESUMED),
        (driver.skip, EventKind.SEGMENT_STARTED),
        (driver.back, EventKind.SEGMENT_STARTED),
        (driver.stop, EventKind.STOPPED),
    ]:
        before = len(seen.events)
        events = command()
        assert kind in [e.kind for e in events]
        assert seen.events[before:] == events
    assert seen.states[-1] is State.FINISHED and not driver.running


def short_timeline() -> Timeline:
    """About 0.6 s of segments, for a run on the real clock."""
    routine = Routine(title="Quick", steps=(Step(StepKind.TIMED, title="Tap", duration=0.2),))
    cue = TimedCue(0.0, "", CueKind.COUNTDOWN, "tick")
    segments = tuple(
        Segment(kind, 0, "Tap", "", 0.2, 0.2, cues=(cue,), start=0.2 * i)
        for i, kind in enumerate((SegmentKind.LEAD_IN, SegmentKind.WORK, SegmentKind.REST))
    )
    return Timeline(routine, routine.steps, segments, "Done.")


def test_plays_to_the_end_on_the_real_monotonic_clock(qtbot: QtBot) -> None:
    sink = RecordingSink()
    driver = SessionDriver.for_timeline(short_timeline(), sink)
    assert driver.session.now() == pytest.approx(time.monotonic(), abs=1.0)
    seen = Recorder(driver)
    with qtbot.waitSignal(driver.event_emitted, timeout=5000, check_params_cb=_finished):
        driver.start()
    assert seen.states == [State.LEAD_IN, State.WORKING, State.RESTING, State.FINISHED]
    assert [p[2] for p in sink.played] == ["tick", "tick", "tick", "done"]
    start = seen.events[0].at
    starts = [e.at - start for e in seen.events if e.kind is EventKind.SEGMENT_STARTED]
    assert starts == pytest.approx([0.0, 0.2, 0.4])  # scheduled times, not when noticed


def test_only_a_real_clock_gets_the_clockwork_thread(qtbot: QtBot) -> None:
    """On a fake clock the GUI thread's tick is the only one: a jump of the clock is seen by
    one thread, in order (two racing made GUI tests fail now and then on a loaded machine)."""
    fake = SessionDriver(Session(timeline(), FakeClock()), tick_ms=FAST)
    real = SessionDriver(Session(timeline(), time.monotonic), tick_ms=FAST)
    for driver in (fake, real):
        driver.start()
    assert fake._clockwork._thread is None
    assert real._clockwork._thread is not None and real._clockwork._thread.is_alive()
    for driver in (fake, real):
        driver.stop()


def _finished(event: Event) -> bool:
    return event.kind is EventKind.FINISHED


# -- cues handed to the sink ahead of their moment ---------------------------------------------


class AheadSink:
    """Records what a sink that can place sounds ahead (CuePlayer) is asked."""

    def __init__(self) -> None:
        self.played: list[tuple[str, float | None]] = []  # text, seconds ahead
        self.cancelled = 0

    def play(
        self, text: str, priority: int, chime: str | None, after_s: float | None = None
    ) -> None:
        self.played.append((text, after_s))

    def cancel_ahead(self) -> None:
        self.cancelled += 1


def test_cues_go_to_the_sink_ahead_once_and_a_command_takes_back_the_future(
    qtbot: QtBot,
) -> None:
    clock = FakeClock()
    sink = AheadSink()
    driver = SessionDriver(Session(timeline(), clock), sink, tick_ms=FAST)
    driver.start()
    assert sink.played == [
        ("Tiny. 18 seconds of exercise, about 38 seconds in all.", None)
    ]  # at the key press
    upcoming = driver.session.upcoming_cues(clock.t + 60)
    first_at, _, first = upcoming[0]
    clock.t = first_at - 0.25  # within CUE_AHEAD_S of the next cue
    driver.tick()
    assert sink.played[-1] == (first.text, pytest.approx(0.25))
    clock.t = first_at + 0.01  # due: the session says it, the sink is not asked again
    events = driver.tick()
    assert any(e.kind is EventKind.CUE and e.cue == first for e in events)
    assert [text for text, _ in sink.played].count(first.text) == 1

    _, _, second = next(u for u in upcoming if u[0] > first_at)
    second_at = next(at for at, _, cue in upcoming if cue is second)
    clock.t = second_at - 0.2
    driver.tick()
    assert sink.played[-1][0] == second.text
    driver.pause()  # the future changed: what waits is taken back, and said again later
    assert sink.cancelled == 1
    clock.t += 5.0
    driver.resume()
    clock.t += 0.2 - 0.05
    driver.tick()
    assert [text for text, _ in sink.played].count(second.text) == 2
