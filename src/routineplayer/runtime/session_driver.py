"""The one adapter between Qt and the session engine: timers in, signals out.

A 100 ms PreciseTimer keeps the countdown display fresh (``ticked``) and is the safety net;
a single-shot PreciseTimer is armed for the session's next due time, so a cue or a
transition is handled within about a millisecond of its schedule instead of up to one tick
late (a 100 ms grid alone is late by 50 ms on average once a pause or a "done" puts the
schedule off the grid). Time always comes from the session's clock: deadline − now.

Cues go to an optional sink (the speech CuePlayer) before ``event_emitted`` is sent, so sound
is not held up by slow slots. A sink that raises is logged and the routine goes on.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from routineplayer.core.session import Event, EventKind, Session, State
from routineplayer.core.timeline import Timeline

log = logging.getLogger(__name__)

TICK_MS = 100


class CueSink(Protocol):
    def play(self, text: str, priority: int, chime: str | None) -> None: ...


class SessionDriver(QObject):
    event_emitted = Signal(object)  # each core Event, in order
    state_changed = Signal(object)  # State
    ticked = Signal(object)  # remaining seconds (None: open-ended), every tick and command

    def __init__(
        self,
        session: Session,
        sink: CueSink | None = None,
        parent: QObject | None = None,
        *,
        tick_ms: int = TICK_MS,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.sink = sink
        self._tick = QTimer(self)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self._on_tick)
        self._due = QTimer(self)
        self._due.setTimerType(Qt.TimerType.PreciseTimer)
        self._due.setSingleShot(True)
        self._due.timeout.connect(self._on_tick)
        self._queue: deque[Event] = deque()
        self._dispatching = False

    @classmethod
    def for_timeline(
        cls,
        timeline: Timeline,
        sink: CueSink | None = None,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ) -> SessionDriver:
        """A driver of a new session of ``timeline`` on ``clock`` (core.clocks.session_clock,
        which counts a suspend, by default)."""
        session = Session(timeline) if clock is None else Session(timeline, clock)
        return cls(session, sink, parent)

    # -- commands (each returns the events it caused, already emitted) --------------------------

    def start(self) -> list[Event]:
        self._tick.start()
        return self._run(self.session.start)

    def pause(self) -> list[Event]:
        return self._run(self.session.pause)

    def resume(self) -> list[Event]:
        return self._run(self.session.resume)

    def toggle_pause(self) -> list[Event]:
        return self._run(self.session.toggle_pause)

    def primary(self) -> list[Event]:
        if self.session.state is State.IDLE:
            self._tick.start()
        return self._run(self.session.primary)

    def skip(self) -> list[Event]:
        return self._run(self.session.skip)

    def back(self) -> list[Event]:
        return self._run(self.session.back)

    def done(self) -> list[Event]:
        return self._run(self.session.done)

    def answer_check(self, yes: bool) -> list[Event]:
        return self._run(lambda: self.session.answer_check(yes))

    def stop(self) -> list[Event]:
        return self._run(self.session.stop)

    def tick(self) -> list[Event]:
        """Catch up now (the timers do this by themselves)."""
        return self._run(self.session.tick)

    @property
    def running(self) -> bool:
        return self._tick.isActive()

    # -- internals ------------------------------------------------------------------------------

    def _on_tick(self) -> None:
        self._run(self.session.tick)

    def _run(self, command: Callable[[], list[Event]]) -> list[Event]:
        events = command()
        self._queue.extend(events)
        if not self._dispatching:  # a slot that calls a command adds to the queue: order kept
            self._dispatching = True
            try:
                while self._queue:
                    self._deliver(self._queue.popleft())
            finally:
                self._dispatching = False
            self._arm()
            self.ticked.emit(self.session.remaining())
        return events

    def _deliver(self, event: Event) -> None:
        if event.kind is EventKind.CUE and event.cue is not None and self.sink is not None:
            cue = event.cue
            try:
                self.sink.play(cue.text, cue.priority, cue.chime)
            except Exception:  # the routine must go on without sound
                log.exception("cue sink failed on %r; carrying on", cue.text)
        self.event_emitted.emit(event)
        if event.kind is EventKind.STATE_CHANGED:
            self.state_changed.emit(event.state)

    def _arm(self) -> None:
        if self.session.state is State.FINISHED:
            self._tick.stop()
            self._due.stop()
            return
        due = self.session.next_due()
        if due is None:
            self._due.stop()
            return
        # Round up: waking a moment early would only re-arm for the remaining sliver.
        delay = math.ceil(max(0.0, due - self.session.now()) * 1000)
        self._due.start(delay)
