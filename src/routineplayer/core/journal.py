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

Reading tolerates what this app did not write. The file is the user's: another program, a
sync tool or an edit in the sqlite3 shell can leave a row with a bad time, a wrong type or an
unknown value. Such a row is left out of every read and counted (``skipped_rows``), so one bad
row never hides the rest of the history. An error that does reach the caller is a JournalError
in words a person can act on; SQLite's own words go to the log.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

from routineplayer.core import paths
from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.journal_schema import SCHEMA_VERSION, migrate, user_version
from routineplayer.core.pain import PAIN_MAX, PAIN_MIN, PainLocation, check_pain
from routineplayer.core.practice_week import Week, week_at_a_glance

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
"""Returns the current time as a timezone-aware datetime; tests inject a fake."""

# SQLite primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11  # CORRUPT and NOTADB: the file itself is damaged (not locked or busy)
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_AUTH = 23
_SQLITE_NOTADB = 26
_BUSY_TIMEOUT_S = 5.0
_DETAIL_MAX = 120  # characters of an SQLite message we have no words for, when one is shown

_R = TypeVar("_R")
_E = TypeVar("_E", bound=StrEnum)
_RowKey = tuple[str, object]  # (table, id) of a row


class Outcome(StrEnum):
    FINISHED = "finished"
    STOPPED = "stopped"


class RoutineKind(StrEnum):
    BUILTIN = "builtin"  # source is the built-in routine's name
    FILE = "file"  # source is the path of the user's routine file


class JournalError(RuntimeError):
    """The journal cannot do what was asked; the message is fit to show the user.

    Every sqlite3 error from opening, reading or writing arrives as this (or a subclass).
    """


class JournalReadOnlyError(JournalError):
    """A write to a journal that is open read-only (written by a newer version)."""


class JournalLockedError(JournalError):
    """A write waited its busy timeout for another connection's lock: it may succeed later."""


def _trouble(exc: sqlite3.Error) -> tuple[str, str]:
    """(what is wrong, what to do) for an sqlite3 error: lower case, no full stop.

    SQLite's own words ("disk I/O error", "unable to open database file") tell the person at
    the laptop little; they are shown, shortened, only for an error not named here.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    primary = None if code is None else code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return (
            "another program is holding it locked",
            "close other copies of routineplayer (and any program that has the file open), "
            "then try again",
        )
    if primary == _SQLITE_FULL:
        return "the disk is full", "free some space, then try again"
    if primary in (_SQLITE_READONLY, _SQLITE_PERM, _SQLITE_AUTH, _SQLITE_CANTOPEN):
        return (
            "routineplayer may not write to it",
            "check the permissions of the file and its folder, and that the disk is not read-only",
        )
    if primary == _SQLITE_IOERR:
        return (
            "the disk reported an error while reading or writing it",
            "check that the disk is still connected, then restart routineplayer",
        )
    if primary in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return (
            "the file is damaged",
            "restart routineplayer: it keeps the damaged file aside and starts a new journal",
        )
    detail = " ".join(str(exc).split())
    if len(detail) > _DETAIL_MAX:
        detail = detail[: _DETAIL_MAX - 1] + "…"
    return f'SQLite reported "{detail}"', "restart routineplayer and try again"


def _open_failure(path: Path, what: str, action: str) -> JournalError:
    return JournalError(
        f"The journal {path} could not be opened: {what}. {action[:1].upper()}{action[1:]}."
    )


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

    @property
    def last_answer(self) -> bool | None:
        """The answer to the check after the set's last try; None when it was not asked.
        A skipped set is not checked: an answer kept from older versions (where a skip
        answered the check "no") is not counted."""
        return None if self.skipped else self.check_answer


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


@dataclass(frozen=True)
class CsvExport:
    """What ``export_csv`` did: the rows written and the damaged entries left out."""

    rows: int
    skipped: int


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


# -- one row's values: anything this app would not have written is _Malformed -----------------


class _Malformed(Exception):
    """A value in a row is not one this app writes; the row is left out of reads."""


def _int(value: object, low: int | None = None, high: int | None = None) -> int:
    # type(), not isinstance(): SQLite returns no bools, and a float or a text that only
    # looks like a number is not what the app wrote.
    if type(value) is not int:
        raise _Malformed(f"not a whole number: {value!r:.40}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise _Malformed(f"out of range: {value}")
    return value


def _maybe_int(value: object, low: int | None = None, high: int | None = None) -> int | None:
    return None if value is None else _int(value, low, high)


def _text(value: object) -> str:
    if not isinstance(value, str):  # NULL, a number, a blob, or text that was not UTF-8
        raise _Malformed(f"not text: {value!r:.40}")
    return value


def _maybe_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _enum(kind: type[_E], value: object) -> _E:
    try:
        return kind(_text(value))
    except ValueError:
        raise _Malformed(f"not a {kind.__name__}: {value!r:.40}") from None


def _maybe_enum(kind: type[_E], value: object) -> _E | None:
    return None if value is None else _enum(kind, value)


def _time(value: object) -> datetime:
    try:
        moment = datetime.fromisoformat(_text(value))
    except ValueError:
        raise _Malformed(f"not a time: {value!r:.40}") from None
    if moment.utcoffset() is None:  # naive times would fail later, comparing with aware ones
        raise _Malformed(f"a time without its UTC offset: {value!r:.40}")
    # A year's margin from datetime's limits, so astimezone() into any zone cannot overflow.
    if not datetime.min.year < moment.year < datetime.max.year:
        raise _Malformed(f"a time out of range: {value!r:.40}")
    return moment


def _maybe_time(value: object) -> datetime | None:
    return None if value is None else _time(value)


def _session(row: tuple[Any, ...]) -> SessionRecord:
    return SessionRecord(
        id=_int(row[0]),
        routine_title=_text(row[1]),
        routine_kind=_enum(RoutineKind, row[2]),
        routine_source=_text(row[3]),
        started_at=_time(row[4]),
        ended_at=_maybe_time(row[5]),
        outcome=_maybe_enum(Outcome, row[6]),
        # finish_session never limited the step (the schema neither): only its type counts.
        stopped_at_step=_maybe_int(row[7]),
        stopped_at_title=_maybe_text(row[8]),
        pain_before=_maybe_int(row[9], PAIN_MIN, PAIN_MAX),
        pain_before_location=_maybe_enum(PainLocation, row[10]),
        pain_after=_maybe_int(row[11], PAIN_MIN, PAIN_MAX),
        pain_after_note=_maybe_text(row[12]),
        notes=_maybe_text(row[13]),
    )


def _set(row: tuple[Any, ...]) -> SetRecord:
    return SetRecord(
        id=_int(row[0]),
        session_id=_int(row[1]),
        step_index=_int(row[2], 0),
        step_title=_text(row[3]),
        set_number=_int(row[4], 1),
        side=_maybe_text(row[5]),
        check_answer=None if row[6] is None else bool(_int(row[6], 0, 1)),
        resets_taken=_int(row[7], 0),
        skipped=bool(_int(row[8], 0, 1)),
        completed_at=_time(row[9]),
    )


def _decode(data: bytes) -> str | bytes:
    """A TEXT value: bytes that are not UTF-8 stay bytes, so only their row is left out.

    (sqlite3's own decoder raises instead, which fails the whole query.)
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


# -- opening ----------------------------------------------------------------------------------


class _DamagedError(sqlite3.DatabaseError):
    """quick_check found damage that reading the header did not; ``report`` is all it said."""

    def __init__(self, report: str) -> None:
        super().__init__("quick_check found damage")
        self.report = report


def _is_locked(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (_SQLITE_BUSY, _SQLITE_LOCKED)


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


def _connect_read_write(path: Path, busy_timeout_s: float = _BUSY_TIMEOUT_S) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_s)
    db.text_factory = _decode
    return db


def _set_up(db: sqlite3.Connection) -> None:
    """What every read-write connection needs (WAL is a setting of the file, kept in it)."""
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=_BUSY_TIMEOUT_S)
    db.text_factory = _decode
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
            # quick_check can also report rows that break a CHECK (a pain of 42 written by
            # another program). Such a row is left out by the reads; it is no reason to set
            # the whole journal aside, so only the file's structure is checked here.
            db.execute("PRAGMA ignore_check_constraints = ON")
            report = [str(line) for (line,) in db.execute("PRAGMA quick_check")]
            if report != ["ok"]:
                raise _DamagedError("\n".join(report))
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
        _set_up(db)
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db, None


def _check_place(path: Path) -> None:
    """JournalError naming the path for what SQLite would call a "disk I/O error"."""
    for file in _sidecars(path):
        if file.is_dir():
            what = "it" if file == path else f"next to it, {file.name}"
            raise _open_failure(
                path,
                f"{what} is a folder, not a file",
                "move that folder away (or rename it) and restart routineplayer",
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise _open_failure(
            path,
            f"{exc.filename or path.parent} is a file where a folder should be",
            "move that file away and restart routineplayer",
        ) from exc
    except OSError as exc:
        raise _open_failure(
            path,
            f"its folder {path.parent} could not be made ({exc.strerror or exc})",
            "check that folder and restart routineplayer",
        ) from exc


def _open_or_set_aside(
    path: Path, when: Callable[[], datetime]
) -> tuple[sqlite3.Connection, str | None, bool]:
    """(connection, message, read-only); a damaged file is moved aside and a new one begun.

    Raises sqlite3.Error for what is not damage (locked, read-only, disk full).
    """
    try:
        db, read_only_reason = _open_database(path)
    except sqlite3.DatabaseError as exc:
        if not _is_damaged(exc):
            raise
        try:
            kept = _move_aside(path, when())
        except OSError as move_exc:
            raise _open_failure(
                path,
                f"the file is damaged, and moving it aside failed ({move_exc.strerror})",
                "move it away yourself and restart routineplayer",
            ) from move_exc
        # The person is told what happened and where the file went; SQLite's report (every
        # line of quick_check, which can run to a hundred) is for whoever looks into it.
        report = exc.report if isinstance(exc, _DamagedError) else str(exc)
        log.warning("the journal %s is damaged; it is kept as %s. SQLite:\n%s", path, kept, report)
        db, _ = _open_database(path)
        message = (
            "Your journal file was damaged, so a new, empty journal was started. "
            f"The damaged file is kept as {kept}."
        )
        return db, message, False
    return db, read_only_reason, read_only_reason is not None


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
        self._damaged: set[_RowKey] = set()  # rows the reads have left out

    @classmethod
    def open(
        cls, path: Path | None = None, *, clock: Clock = _utc_now, tz: tzinfo | None = None
    ) -> Journal:
        """Open (creating or migrating as needed) the journal at ``path``.

        ``tz`` is the zone days are counted in for the charts and the CSV's local time;
        None means the system's local zone. Raises JournalError, with what to do, when the
        journal cannot be opened (a folder in its place, locked, read-only, disk full).
        """
        path = paths.journal_path() if path is None else Path(path)
        _check_place(path)
        try:
            db, message, read_only = _open_or_set_aside(path, lambda: clock().astimezone(tz))
        except sqlite3.Error as exc:
            log.warning("could not open the journal %s: %s", path, exc)
            raise _open_failure(path, *_trouble(exc)) from exc
        return cls(db, path, message=message, read_only=read_only, clock=clock, tz=tz)

    def connect_again(self, *, busy_timeout_s: float = _BUSY_TIMEOUT_S) -> Journal:
        """Another connection to this (open, up-to-date) journal, for another thread.

        Call it in the thread that will use it: an sqlite3 connection belongs to the thread
        that made it. Nothing is checked or migrated again. ``busy_timeout_s`` is how long a
        write waits for another program's lock before it raises JournalLockedError.
        """
        if self.read_only:
            raise JournalReadOnlyError(f"cannot record to this journal: {self.message}")
        try:
            db = _connect_read_write(self.path, busy_timeout_s)
            try:
                _set_up(db)
            except BaseException:
                db.close()
                raise
        except sqlite3.Error as exc:
            log.warning("could not connect again to the journal %s: %s", self.path, exc)
            raise _open_failure(self.path, *_trouble(exc)) from exc
        return Journal(
            db, self.path, message=self.message, read_only=False, clock=self._clock, tz=self._tz
        )

    def now(self) -> datetime:
        """The journal's clock: what a write records as its time unless given ``at``."""
        return self._clock()

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

    def _now(self, at: datetime | None = None) -> str:
        return _to_text(self._clock() if at is None else at)

    def _write(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        if self.read_only:
            raise JournalReadOnlyError(f"cannot record to this journal: {self.message}")
        try:
            return self._db.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise JournalError(f"the journal refused a record ({exc})") from exc
        except sqlite3.Error as exc:  # disk full, locked too long, file gone bad
            locked = _is_locked(exc)
            # A lock is the caller's to wait out (and to log once), not one line per try.
            level = logging.DEBUG if locked else logging.WARNING
            log.log(level, "could not write to the journal %s: %s", self.path, exc)
            what, action = _trouble(exc)
            error = JournalLockedError if locked else JournalError
            raise error(
                f"could not write to the journal at {self.path}: {what} ({action})"
            ) from exc

    def _update_session(self, session_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        cursor = self._write(
            f"UPDATE session SET {assignments} WHERE id = ?", (*params, session_id)
        )
        if cursor.rowcount != 1:
            raise JournalError(f"there is no session {session_id} in the journal")

    def start_session(
        self,
        routine_title: str,
        *,
        builtin: str | None = None,
        file: Path | None = None,
        at: datetime | None = None,
    ) -> int:
        """Record the start of a session of a built-in routine (by name) or a routine file.

        ``at`` (here and in record_set and finish_session) is when it happened, for a record
        written later than that; the journal's clock when None.
        """
        if (builtin is None) == (file is None):
            raise ValueError("give exactly one of builtin= (a name) or file= (a path)")
        kind, source = (
            (RoutineKind.BUILTIN, builtin) if builtin is not None else (RoutineKind.FILE, str(file))
        )
        cursor = self._write(
            "INSERT INTO session (routine_title, routine_kind, routine_source, started_at) "
            "VALUES (?, ?, ?, ?)",
            (routine_title, kind.value, source, self._now(at)),
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
        at: datetime | None = None,
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
                    self._now(at),
                ),
            )
            self._write("COMMIT", ())
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_voice_answer(
        self,
        session_id: int,
        *,
        question: str,
        answer: str,
        step_index: int | None = None,
        set_number: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Note that an answer came by voice: ``question`` is "check", "pain" or "play"
        (a command during play), ``answer`` what was taken ("yes", "pain 3", "pause")."""
        cursor = self._write(
            "INSERT INTO voice_answer (session_id, question, answer, step_index, set_number, "
            "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
            (session_id, question, answer, step_index, set_number, self._now(at)),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def voice_answers(self, session_id: int) -> list[tuple[str, str, int | None, int | None]]:
        """The answers a session took by voice, in order: (question, answer, step, set)."""
        rows = self._db.execute(
            "SELECT question, answer, step_index, set_number FROM voice_answer "
            "WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [(str(q), str(a), _maybe_int(s), _maybe_int(n)) for q, a, s, n in rows]

    def finish_session(
        self,
        session_id: int,
        outcome: Outcome,
        *,
        stopped_at_step: int | None = None,
        stopped_at_title: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Record how a session ended: finished, or stopped (at which step, if any)."""
        if outcome is Outcome.FINISHED and (stopped_at_step, stopped_at_title) != (None, None):
            raise ValueError("a finished session has no step it stopped at")
        self._update_session(
            session_id,
            "ended_at = ?, outcome = ?, stopped_step_index = ?, stopped_step_title = ?",
            (self._now(at), Outcome(outcome).value, stopped_at_step, stopped_at_title),
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

    # -- reads: a damaged row is left out and counted, never raised ---------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            log.warning("could not read the journal %s: %s", self.path, exc)
            what, action = _trouble(exc)
            if self.read_only:  # a newer format may have changed what we read
                raise JournalError(f"{self.message} Reading it failed: {what}.") from exc
            raise JournalError(
                f"could not read the journal at {self.path}: {what} ({action})"
            ) from exc

    @property
    def skipped_rows(self) -> int:
        """Damaged rows (sessions or sets) that reads have left out so far, each counted once.

        A session left out takes its sets with it; those are not counted again.
        """
        return len(self._damaged)

    def _parsed(
        self,
        table: str,
        row: tuple[Any, ...],
        parse: Callable[[tuple[Any, ...]], _R],
        found: set[_RowKey] | None = None,
    ) -> _R | None:
        """The row as a record; None, counted (and logged once), for one the app did not write."""
        try:
            return parse(row)
        except _Malformed as exc:
            key = (table, row[0])
            if key not in self._damaged:
                self._damaged.add(key)
                log.warning("left out %s row %r of %s: %s", table, row[0], self.path, exc)
            if found is not None:
                found.add(key)
            return None

    def _sessions(self, rows: list[tuple[Any, ...]]) -> list[SessionRecord]:
        records = (self._parsed("session", row, _session) for row in rows)
        return [record for record in records if record is not None]

    def _sets(self, rows: list[tuple[Any, ...]]) -> list[SetRecord]:
        records = (self._parsed("set_record", row, _set) for row in rows)
        return [record for record in records if record is not None]

    def sessions(self) -> list[SessionRecord]:
        """All sessions, newest first."""
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)} FROM session s "
            "ORDER BY s.started_at DESC, s.id DESC"
        )
        return self._sessions(rows)

    def session(self, session_id: int) -> SessionRecord:
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)} FROM session s WHERE s.id = ?", (session_id,)
        )
        if not rows:
            raise JournalError(f"there is no session {session_id} in the journal")
        record = self._parsed("session", rows[0], _session)
        if record is None:
            raise JournalError(f"session {session_id} in the journal is damaged")
        return record

    def sets(self, session_id: int) -> list[SetRecord]:
        """The sets of one session in the order they were done."""
        rows = self._read(
            f"SELECT {_select('r', _SET_FIELDS)} FROM set_record r "
            "WHERE r.session_id = ? ORDER BY r.id",
            (session_id,),
        )
        return self._sets(rows)

    def _day(self, moment: datetime) -> date:
        return moment.astimezone(self._tz).date()

    def practice_times(self) -> list[datetime]:
        """When each session that counts as practice started (core/practice_week.py): one
        finished, or stopped after at least one set. Rows that cannot be read are left out,
        as sessions() leaves them."""
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)} FROM session s "
            f"WHERE s.outcome = '{Outcome.FINISHED.value}' "
            "OR EXISTS (SELECT 1 FROM set_record r WHERE r.session_id = s.id) "
            "ORDER BY s.started_at"
        )
        return [session.started_at for session in self._sessions(rows)]

    def week(self, planned: Callable[[date], int] = lambda _day: 0) -> Week:
        """This week at a glance, in the journal's time zone (today is its today)."""
        today = self._day(self.now())
        return week_at_a_glance(self.practice_times(), planned, today, self._tz)

    def pain_series(self) -> list[PainPoint]:
        """Pain before and after, oldest first, for every session with at least one rating."""
        # Whole rows, checked as sessions() checks them: a session missing from the list
        # is missing from the chart too.
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)} FROM session s "
            "WHERE s.pain_before IS NOT NULL OR s.pain_after IS NOT NULL "
            "ORDER BY s.started_at, s.id"
        )
        return [
            PainPoint(s.id, self._day(s.started_at), s.started_at, s.pain_before, s.pain_after)
            for s in self._sessions(rows)
        ]

    def disconnect_rate_by_exercise(self) -> list[DisconnectRate]:
        """Per exercise (step title) and day: checks answered and how many were "yes".

        A set retried after resets counts each reset as one "yes" answer (see record_set).
        Sorted by exercise, then day.
        """
        rows = self._read(
            f"SELECT {_select('r', _SET_FIELDS)} FROM set_record r "
            "WHERE r.check_answer IS NOT NULL OR r.resets_taken > 0"
        )
        totals: dict[tuple[str, date], tuple[int, int]] = {}
        for done in self._sets(rows):
            key = (done.step_title, self._day(done.completed_at))
            answered, yes = totals.get(key, (0, 0))
            last = 0 if done.last_answer is None else 1
            resets = done.resets_taken
            totals[key] = (answered + last + resets, yes + int(bool(done.last_answer)) + resets)
        return [
            DisconnectRate(title, day, answered, yes)
            for (title, day), (answered, yes) in sorted(totals.items())
        ]

    # -- export -----------------------------------------------------------------------------

    def _export_rows(self, found: set[_RowKey]) -> Iterator[list[object]]:
        """The CSV's rows; the damaged rows left out are added to ``found``."""
        # LEFT JOIN: a session with no sets (stopped at once) keeps its pain ratings in the export.
        rows = self._read(
            f"SELECT {_select('s', _SESSION_FIELDS)}, {_select('r', _SET_FIELDS)} "
            "FROM session s LEFT JOIN set_record r ON r.session_id = s.id "
            "ORDER BY s.started_at, s.id, r.id"
        )
        width = len(_SESSION_FIELDS)
        # A session's rows are next to each other (ordered by its time, then its id).
        for _, joined in itertools.groupby(rows, key=lambda row: row[0]):
            group = list(joined)
            session = self._parsed("session", group[0][:width], _session, found)
            if session is None:
                continue
            cells = self._session_cells(session)
            sets = (
                self._parsed("set_record", row[width:], _set, found)
                for row in group
                if row[width] is not None
            )
            done = [record for record in sets if record is not None]
            if not done:  # no sets, or only damaged ones: the session keeps its pain ratings
                yield cells + [""] * (len(CSV_COLUMNS) - len(cells))
            for record in done:
                yield cells + _set_cells(record)

    def _session_cells(self, session: SessionRecord) -> list[object]:
        started_local = session.started_at.astimezone(self._tz)
        return [
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

    def export_csv(self, path: Path) -> CsvExport:
        """Write one row per set (with its session's columns) to ``path``.

        UTF-8 with a byte-order mark so spreadsheets detect the encoding (names like "Ørsted"
        survive a double-click in Excel), a header row, RFC 4180 quoting and CRLF line ends.
        Written to a temporary file and renamed, so a failed export never leaves half a file.
        Damaged rows are left out and counted in what it returns.
        """
        out = io.StringIO(newline="")
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
        writer.writerow(CSV_COLUMNS)
        found: set[_RowKey] = set()
        count = 0
        for cells in self._export_rows(found):
            writer.writerow(cells)
            count += 1
        # Mode 0600: a pain journal is health data, for its owner's eyes.
        write_atomic(Path(path), out.getvalue().encode("utf-8-sig"), mode=0o600)
        return CsvExport(rows=count, skipped=len(found))


def _set_cells(done: SetRecord) -> list[object]:
    return [
        done.step_index,
        _csv_text(done.step_title),
        done.set_number,
        _csv_text(done.side),
        _yes_no(done.last_answer),
        done.resets_taken,
        _yes_no(done.skipped),
        _to_text(done.completed_at),
    ]
