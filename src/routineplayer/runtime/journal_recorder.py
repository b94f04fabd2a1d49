"""Writes a played session into the journal as it happens, from the session's event stream.

``begin`` records the start (and the pain before), each SET_ENDED event records that set,
and FINISHED or STOPPED records how the session ended. Nothing is written here: each record
is queued, in order, for the writer thread (writer.py), so a journal that is locked by
another program, or slow to commit, never holds up a cue or a transition. A session killed
mid-way loses at most the set being written (and what a lock was holding back).

A journal that cannot be written must never stop a routine, and the person is told once, not
once per set:

- locked: the records wait, in order, and are written when the lock goes. ``problem`` says
  so once, and ``caught_up`` once everything held up has been written.
- read-only, disk full, damaged: the record is given up; the first such problem of a session
  is sent as ``problem`` (a message fit to show), and play goes on.
- closing: ``close`` waits up to ``CLOSE_WAIT_S`` for the queue, then says what was lost.
"""

from __future__ import annotations

import itertools
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from routineplayer.core import paths
from routineplayer.core.journal import Journal, JournalError, Outcome
from routineplayer.core.model import Routine
from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import PainAnswer
from routineplayer.core.session import Event, EventKind
from routineplayer.core.summary import SetOutcome, SetResult
from routineplayer.core.timeline import Timeline
from routineplayer.runtime.journal_writer import (
    BUSY_TIMEOUT_S,
    CaughtUp,
    GivenUp,
    HeldUp,
    JournalWriter,
    Record,
    RecordKind,
    Report,
    Written,
)
from routineplayer.runtime.session_driver import SessionDriver

log = logging.getLogger(__name__)

CLOSE_WAIT_S = 2.0  # how long closing waits for records still queued (a lock, a slow disk)
POLL_MS = 50  # how often the writer's reports are collected while records are pending
FLUSH_WAIT_S = 10.0
HELD_UP = (
    "Your journal is locked by another program (another copy of routineplayer, or a program "
    "that has the file open), so this session is kept for now and written to it as soon as "
    "it is free. The routine carries on."
)
CAUGHT_UP = "Your journal is free again: everything that was waiting is now recorded."

# A set cut short by stop or never reached is not done; its resets still count as "yes".
_NOT_DONE = frozenset({SetOutcome.SKIPPED, SetOutcome.STOPPED})


@dataclass(eq=False)
class RecordedSession:
    """A session being recorded; ``journal_id`` is its id once its start is written."""

    handle: int  # the writer's name for it until then
    journal_id: int | None = None


class JournalRecorder(QObject):
    problem = Signal(str)  # records are held up or lost; play goes on (shown once)
    caught_up = Signal(str)  # what was held up is written now (after a ``problem``)
    set_recorded = Signal(int)  # the id of a set just committed to the journal
    session_ended = Signal(int)  # the journal id of the session just finished or stopped

    def __init__(self, journal: Journal | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = journal  # for reads, on this thread; the writer has its own connection
        self.session: RecordedSession | None = None  # the session being (or last) recorded
        self._sessions: dict[int, RecordedSession] = {}  # by handle
        self._handles = itertools.count(1)
        self._timeline: Timeline | None = None
        self._told: set[int] = set()  # sessions whose lost records were already reported
        self._unrecorded: set[int] = set()  # sessions whose start was given up
        self._held = False  # a held-up message was sent, and no caught-up since
        self._last_location: PainLocation | None = None  # given this run, maybe not yet written
        # From opening: read-only, or where a damaged file was kept; None when all is well.
        self.message: str | None = None
        self._writer: JournalWriter | None = None
        if journal is not None and not journal.read_only:
            connect = partial(journal.connect_again, busy_timeout_s=BUSY_TIMEOUT_S)
            self._writer = JournalWriter(connect)
        # Polled, never woken from the writer thread: this object may be deleted meanwhile.
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._drain)

    @classmethod
    def open(cls, path: Path | None = None, parent: QObject | None = None) -> JournalRecorder:
        """A recorder on the user's journal; ``message`` says what the user should know.

        Opening cannot fail here: a journal that does not open leaves a recorder that
        records nothing (``journal`` None), with the reason in ``message``.
        """
        unrecorded = "Routines play as usual, but sessions are not recorded."
        try:
            journal = Journal.open(path)
        except JournalError as exc:  # already says what is wrong and what to do
            log.warning("could not open the journal: %s", exc)
            recorder = cls(None, parent)
            recorder.message = f"{exc} {unrecorded}"
            return recorder
        except Exception as exc:  # a bug: play on without a journal all the same
            log.exception("could not open the journal")
            recorder = cls(None, parent)
            recorder.message = f"The session journal could not be opened ({exc}). {unrecorded}"
            return recorder
        recorder = cls(journal, parent)
        recorder.message = journal.message
        return recorder

    @property
    def session_id(self) -> int | None:
        """The journal id of the session being (or last) recorded, once its start is written."""
        return self.session.journal_id if self.session is not None else None

    # -- recording: each call queues a record and returns at once --------------------------------

    def begin(
        self,
        timeline: Timeline,
        *,
        builtin: str | None = None,
        file: Path | None = None,
        pain: PainAnswer | None = None,
    ) -> RecordedSession | None:
        """Record the start of a session (and the pain before it); None if it cannot be.

        Without ``builtin`` or ``file`` the routine's own source file says which it is.
        """
        self._timeline = timeline
        self.session = None
        if pain is not None and not pain.skipped and pain.location is not None:
            self._last_location = pain.location
        if self._writer is None:
            self._tell(None, self._why_not_recorded())
            return None
        if builtin is None and file is None:
            builtin, file = routine_origin(timeline.routine)
        title, at = timeline.routine.title, self._now()
        session = RecordedSession(next(self._handles))
        self._sessions[session.handle] = session
        self.session = session

        def start(journal: Journal, _session: int | None) -> int:
            return journal.start_session(title, builtin=builtin, file=file, at=at)

        self._put(RecordKind.START, start)
        if pain is not None and not pain.skipped:
            self.record_pain_before(pain)
        if pain is not None and pain.spoken:  # asked before there was a session to note it in
            self.record_voice_answer("pain", _spoken_pain(pain))
        return session

    def attach(self, driver: SessionDriver) -> None:
        # A new driver is a new routine: nothing it says belongs to the last session, so
        # nothing is recorded until begin() opens the new one.
        self.session = None
        driver.event_emitted.connect(self.on_event)

    def on_event(self, event: Event) -> None:
        if self.session is None:
            return
        if event.kind is EventKind.SET_ENDED and event.result is not None:
            self._record_set(event.result)
        elif event.kind is EventKind.FINISHED:
            self._finish(Outcome.FINISHED)
        elif event.kind is EventKind.STOPPED:
            seg = event.segment
            step = seg.step_index if seg is not None and seg.step_index >= 0 else None
            title = self._step_title(step)
            self._finish(Outcome.STOPPED, step, title)

    def record_pain_before(self, pain: PainAnswer) -> None:
        level, location = pain.level, pain.location

        def write(journal: Journal, session: int | None) -> None:
            journal.set_pain_before(_id(session), level, location)

        self._put(RecordKind.PAIN_BEFORE, write)

    def record_pain_after(self, pain: PainAnswer) -> None:
        """The rating after the session (asked once it has ended); a skip records nothing."""
        if pain.spoken:
            self.record_voice_answer("pain", _spoken_pain(pain))
        if pain.skipped:
            return
        level, note = pain.level, pain.note

        def write(journal: Journal, session: int | None) -> None:
            journal.set_pain_after(_id(session), level, note)

        self._put(RecordKind.PAIN_AFTER, write)

    def record_voice_answer(
        self, question: str, answer: str, step: int | None = None, set_number: int | None = None
    ) -> None:
        """An answer was taken by voice (runtime/hands_free.py), once it was carried out."""
        at = self._now()

        def write(journal: Journal, session: int | None) -> int:
            return journal.record_voice_answer(
                _id(session),
                question=question,
                answer=answer,
                step_index=step,
                set_number=set_number,
                at=at,
            )

        self._put(RecordKind.VOICE, write)

    def last_location(self) -> PainLocation | None:
        """Where the pain was last time: the pain prompt's preset, so rating is one key."""
        if self._last_location is not None:  # this run's: it may still wait to be written
            return self._last_location
        if self.journal is None:
            return None
        try:
            sessions = self.journal.sessions()
        except JournalError:
            return None
        return next((s.pain_before_location for s in sessions if s.pain_before_location), None)

    @property
    def pending(self) -> int:
        """Records queued and not yet written."""
        return self._writer.pending if self._writer is not None else 0

    def flush(self, timeout: float = FLUSH_WAIT_S) -> bool:
        """Wait (blocking this thread) until every queued record is written, and send their
        signals; False if ``timeout`` ran out first. For tests and tools, never during play."""
        done = self._writer.flush(timeout) if self._writer is not None else True
        self._drain()
        return done

    def close(self, wait: float = CLOSE_WAIT_S) -> str | None:
        """Write what is still queued (waiting up to ``wait`` seconds), then close.

        Returns what was lost, in words to show (also sent as ``problem`` and logged), or
        None when everything was recorded.
        """
        writer, lost = self._writer, []
        if writer is not None:
            lost = writer.close(wait)
            self._drain()
            self._writer = None
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        # A session whose start was given up has lost the rest already (and said so).
        lost = [record for record in lost if record.session not in self._unrecorded]
        if not lost:
            return None
        text = self._lost_text(lost)
        log.warning("%s", text)
        self.problem.emit(text)
        return text

    # -- internals ------------------------------------------------------------------------------

    def _now(self) -> datetime | None:
        return self.journal.now() if self.journal is not None else None

    def _put(self, kind: RecordKind, write: Callable[[Journal, int | None], int | None]) -> None:
        if self.session is not None and self._writer is not None:
            self._writer.put(Record(self.session.handle, kind, write))
            if not self._poll.isActive():
                self._poll.start()

    def _record_set(self, result: SetResult) -> None:
        at = self._now()

        def write(journal: Journal, session: int | None) -> int:
            return journal.record_set(
                _id(session),
                step_index=result.step_index,
                step_title=result.step_title,
                set_number=result.set_number,
                check_answer=result.check_answer,
                resets_taken=result.resets,
                skipped=result.outcome in _NOT_DONE,
                at=at,
            )

        self._put(RecordKind.SET, write)

    def _finish(self, outcome: Outcome, step: int | None = None, title: str | None = None) -> None:
        at = self._now()

        def write(journal: Journal, session: int | None) -> None:
            journal.finish_session(
                _id(session), outcome, stopped_at_step=step, stopped_at_title=title, at=at
            )

        self._put(RecordKind.END, write)

    def _step_title(self, step: int | None) -> str | None:
        if step is None or self._timeline is None or step >= len(self._timeline.steps):
            return None
        return self._timeline.steps[step].title or None

    def _why_not_recorded(self) -> str:
        if self.journal is None:
            return "the journal could not be opened"
        return f"cannot record to this journal: {self.journal.message}"

    def _tell(self, session: int | None, reason: str) -> None:
        """The first lost record of a session (or a session not recorded at all)."""
        if session is not None:
            if session in self._told:
                return
            self._told.add(session)
        self.problem.emit(
            f"This session is not being recorded in your journal: {reason}. The routine carries on."
        )

    def _drain(self) -> None:
        """Turn the writer's reports into signals, on this thread."""
        if self._writer is None:
            self._poll.stop()
            return
        reports, pending = self._writer.take_reports()
        if not pending:
            self._poll.stop()
        for report in reports:
            self._on_report(report)

    def _on_report(self, report: Report) -> None:
        match report:
            case Written(record=record, row_id=row_id, session_id=session_id):
                session = self._sessions.get(record.session)
                if session is not None:
                    session.journal_id = session_id
                if record.kind is RecordKind.SET and row_id is not None:
                    self.set_recorded.emit(row_id)
                elif record.kind is RecordKind.END:
                    self.session_ended.emit(session_id)
            case HeldUp():
                self._held = True
                self.problem.emit(HELD_UP)
            case CaughtUp():
                self._held = False
                self.caught_up.emit(CAUGHT_UP)
            case GivenUp(record=record, reason=reason):
                if record.kind is RecordKind.START:
                    self._unrecorded.add(record.session)
                self._tell(record.session, reason)

    def _lost_text(self, lost: list[Record]) -> str:
        counts = Counter(record.kind for record in lost)
        parts = [
            f"{n} sets" if kind is RecordKind.SET and n > 1 else kind.value
            for kind, n in counts.items()
        ]
        what = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
        why = (
            "another program was still holding it locked"
            if self._held
            else "writing to it was too slow"
        )
        return (
            f"routineplayer closed before it could write {what} to your journal: {why}. "
            "That part of the session is not recorded."
        )


def _spoken_pain(pain: PainAnswer) -> str:
    return "skip" if pain.level is None else f"pain {pain.level}"


def _id(session: int | None) -> int:
    assert session is not None, "the writer gives every record but a start its session's id"
    return session


def routine_origin(routine: Routine) -> tuple[str | None, Path | None]:
    """(built-in name, None) or (None, file) for a loaded routine; one that was never a
    file (built in memory) is recorded under its title as a built-in."""
    if not routine.source:
        return routine.title, None
    source = Path(routine.source)
    try:
        builtin_dir = paths.builtin_routines_dir().resolve()
    except paths.DataNotFoundError:
        builtin_dir = None
    if builtin_dir is not None and source.resolve().parent == builtin_dir:
        return source.stem, None
    return None, source
