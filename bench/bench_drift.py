"""Timer drift: our SessionDriver against a naive tick-counting driver, in the same run.

Both drivers play the same 60-second timeline *concurrently in one Qt event loop*
(offscreen QApplication), each with its own Session, while 30 ms of simulated GUI work (a
busy loop) runs every 250 ms on the same thread.

- ours: runtime/session_driver.SessionDriver on time.monotonic (its clockwork thread sleeps
  until the next due time and ticks the session then; time = deadline - now). A transition's
  time is when the session makes it, on that thread (``engine_hook``): what the sound
  follows. When the busy window hears of it is printed too (transition_shown_p99_ms).
- naive: a 1 s single-shot QTimer re-armed on each timeout (PySide6's
  QTimer.singleShot(1000, fn), which makes a coarse timer: Qt lets it fire up to 5% early
  or late) whose tick count is the clock: session time = start + count seconds.

Lateness of a transition (a segment starting, or the end) = the monotonic time its event
reached the program - the time it was scheduled for (start + its planned start); negative
means early (only the naive driver can be early). The
segments have uneven lengths (e.g. 1.37 s), so transitions fall at every phase of the 250 ms
work cycle: about 12% of them land inside a 30 ms busy loop and wait for it; the naive
driver also waits for its next whole-second tick. The routine ends at exactly 60 s, a whole
second, so the naive end drift is its accumulated drift alone. The work cycle starts 125 ms
after the routine, so the end does not coincide with a busy loop by construction.

Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): a 20-second timeline of
the first step's first set alone (its lead-in is most of it), the same work cycle.

Figures go to stdout as `name value unit (target ...)`; details go to stderr.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from routineplayer.core.model import Breathing, Routine, Step, StepKind
from routineplayer.core.session import Event, EventKind, Session, State
from routineplayer.core.timeline import Timeline, expand
from routineplayer.runtime.main_thread_gc import collect_on_this_thread, freeze_what_lives
from routineplayer.runtime.session_driver import SessionDriver

FIGURES = (
    "drift_end_ms",
    "transition_p50_ms",
    "transition_p99_ms",
    "transition_max_ms",
    "transition_shown_p99_ms",
    "naive_drift_end_ms",
    "naive_transition_p99_ms",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
ROUTINE_SECONDS = 20.0 if SHORT else 60.0
WORK_EVERY_MS = 250
WORK_MS = 30.0
WORK_PHASE_MS = 125
TRANSITIONS = (EventKind.SEGMENT_STARTED, EventKind.FINISHED)


def no_includes(name: str) -> Routine:
    raise LookupError(name)


def bench_timeline() -> Timeline:
    """A ROUTINE_SECONDS routine of uneven segment lengths, through the real expansion."""
    steps = [
        Step(
            StepKind.TIMED,
            title="Press",
            duration=1.37,
            sets=1 if SHORT else 6,
            sides=("left", "right"),
            rest_between_sets=0.53,
        ),
        Step(
            StepKind.BREATHING,
            title="Breathe",
            breathing=Breathing(inhale=3.3, exhale=4.1, hold_in=0.7, breaths=1),
        ),
        Step(StepKind.TIMED, title="Lift", duration=0.91, sets=4, rest_between_sets=0.37),
    ]
    if SHORT:
        steps = steps[:1]
    routine = Routine(title="Drift", steps=tuple(steps), lead_in=2.0)
    used = expand(routine, no_includes).total
    assert used < ROUTINE_SECONDS - 1, used
    filler = Step(StepKind.REST, title="Rest", duration=round(ROUTINE_SECONDS - used, 6))
    timeline = expand(Routine(title="Drift", steps=(*steps, filler), lead_in=2.0), no_includes)
    assert abs(timeline.total - ROUTINE_SECONDS) < 1e-9, timeline.total
    return timeline


@dataclass
class Record:
    """When each event reached the program (monotonic) against when it was due."""

    lateness_ms: list[float] = field(default_factory=list)  # transitions
    cue_lateness_ms: list[float] = field(default_factory=list)
    end_ms: float | None = None

    def add(self, event: Event, arrived: float) -> None:
        late = (arrived - event.at) * 1000
        if event.kind in TRANSITIONS:
            self.lateness_ms.append(late)
        elif event.kind is EventKind.CUE:
            self.cue_lateness_ms.append(late)
        if event.kind is EventKind.FINISHED:
            self.end_ms = late


class NaiveDriver:
    """Counts 1 s ticks of a re-armed single-shot timer; the count is its clock."""

    def __init__(self, timeline: Timeline, start: float, record: Record) -> None:
        self.count = 0
        self.start = start
        self.record = record
        self.session = Session(timeline, lambda: self.start + self.count)

    def begin(self) -> None:
        self.session.start()
        QTimer.singleShot(1000, self._tick)

    def _tick(self) -> None:
        self.count += 1
        arrived = time.monotonic()
        for event in self.session.tick():
            # The naive event's `at` is on its own counted clock, which equals the schedule.
            self.record.add(event, arrived)
        if self.session.state is not State.FINISHED:
            QTimer.singleShot(1000, self._tick)


def busy_work() -> None:
    end = time.perf_counter() + WORK_MS / 1000
    while time.perf_counter() < end:
        pass


def app_as_the_app_runs() -> QApplication:
    """The QApplication, collecting cycles as the app does (runtime/main_thread_gc.py): on
    the GUI thread only, with what exists at start-up frozen out of the collector. Without
    it, a full collection of this process (numpy and all) holds the GIL for tens of ms, a
    stall of the audio feeder that the app does not have."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    collect_on_this_thread(app)
    freeze_what_lives()
    return app


def run() -> tuple[Record, Record, Record]:
    app = app_as_the_app_runs()
    timeline = bench_timeline()
    ours, naive, shown = Record(), Record(), Record()

    driver = SessionDriver(Session(timeline, time.monotonic))
    # The transition itself, on the session's thread; and when the window hears of it.
    driver.engine_hook = lambda e: ours.add(e, time.monotonic())
    driver.event_emitted.connect(lambda e: shown.add(e, time.monotonic()))
    work = QTimer()
    work.setTimerType(Qt.TimerType.PreciseTimer)
    work.setInterval(WORK_EVERY_MS)
    work.timeout.connect(busy_work)

    def finished() -> None:
        if driver.session.state is State.FINISHED and naive_driver.session.state is State.FINISHED:
            work.stop()
            app.quit()

    driver.state_changed.connect(lambda _: finished())
    first = driver.start()
    naive_driver = NaiveDriver(timeline, first[0].at, naive)
    naive_driver.begin()
    QTimer.singleShot(WORK_PHASE_MS, work.start)
    done_check = QTimer()
    done_check.timeout.connect(finished)
    done_check.start(200)
    app.exec()
    return ours, naive, shown


def figure(name: str, value: float, unit: str, target: str) -> None:
    print(f"{name} {value:.1f} {unit} (target {target})", flush=True)


def main() -> int:
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    ours, naive, shown = run()
    assert ours.end_ms is not None and naive.end_ms is not None
    late = np.array(ours.lateness_ms)
    naive_late = np.array(naive.lateness_ms)
    figure("drift_end_ms", ours.end_ms, "ms", "<= 5")
    figure("transition_p50_ms", float(np.percentile(late, 50)), "ms", "none")
    figure("transition_p99_ms", float(np.percentile(late, 99)), "ms", "<= 5")
    figure("transition_max_ms", float(late.max()), "ms", "none")
    figure(
        "transition_shown_p99_ms",
        float(np.percentile(np.array(shown.lateness_ms), 99)),
        "ms",
        "none: when the busy window hears of it",
    )
    figure("naive_drift_end_ms", naive.end_ms, "ms", "none: baseline, same run")
    figure(
        "naive_transition_p99_ms",
        float(np.percentile(naive_late, 99)),
        "ms",
        "none: baseline, same run",
    )
    cues = np.array(ours.cue_lateness_ms)
    print(
        f"bench_drift: both drivers concurrently in one event loop; {len(late)} transitions, "
        f"{len(cues)} cues; ours: transitions over 20 ms: {int((late > 20).sum())}, "
        f"min {late.min():.2f} ms; cue lateness p50 {np.percentile(cues, 50):.1f} ms, "
        f"p99 {np.percentile(cues, 99):.1f} ms; naive transition p50 "
        f"{np.percentile(naive_late, 50):.1f} ms (includes waiting for its next whole-second "
        f"tick); wall time {time.monotonic() - started:.1f} s; load average "
        f"{load_before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
