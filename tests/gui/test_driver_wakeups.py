"""On real time the GUI thread wakes only when something is due there: the shown second
changes, or a cue is to be handed ahead; paused, not at all (issue: light on the battery).
The figures for the whole app are bench/bench_power.py's."""

from __future__ import annotations

import math
import threading
import time

from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from routineplayer.core.model import Routine, Step, StepKind
from routineplayer.core.session import State
from routineplayer.core.timeline import expand
from routineplayer.runtime.session_driver import CUE_AHEAD_S, SessionDriver


def threading_alive() -> bool:
    return any(t.name == "session-clock" and t.is_alive() for t in threading.enumerate())


def no_includes(name: str) -> Routine:
    raise LookupError(name)


class AheadSink:
    def __init__(self) -> None:
        self.placed: list[tuple[str, float, float]] = []  # text, after_s, when handed

    def play(self, text: str, priority: int, chime: str | None, after_s: float | None = None):
        self.placed.append((text, after_s or 0.0, time.monotonic()))

    def cancel_ahead(self) -> None:
        pass


def test_the_tick_wakes_once_a_second_and_sleeps_while_paused(qtbot: QtBot) -> None:
    steps = (Step(StepKind.TIMED, title="Hold", duration=30.0),)
    timeline = expand(Routine(title="Quiet", steps=steps, lead_in=10.0), no_includes)
    driver = SessionDriver.for_timeline(timeline)  # the real session clock
    ticks: list[float | None] = []
    driver.ticked.connect(ticks.append)
    driver.start()
    qtbot.wait(3200)
    # The old fixed tick gave ~32 here; a wake per shown second (plus a few for cues and
    # their events) is what the display needs.
    assert 3 <= len(ticks) <= 12, len(ticks)
    shown = [math.ceil(t - 1e-6) for t in ticks if t is not None]
    assert len(set(shown)) >= 3, "every second is shown"
    driver.pause()
    assert driver.session.state is State.PAUSED
    ticks.clear()
    qtbot.wait(1500)
    assert ticks == [], "nothing wakes the GUI thread while paused"
    assert driver.running
    driver.stop()


def test_cues_are_still_handed_ahead_of_their_moment(qtbot: QtBot) -> None:
    steps = (Step(StepKind.TIMED, title="Hold", duration=4.0),)
    timeline = expand(Routine(title="Short", steps=steps, lead_in=4.0), no_includes)
    sink = AheadSink()
    driver = SessionDriver(SessionDriver.for_timeline(timeline).session, sink)
    driver.start()
    # 8 s of routine: the slack is for a loaded machine; a stuck clock fails with its state.
    try:
        qtbot.waitUntil(lambda: driver.session.state is State.FINISHED, timeout=30_000)
    except TimeoutError as stuck:
        session = driver.session
        due = session.next_due()
        raise AssertionError(
            f"not finished: {session.state}, next due in "
            f"{None if due is None else due - session.now()} s, "
            f"clockwork alive: {threading_alive()}, cues placed: {len(sink.placed)}"
        ) from stuck
    ahead = [after for _text, after, _when in sink.placed if after > 0]
    assert ahead, "cues were placed ahead"
    assert max(ahead) <= CUE_AHEAD_S + 0.01
    assert min(ahead) >= CUE_AHEAD_S - 0.15, "handed when due ahead, not at the last moment"
