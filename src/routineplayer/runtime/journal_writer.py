"""The journal's writer thread: records are queued in order and written off the GUI thread.

A journal write can wait: SQLite waits for another program's lock (the sqlite3 shell in a
transaction, a sync tool, a second copy of routineplayer), and every commit is fsynced. None
of that may hold up a cue or a transition, so the recorder only queues a ``Record`` here and
carries on; one thread with its own connection writes the queue in order.

- Order is kept: the first record is written (or given up) before the next is tried.
- A locked journal is tried again with a growing pause (up to ``MAX_BACKOFF_S``) for as long
  as the lock lasts; the records wait, in order, and are written when it goes.
- Any other error (disk full, damaged file, a refused record) gives that record up and the
  next is tried.
- A session's id is known only once its start is written, so records name their session by
  a local handle; the thread keeps the handle's id for the records after it. When a
  session's start is given up, its later records are given up with it.

What happened comes back as ``Report``s, collected here and taken by the recorder on its own
thread (``take_reports``). No Qt here, and nothing of the recorder's is touched from the
writer thread (a QObject may be deleted on its own thread at any moment): the recorder polls
while records are pending and turns reports into signals. ``wake``, if given, is called from
the writer thread when there are reports, for callers without an event loop to poll from.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from routineplayer.core.journal import Journal, JournalError, JournalLockedError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 0.25  # SQLite's own wait for a lock, per try: short, so close() is prompt
FIRST_BACKOFF_S = 0.05
MAX_BACKOFF_S = 1.0  # a lock is tried again at least this often
IDLE_EXIT_S = 10.0  # the thread (and its connection) ends after this long with nothing to do


class RecordKind(Enum):
    START = "the start of the session"
    PAIN_BEFORE = "the pain before"
    SET = "a set"
    END = "the end of the session"
    PAIN_AFTER = "the pain after"
    VOICE = "a spoken answer"
    NOTES = "the notes"


# How a record is written: given the writer's journal and its session's id (None for the
# START, which makes the id), it returns the id of the row it wrote (or None).
WriteFn = Callable[[Journal, int | None], int | None]


@dataclass(frozen=True)
class Record:
    session: int  # the recorder's handle of the session, not its id in the journal
    kind: RecordKind
    write: WriteFn = field(repr=False)


@dataclass(frozen=True)
class Written:
    record: Record
    row_id: int | None  # the row the record wrote (the session's id for a START)
    session_id: int  # the session's id in the journal


@dataclass(frozen=True)
class HeldUp:
    """The journal is locked: records wait. Sent once until the queue has caught up."""

    reason: str


@dataclass(frozen=True)
class CaughtUp:
    """Everything that was held up is written now."""

    late: int  # records written after waiting for the lock


@dataclass(frozen=True)
class GivenUp:
    record: Record
    reason: str  # fit to show the user


Report = Written | HeldUp | CaughtUp | GivenUp


class JournalWriter:
    """Writes ``Record``s in order on its own thread, through ``connect()``'s journal.

    ``connect`` is called on the writer thread (an sqlite3 connection stays in its thread);
    it is called again after the thread has ended for being idle.
    """

    def __init__(
        self, connect: Callable[[], Journal], wake: Callable[[], None] | None = None
    ) -> None:
        self._connect = connect
        self._wake = wake
        self._cond = threading.Condition()
        self._queue: deque[Record] = deque()  # the first one is being written
        self._reports: deque[Report] = deque()
        self._thread: threading.Thread | None = None
        self._closing = False  # close(): write what is queued, then end
        self._abandon = False  # close() has waited long enough: end now
        self._held = False  # a HeldUp was sent and no CaughtUp since
        self._late = 0  # records written since the HeldUp
        # Session handles and their ids; the handles whose start was given up.
        self._ids: dict[int, int] = {}
        self._lost_sessions: set[int] = set()

    # -- the recorder's side (its own thread) -------------------------------------------------

    def put(self, record: Record) -> None:
        with self._cond:
            if self._closing:
                raise RuntimeError("the journal writer is closed")
            self._queue.append(record)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="journal-writer", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        """Records queued and not yet written (or given up)."""
        with self._cond:
            return len(self._queue)

    def take_reports(self) -> tuple[list[Report], int]:
        """What has happened since the last call, in order, and how many records are still
        pending (at the same moment: a record's reports are there once it is not pending)."""
        with self._cond:
            reports = list(self._reports)
            self._reports.clear()
            return reports, len(self._queue)

    def flush(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds until every queued record is written or given up."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue, timeout)

    def close(self, timeout: float) -> list[Record]:
        """Write what is queued, waiting up to ``timeout`` seconds; the records not written.

        Nothing can be queued afterwards. At most one try more (``BUSY_TIMEOUT_S``) is waited
        for after the timeout, so the thread can close its connection.
        """
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            self._cond.wait_for(lambda: not self._queue, timeout)
            self._abandon = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(BUSY_TIMEOUT_S + 1.0)
        with self._cond:
            lost = list(self._queue)
            self._queue.clear()
        return lost

    # -- the writer thread --------------------------------------------------------------------

    def _report(self, report: Report) -> None:
        with self._cond:
            self._reports.append(report)
        self._wake_up()

    def _wake_up(self) -> None:
        if self._wake is not None:
            try:
                self._wake()
            except Exception:
                log.exception("journal writer: wake() failed")

    def _next(self) -> Record | None:
        """The first record, once there is one; None when the thread should end."""
        with self._cond:
            while not self._queue and not self._closing:
                if not self._cond.wait(IDLE_EXIT_S) and not self._queue:
                    break  # idle: end; put() starts a new thread
            if self._abandon or not self._queue:
                self._thread = None
                return None
            return self._queue[0]

    def _done(self, record: Record, report: Report | None) -> None:
        """The first record is written (``report``) or given up: off the queue, and then
        reported, so a report never counts its own record as pending."""
        with self._cond:
            if self._queue and self._queue[0] is record:
                self._queue.popleft()
            reports = [] if report is None else [report]
            if self._held and not self._queue:
                self._held = False
                reports.append(CaughtUp(self._late))
                log.info("journal writes caught up: %d written late", self._late)
            self._reports.extend(reports)
            self._cond.notify_all()
        if reports:
            self._wake_up()

    def _pause(self, seconds: float) -> bool:
        """Wait before trying again; False when close() has given up waiting."""
        with self._cond:
            self._cond.wait_for(lambda: self._abandon, seconds)
            return not self._abandon

    def _run(self) -> None:
        journal: Journal | None = None
        backoff = FIRST_BACKOFF_S
        try:
            while (record := self._next()) is not None:
                report: Report | None
                try:
                    if journal is None:
                        journal = self._connect()
                    report = self._write(journal, record)
                except JournalLockedError as exc:
                    self._held_up(str(exc))
                    if not self._pause(backoff):
                        break
                    backoff = min(backoff * 2, MAX_BACKOFF_S)
                    continue
                except JournalError as exc:  # already says what is wrong and what to do
                    report = self._give_up(record, str(exc))
                except Exception as exc:  # a bug: lose this record, not the rest
                    log.exception("journal writer: could not write %s", record.kind.value)
                    report = self._give_up(record, f"an unexpected error ({exc})")
                else:
                    backoff = FIRST_BACKOFF_S
                self._done(record, report)
        finally:
            if journal is not None:
                journal.close()

    def _write(self, journal: Journal, record: Record) -> Written | None:
        if record.session in self._lost_sessions:
            return None  # its start was given up (and reported): nothing to attach it to
        if record.kind is RecordKind.START:
            row_id = record.write(journal, None)
            assert row_id is not None
            self._ids[record.session] = row_id
            session_id = row_id
        else:
            session_id = self._ids[record.session]
            row_id = record.write(journal, session_id)
        with self._cond:
            if self._held:
                self._late += 1
        return Written(record, row_id, session_id)

    def _held_up(self, reason: str) -> None:
        with self._cond:
            first = not self._held
            if first:
                self._held, self._late = True, 0
        if first:
            log.warning("journal writes held up: %s", reason)
            self._report(HeldUp(reason))

    def _give_up(self, record: Record, reason: str) -> GivenUp:
        log.warning("journal writer: gave up %s: %s", record.kind.value, reason)
        if record.kind is RecordKind.START:
            self._lost_sessions.add(record.session)
        return GivenUp(record, reason)
