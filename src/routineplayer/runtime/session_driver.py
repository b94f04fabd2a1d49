"""The one adapter between Qt and the session engine: time on a thread of its own, signals out.

Why a thread: on the GUI thread a transition waited for whatever the window was doing
(p99 24.5 ms late under 30 ms of work every 250 ms). Here a plain Python thread (the
"clockwork") sleeps until the session's next due time and ticks it then, whatever the window
is doing; it holds no QObject (one released off the GUI thread crashes Qt later), only the
session, a lock, the queue of events and one end of a socket pair. A byte on the socket wakes
the GUI thread (a QSocketNotifier), which delivers the queued events in order as signals.
Commands come from the GUI thread and run under the same lock, so the session is only ever
changed by one thread at a time; the events of a command are delivered before it returns.

Why cues go ahead: the sound path is ~31 ms long (measured: QAudioSink to a PulseAudio sink),
so a cue handed to the player at its moment is heard 31 ms late. The driver hands each cue to
the sink up to CUE_AHEAD_S before its moment (``Session.upcoming_cues``) and the mixer starts
it on the sample heard then, so neither the output's delay nor a busy GUI thread moves it.
A command takes back what has not sounded (``cancel_ahead``): the future it was for is gone.

The GUI thread wakes only when something is due there: the shown second changes, or a cue
is to be handed ahead (``_arm``); paused, or waiting for an answer, it does not wake at all
(a routine on battery costs almost nothing). On a clock that is not real time (a test's fake
clock) it cannot know when that is, so it ticks every TICK_MS instead, which is also the
safety net there; and then the clockwork thread does not run at all: a fake clock jumps when
the test says, and two threads racing to see a jump would make the order of what a test
sees depend on the machine's load. Time always comes from the session's clock: deadline - now.

A sink that raises is logged and the routine goes on.
"""

from __future__ import annotations

import contextlib
import logging
import math
import socket
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer, Signal

from routineplayer.core.clocks import keeps_real_time
from routineplayer.core.session import RUNNING, Event, EventKind, Session, State
from routineplayer.core.timeline import Timeline

log = logging.getLogger(__name__)

TICK_MS = 100  # the fixed tick on a clock that is not real time
DISPLAY_SLACK_S = 0.002  # wake just after the shown second changes, never just before
CUE_HORIZON_S = 60.0  # how far ahead to look for the next cue to hand over
# How far ahead cues are handed to the sink: more than the output's delay (~31 ms) plus what
# the mixer keeps queued (120 ms) plus a tick of the display timer, with room for a busy GUI.
CUE_AHEAD_S = 0.4

GIL_SWITCH_S = 0.001

CueKey = tuple[int, float, str]  # segment index, offset in it, text: one cue of this session
EngineHook = Callable[[Event], None]


class CueSink(Protocol):
    def play(self, text: str, priority: int, chime: str | None) -> None: ...


@runtime_checkable
class AheadSink(Protocol):
    """A sink that can place a cue ahead of its moment (speech.player.CuePlayer)."""

    def play(
        self, text: str, priority: int, chime: str | None, after_s: float | None = None
    ) -> None: ...

    def cancel_ahead(self) -> None: ...


class _Clockwork:
    """The thread that ticks the session when it is due. Plain Python, no Qt (see above)."""

    def __init__(self, session: Session, lock: threading.RLock, wake_fd: socket.socket) -> None:
        self.session = session
        self.cond = threading.Condition(lock)
        self.pending: deque[Event] = deque()  # produced, not yet delivered on the GUI thread
        self.engine_hook: EngineHook | None = None  # sees each event where it is produced
        self._wake_fd = wake_fd
        self._closed = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            # Python work on the GUI thread holds the GIL for up to the switch interval
            # (5 ms by default) before a due tick can run: 1 ms keeps transitions within 2 ms.
            sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_S))
            self._thread = threading.Thread(target=self._run, name="session-clock", daemon=True)
            self._thread.start()

    def produced(self, events: list[Event], *, wake: bool = True) -> None:
        """Under the lock: queue ``events`` for the GUI thread (and wake it)."""
        if not events:
            return
        hook = self.engine_hook
        if hook is not None:
            for event in events:
                hook(event)
        self.pending.extend(events)
        if wake:
            # OSError: the socket is full (a wake-up is pending anyway), or closed.
            with contextlib.suppress(OSError):
                self._wake_fd.send(b"!")

    def changed(self) -> None:
        """Under the lock: a command moved the schedule; look at the clock again."""
        self.cond.notify_all()

    def close(self) -> None:
        with self.cond:
            self._closed = True
            self.cond.notify_all()

    def _run(self) -> None:
        session = self.session
        with self.cond:
            while not self._closed and session.state is not State.FINISHED:
                due = session.next_due()
                wait = None if due is None else due - session.now()
                if wait is None or wait > 0:
                    # None: nothing is due (paused, idle, an open-ended step) until a command.
                    self.cond.wait(wait)
                    continue
                self.produced(session.tick())


def _close_quietly(clockwork: _Clockwork, *sockets: socket.socket) -> None:
    clockwork.close()
    for sock in sockets:
        sock.close()


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
        tick_ms: int | None = None,
    ) -> None:
        """``tick_ms``: a fixed tick (for a session clock that is not real time); None wakes
        the GUI thread only when something is due (real time)."""
        super().__init__(parent)
        self.session = session
        self.sink = sink
        self._lock = threading.RLock()
        self._wake_r, wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        wake_w.setblocking(False)
        self._clockwork = _Clockwork(session, self._lock, wake_w)
        # The thread ends with the driver even if nobody stops it.
        done = weakref.finalize(self, _close_quietly, self._clockwork, self._wake_r, wake_w)
        done.atexit = False  # at exit a daemon thread may be frozen holding the lock
        self._notifier = QSocketNotifier(self._wake_r.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)
        self._tick = QTimer(self)
        self._tick.setTimerType(Qt.TimerType.PreciseTimer)
        self._fixed_tick = tick_ms is not None
        self._threaded = keeps_real_time(session.clock)  # the clockwork runs (see above)
        self._tick.setSingleShot(not self._fixed_tick)
        self._tick.setInterval(tick_ms or TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._started = False
        self._dispatching = False
        self._sent: dict[CueKey, float] = {}  # cues handed to the sink ahead: their times

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
        if clock is None:
            return cls(Session(timeline), sink, parent)
        return cls(Session(timeline, clock), sink, parent, tick_ms=TICK_MS)

    @property
    def engine_hook(self) -> EngineHook | None:
        """Called with each event on the thread that produced it, as it is produced (before
        the window hears of it): how the benchmark times transitions. Must be quick."""
        return self._clockwork.engine_hook

    @engine_hook.setter
    def engine_hook(self, hook: EngineHook | None) -> None:
        self._clockwork.engine_hook = hook

    # -- commands (each returns the events it caused, already emitted) --------------------------

    def start(self) -> list[Event]:
        self._begin_ticking()
        return self._command(self.session.start)

    def pause(self) -> list[Event]:
        return self._command(self.session.pause)

    def resume(self) -> list[Event]:
        return self._command(self.session.resume)

    def toggle_pause(self) -> list[Event]:
        return self._command(self.session.toggle_pause)

    def primary(self) -> list[Event]:
        if self.session.state is State.IDLE:
            self._begin_ticking()
        return self._command(self.session.primary)

    def skip(self) -> list[Event]:
        return self._command(self.session.skip)

    def back(self) -> list[Event]:
        return self._command(self.session.back)

    def done(self) -> list[Event]:
        return self._command(self.session.done)

    def answer_check(self, yes: bool) -> list[Event]:
        return self._command(lambda: self.session.answer_check(yes))

    def stop(self) -> list[Event]:
        return self._command(self.session.stop)

    def tick(self) -> list[Event]:
        """Catch up now (the clockwork does this by itself)."""
        return self._run(self.session.tick)

    def remaining(self) -> float | None:
        """The session's remaining time, read consistently with the clockwork."""
        with self._lock:
            return self.session.remaining()

    @property
    def running(self) -> bool:
        """Started and not finished (the tick may sleep meanwhile: paused, or waiting)."""
        return self._started

    # -- internals ------------------------------------------------------------------------------

    def _on_tick(self) -> None:
        self._run(self.session.tick)

    def _woken(self) -> None:
        """The clockwork has produced events: deliver them here, on the GUI thread."""
        with contextlib.suppress(OSError):  # BlockingIOError: nothing more to read
            while self._wake_r.recv(256):
                pass
        self._dispatch()

    def _command(self, action: Callable[[], list[Event]]) -> list[Event]:
        self._dispatch()  # what the clockwork produced before this command comes first
        self._cancel_ahead()
        return self._run(action)

    def _run(self, action: Callable[[], list[Event]]) -> list[Event]:
        with self._lock:
            events = action()
            self._clockwork.produced(events, wake=False)
            self._clockwork.changed()
        if self._threaded:
            self._clockwork.start()
        self._dispatch()
        return events

    def _dispatch(self) -> None:
        if self._dispatching:  # a slot that calls a command adds to the queue: order kept
            return
        self._dispatching = True
        try:
            while True:
                with self._lock:
                    if not self._clockwork.pending:
                        break
                    event = self._clockwork.pending.popleft()
                self._deliver(event)
        finally:
            self._dispatching = False
        if self.session.state is State.FINISHED:
            self._started = False
            self._tick.stop()
        self._schedule_ahead()
        self._arm()
        self.ticked.emit(self.remaining())

    def _begin_ticking(self) -> None:
        self._started = True
        if self._fixed_tick:
            self._tick.start()

    def _arm(self) -> None:
        """Real time: sleep until the shown second changes or the next cue is to be handed
        ahead, whichever comes first; not at all while nothing will (paused, waiting)."""
        if self._fixed_tick or not self._started:
            return
        waits: list[float] = []
        with self._lock:
            session = self.session
            now = session.now()
            left = session.remaining() if session.state in RUNNING else None
            upcoming = session.upcoming_cues(now + CUE_HORIZON_S)
        if left is not None and left > 0:
            # The display shows whole seconds rounded up: it changes as ``left`` crosses an
            # integer.
            part = left - math.floor(left)
            waits.append((part if part > 1e-6 else 1.0) + DISPLAY_SLACK_S)
        for at, index, cue in upcoming:
            if (index, cue.offset, cue.text) not in self._sent:
                waits.append(at - CUE_AHEAD_S - now)
                break
        if waits:
            self._tick.start(max(round(min(waits) * 1000), 1))
        else:
            self._tick.stop()

    def _deliver(self, event: Event) -> None:
        cue = event.cue
        if (
            event.kind is EventKind.CUE
            and cue is not None
            and self.sink is not None
            # Placed ahead already, or now, as late as it is.
            and self._sent.pop((event.segment_index, cue.offset, cue.text), None) is None
        ):
            try:
                self.sink.play(cue.text, cue.priority, cue.chime)
            except Exception:  # the routine must go on without sound
                log.exception("cue sink failed on %r; carrying on", cue.text)
        self.event_emitted.emit(event)
        if event.kind is EventKind.STATE_CHANGED:
            self.state_changed.emit(event.state)

    def _schedule_ahead(self) -> None:
        sink = self.sink
        if not isinstance(sink, AheadSink):
            return
        with self._lock:
            now = self.session.now()
            upcoming = self.session.upcoming_cues(now + CUE_AHEAD_S)
        for at, index, cue in upcoming:
            key = (index, cue.offset, cue.text)
            if key in self._sent:
                continue
            self._sent[key] = at
            try:
                sink.play(cue.text, cue.priority, cue.chime, after_s=at - now)
            except Exception:
                log.exception("cue sink failed on %r; carrying on", cue.text)

    def _cancel_ahead(self) -> None:
        sink = self.sink
        if not self._sent or not isinstance(sink, AheadSink):
            return
        now = self.session.now()
        # What is due by now has been written out already; only the future changes.
        self._sent = {key: at for key, at in self._sent.items() if at <= now}
        try:
            sink.cancel_ahead()
        except Exception:
            log.exception("cue sink failed to cancel; carrying on")
