"""The session journal: every played session, each set, and pain before and after.

One SQLite file (paths.journal_path()) in WAL mode, so the history view can read while a
session writes. Every write is its own committed transaction (autocommit, synchronous=FULL):
a session killed mid-way, even by SIGKILL or a flat battery, loses at most the set it was in.

Timestamps are stored as ISO-8601 UTC text with milliseconds ("2025-03-01T18:04:05.120+00:00").
Text rather than unix seconds because it reads as a date in the CSV export and the sqlite3
shell, and it still sorts chronologically (fixed width, one offset). UTC rather than local
time because a laptop that changes time zone or crosses a DST change must not reorder the
history; days for the charts are taken in the user's zone when reading (``tz``).

Opening never loses data: a journal written by a newer version opens read-only with a
``message``; a damaged file is renamed to ``journal.sqlite3.corrupt-YYYYmmdd-HHMMSS`` (with its
-wal and -shm), a new journal is started, and ``message`` says where the old one is.
"""

from __future__ import annotations

import contextlib
import csv
import io
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from routineplayer.core import paths
from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.journal_schema import SCHEMA_VERSION, migrate, user_version
from routineplayer.core.pain import PainLocation, check_pain

Clock = Callable[[], datetime]
"""Returns the current time as a timezone-aware datetime; tests inject a fake."""

# SQLite primary result codes that mean the file itself is damaged (not locked or busy).
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26
_BUSY_TIMEOUT_S = 5.0


class Outcome(StrEnum):
    FINISHED = "finished"
    STOPPED = "stopped"


class RoutineKind(StrEnum):
    BUILTIN = "builtin"  # source is the built-in routine's name
    FILE = "file"  # source is the path of the user's routine file


class JournalError(RuntimeError):
    """The journal cannot do what was asked; the message is fit to show the user.

    Every sqlite3 error from a read or write after opening arrives as this (or a subclass).
    """


class JournalReadOnlyError(JournalError):
    """A write to a journal that is open read-only (written by a newer version)."""


@dataclass(frozen=True)
class SessionRecord:
    id: int
    routine_title: str
    routine_kind: RoutineKind
    routine_source: str
    started_at: datetime
    ended_at: datetime | None  # None: still playing, or the app was closed or killed
    outcome: Outcome | None
    stopped_at_step: int | None
    stopped_at_title: str | None
    pain_before: int | None  # None: not asked or skipped
    pain_before_location: PainLocation | None
    pain_after: int | None
    pain_after_note: str | None
    notes: str | None


@dataclass(frozen=True)
class SetRecord:
    id: int
    session_id: int
    step_index: int  # 0-based position in the routine's steps
    step_title: str
    set_number: int  # 1-based
    side: str | None
    check_answer: bool | None  # None: the step has no check
    resets_taken: int
    skipped: bool
    completed_at: datetime


@dataclass(frozen=True)
class PainPoint:
    """One session on the pain chart."""

    session_id: int
    day: date  # in the journal's time zone
    started_at: datetime
    before: int | None
    after: int | None


@dataclass(frozen=True)
class DisconnectRate:
    """How often the lower belly disconnected in one exercise on one day."""

    exercise: str
    day: date
    checks_answered: int
    yes_count: int

    @property
    def rate(self) -> float:
        return self.yes_count / self.checks_answered if self.checks_answered else 0.0


CSV_COLUMNS = (
    "session_id",
    "routine",
    "routine_kind",
    "routine_source",
    "started_local",
    "started_at_utc",
    "ended_at_utc",
    "outcome",
    "stopped_at_step",
    "stopped_at_title",
    "pain_before",
    "pain_location",
    "pain_after",
    "pain_after_note",
    "notes",
    "step_index",
    "step_title",
    "set_number",
    "side",
    "check_answer",
    "resets_taken",
    "skipped",
    "set_completed_at_utc",
)

_SESSION_FIELDS = (
    "id",
    "routine_title",
    "routine_kind",
    "routine_source",
    "started_at",
    "ended_at",
    "outcome",
    "stopped_step_index",
    "stopped_step_title",
    "pain_before",
    "pain_before_location",
    "pain_after",
    "pain_after_note",
    "notes",
)
_SET_FIELDS = (
    "id",
    "session_id",
    "step_index",
    "step_title",
    "set_number",
    "side",
    "check_answer",
    "resets_taken",
    "skipped",
    "completed_at",
)


def _select(alias: str, fields: tuple[str, ...]) -> str:
    return ", ".join(f"{alias}.{name}" for name in fields)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _to_text(moment: datetime) -> str:
    if moment.utcoffset() is None:
        raise ValueError(f"journal times must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _from_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _maybe_time(text: str | None) -> datetime | None:
    return None if text is None else _from_text(text)


class _DamagedError(sqlite3.DatabaseError):
    """quick_check found damage that reading the header did not."""


def _is_damaged(exc: sqlite3.DatabaseError) -> bool:
    if isinstance(exc, _DamagedError):
        return True
    # Raised by SQLite itself: judge by the result code, never by a lock or busy error.
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def _sidecars(path: Path) -> tuple[Path, ...]:
    # The WAL goes first: a stale -wal next to a fresh database would be replayed into it.
    return (Path(f"{path}-wal"), Path(f"{path}-shm"), path)


def _move_aside(path: Path, when: datetime) -> Path:
    """Rename the damaged journal and its -wal/-shm to a free ``.corrupt-<stamp>`` name."""
    base = path.with_name(f"{path.name}.corrupt-{when:%Y%m%d-%H%M%S}")
    target, n = base, 0
    while any(p.exists() for p in _sidecars(target)):
        n += 1
        target = base.with_name(f"{base.name}-{n}")
    for src, dst in zip(_sidecars(path), _sidecars(target), strict=True):
        if src.exists():
            src.rename(dst)
    return target


def _connect_read_write(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None, timeout=_BUSY_TIMEOUT_S)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=_BUSY_TIMEOUT_S)
    db.execute("PRAGMA query_only = ON")
    return db


def _probe(path: Path) -> tuple[int, sqlite3.Connection]:
    """The schema version of an existing file, read through a read-only connection.

    Read-only on purpose: closing a read-write connection to a damaged file makes SQLite
    delete its -wal and -shm (and checkpoint into it), destroying what we mean to keep.
    Raises sqlite3.DatabaseError when the file is damaged.
    """
    db = _connect_read_only(path)
    try:
        version = user_version(db)  # the first read: a file that is not a database fails here
        if version <= SCHEMA_VERSION:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise _DamagedError(f"integrity check failed: {' '.join(result.split())}")
    except BaseException:
        db.close()
        raise
    return version, db


def _open_database(path: Path) -> tuple[sqlite3.Connection, str | None]:
    """A ready connection and, when it is read-only, the reason. Raises on damage."""
    if path.exists():
        version, probe = _probe(path)
        if version > SCHEMA_VERSION:
            message = (
                f"This journal was written by a newer version of routineplayer (journal "
                f"format {version}; this version reads up to format {SCHEMA_VERSION}). It is "
                "open read-only so nothing in it is changed: your history shows, but new "
                "sessions are not recorded until you update routineplayer."
            )
            return probe, message
        probe.close()
    db = _connect_read_write(path)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db, None


def _csv_text(value: str | None) -> str:
    """Free text for a spreadsheet cell, defused so it is never run as a formula."""
    if not value:
        return ""
    # A routine file shared by someone else could carry "=HYPERLINK(...)" in its title.
    return f"'{value}" if value[0] in "=+-@\t\r" else value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class Journal:
    """The journal store. Open with ``Journal.open()``; use as a context manager."""

    def __init__(
        self,
        db: sqlite3.Connection,
        path: Path,
        *,
        message: str | None,
        read_only: bool,
        clock: Clock,
        tz: tzinfo | None,
    ) -> None:
        self._db = db
        self.path = path
        self.read_only = read_only
        # Why the journal is read-only, or where a damaged journal was moved; None if all is well.
        self.message = message
        self._clock = clock
        self._tz = tz

    @classmethod
    def open(
        cls, path: Path | None = None, *, clock: Clock = _utc_now, tz: tzinfo | None = None
    ) -> Journal:
        """Open (creating or migrating as needed) the journal at ``path``.

        ``tz`` is the zone days are counted in for the charts and the CSV's local time;
        None means the system's local zone.
        """
        path = paths.journal_path() if path is None else Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db, read_only_reason = _open_database(path)
        except sqlite3.DatabaseError as exc:
            if not _is_damaged(exc):
                raise
            kept = _move_aside(path, clock().astimezone(tz))
            db, read_only_reason = _open_database(path)
            message = (
                f"The journal could not be read because the file is damaged ({exc}). "
                f"It has been kept as {kept} and a new, empty journal was started."
            )
            return cls(db, path, message=message, read_only=False, clock=clock, tz=tz)
        return cls(
            db,
            path,
            message=read_only_reason,
            read_only=read_only_reason is not None,
            clock=clock,
            tz=tz,
        )

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- writes: each one commits on return -------------------------------------------------

    def _now(self) -> str:
        return _to_text(self._clock())

    def _write(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        if self.read_only:
            raise JournalReadOnlyError(f"cannot record to this journal: {self.message}")
        try:
            return self._db.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise JournalError(f"the journal refused a record ({exc})") from exc
        except sqlite3.Error as exc:  # disk full, locked too long, file gone bad
            raise JournalError(f"could not write to the journal at {self.path}: {exc}") from exc

    def _update_session(self, session_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        cursor = self._write(
            f"UPDATE session SET {assignments} WHERE id = ?", (*params, session_id)
        )
        if cursor.rowcount != 1:
            raise JournalError(f"there is no session {session_id} in the journal")

    def start_session(
        self, routine_title: str, *, builtin: str | None = None, file: Path | None = None
    ) -> int:
        """Record the start of a session of a built-in routine (by name) or a routine file."""
        if (builtin is None) == (file is None):
            raise ValueError("give exactly one of builtin= (a name) or file= (a path)")
        kind, source = (
            (RoutineKind.BUILTIN, builtin) if builtin is not None else (RoutineKind.FILE, str(file))
        )
        cursor = self._write(
            "INSERT INTO session (routine_title, routine_kind, routine_source, started_at) "
            "VALUES (?, ?, ?, ?)",
            (routine_title, kind.value, source, self._now()),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_set(
        self,
        session_id: int,
        *,
        step_index: int,
        step_title: str,
        set_number: int,
        side: str | None = None,
        check_answer: bool | None = None,
        resets_taken: int = 0,
        skipped: bool = False,
    ) -> int:
        """Record one finished (or skipped) set.

        Call it once per set, when the set is over. ``check_answer`` is the answer to the
        step's check on the last try (None when the step has no check); ``resets_taken``
        counts the earlier tries that were answered "yes" and led to a rest-and-reset.
        """
        if resets_taken < 0:
            raise ValueError(f"resets_taken must be 0 or more, got {resets_taken}")
        # Going back replays sets that already ended: the set's latest result replaces the
        # earlier one (as in the session's own summary), in one transaction.
        self._write("BEGIN IMMEDIATE", ())
        try:
            self._write(
                "DELETE FROM set_record WHERE session_id = ? AND step_index = ? "
                "AND set_number = ? AND side IS ?",
                (session_id, step_index, set_number, side),
            )
            cursor = self._write(
                "INSERT INTO set_record (session_id, step_index, step_title, set_number, side, "
                "check_answer, resets_taken, skipped, completed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    step_index,
                    step_title,
                    set_number,
                    side,
                    None if check_answer is None else int(check_answer),
                    resets_taken,
                    int(skipped),
                    self._now(),
                ),
            )
            self._write("COMMIT", ())
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_session(
        self,
        session_id: int,
        outcome: Outcome,
        *,
        stopped_at_step: int | None = None,
        stopped_at_title: str | None = None,
    ) -> None:
        """Record how a session ended: finished, or stopped (at which step, if any)."""
        if outcome is Outcome.FINISHED and (stopped_at_step, stopped_at_title) != (None, None):
            raise ValueError("a finished session has no step it stopped at")
        self._update_session(
            session_id,
            "ended_at = ?, outcome = ?, stopped_step_index = ?, stopped_step_title = ?",
            (self._now(), Outcome(outcome).value, stopped_at_step, stopped_at_title),
        )

    def set_pain_before(
        self, session_id: int, level: int | None, location: PainLocation | None = None
    ) -> None:
        """Pain before the session; ``level`` None records that the question was skipped."""
        if level is None and location is not None:
            raise ValueError("a pain location needs a pain level")
        if level is not None:
            check_pain(level)
        self._update_session(
            session_id,
            "pain_before = ?, pain_before_location = ?",
            (level, None if location is None else PainLocation(location).value),
        )

    def set_pain_after(self, session_id: int, level: int | None, note: str | None = None) -> None:
        """Pain after the session, with an optional note; ``level`` None when skipped."""
        if level is not None:
            check_pain(level)
        self._update_session(
            session_id, "pain_after = ?, pain_after_note = ?", (level, note or None)
        )

    def set_notes(self, session_id: int, notes: str | None) -> None:
        self._update_session(session_id, "notes = ?", (notes or None,))

    # -- reads ------------------------------------------------------------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            if self.read_only:  # a newer format may have changed what we read
                raise JournalError(f"{self.message} Reading it failed: {exc}") from exc
            raise JournalError(f"could not read the journal at {self.path}: {exc}") from exc

    @staticmethod
    def _session(row: tuple[Any, ...]) -> SessionRecord:
        return SessionRecord(
            id=row[0],
            routine_title=row[1],
            routine_kind=RoutineKind(row[2]),
            routine_source=row[3],
            started_at=_from_text(row[4]),
            ended_at=_maybe_time(row[5]),
            outcome=None if row[6] is None else Outcome(row[6]),
            stopped_at_step=row[7],
            stopped_at_title=row[8],
            pain_before=row[9],
            pain_before_location=None if row[10] is None else PainLocation(row[10]),
            pain_after=row[11],
            pain_after_note=row[12],
            notes=row[13],
        )

    @staticmethod
    def _set(row: tuple[Any, ...]) -> SetRecord:
        return SetRecord(
            id=row[0],
            session_id=row[1],
            step_index=row[2],
            step_title=row[3],
            set_number=row[4],
            side=row[5],
            check_answer=None if row[6] is None else bool(row[6]),
            resets_taken=row[7],
            skipped=bool(row[8]),
            completed_at=_from_text(row[9]),
        )

    def sessions(self) -> list[SessionRecord]:
        """All sessions, newest first."""
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)} FROM session s "
            "ORDER BY s.started_at DESC, s.id DESC"
        )
        return [self._session(row) for row in rows]

    def session(self, session_id: int) -> SessionRecord:
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)} FROM session s WHERE s.id = ?", (session_id,)
        )
        if not rows:
            raise JournalError(f"there is no session {session_id} in the journal")
        return self._session(rows[0])

    def sets(self, session_id: int) -> list[SetRecord]:
        """The sets of one session in the order they were done."""
        rows = self._read(
            f"SELECT {_select('r', _SET_FIELDS)} FROM set_record r "
            "WHERE r.session_id = ? ORDER BY r.id",
            (session_id,),
        )
        return [self._set(row) for row in rows]

    def _day(self, moment: datetime) -> date:
        return moment.astimezone(self._tz).date()

    def pain_series(self) -> list[PainPoint]:
        """Pain before and after, oldest first, for every session with at least one rating."""
        rows = self._read(
            "SELECT id, started_at, pain_before, pain_after FROM session "
            "WHERE pain_before IS NOT NULL OR pain_after IS NOT NULL ORDER BY started_at, id"
        )
        points = []
        for session_id, started, before, after in rows:
            moment = _from_text(started)
            points.append(PainPoint(session_id, self._day(moment), moment, before, after))
        return points

    def disconnect_rate_by_exercise(self) -> list[DisconnectRate]:
        """Per exercise (step title) and day: checks answered and how many were "yes".

        A set retried after resets counts each reset as one "yes" answer (see record_set).
        Sorted by exercise, then day.
        """
        rows = self._read(
            "SELECT step_title, completed_at, check_answer, resets_taken FROM set_record "
            "WHERE check_answer IS NOT NULL OR resets_taken > 0"
        )
        totals: dict[tuple[str, date], tuple[int, int]] = {}
        for title, completed, answer, resets in rows:
            key = (title, self._day(_from_text(completed)))
            answered, yes = totals.get(key, (0, 0))
            last = 0 if answer is None else 1
            totals[key] = (answered + last + resets, yes + (answer or 0) + resets)
        return [
            DisconnectRate(title, day, answered, yes)
            for (title, day), (answered, yes) in sorted(totals.items())
        ]

    # -- export -----------------------------------------------------------------------------

    def _export_rows(self) -> Iterator[list[object]]:
        # LEFT JOIN: a session with no sets (stopped at once) keeps its pain ratings in the export.
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)}, {_select('r', _SET_FIELDS)} "
            "FROM session s LEFT JOIN set_record r ON r.session_id = s.id "
            "ORDER BY s.started_at, s.id, r.id"
        )
        width = len(_SESSION_FIELDS)
        for row in rows:
            session = self._session(row[:width])
            started_local = session.started_at.astimezone(self._tz)
            cells: list[object] = [
                session.id,
                _csv_text(session.routine_title),
                session.routine_kind.value,
                _csv_text(session.routine_source),
                f"{started_local:%Y-%m-%d %H:%M:%S}",
                _to_text(session.started_at),
                "" if session.ended_at is None else _to_text(session.ended_at),
                session.outcome.value if session.outcome else "",
                "" if session.stopped_at_step is None else session.stopped_at_step,
                _csv_text(session.stopped_at_title),
                "" if session.pain_before is None else session.pain_before,
                session.pain_before_location.value if session.pain_before_location else "",
                "" if session.pain_after is None else session.pain_after,
                _csv_text(session.pain_after_note),
                _csv_text(session.notes),
            ]
            if row[width] is None:
                cells.extend([""] * (len(CSV_COLUMNS) - len(cells)))
            else:
                done = self._set(row[width:])
                cells += [
                    done.step_index,
                    _csv_text(done.step_title),
                    done.set_number,
                    _csv_text(done.side),
                    _yes_no(done.check_answer),
                    done.resets_taken,
                    _yes_no(done.skipped),
                    _to_text(done.completed_at),
                ]
            yield cells

    def export_csv(self, path: Path) -> int:
        """Write one row per set (with its session's columns) to ``path``; returns the rows.

        UTF-8 with a byte-order mark so spreadsheets detect the encoding (names like "Ørsted"
        survive a double-click in Excel), a header row, RFC 4180 quoting and CRLF line ends.
        Written to a temporary file and renamed, so a failed export never leaves half a file.
        """
        out = io.StringIO(newline="")
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for cells in self._export_rows():
            writer.writerow(cells)
            count += 1
        # Mode 0600: a pain journal is health data, for its owner's eyes.
        write_atomic(Path(path), out.getvalue().encode("utf-8-sig"), mode=0o600)
        return count
