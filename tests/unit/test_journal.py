"""The journal store: records, reads, CSV export, migrations, read-only and damaged files."""

from __future__ import annotations

import csv
import logging
import sqlite3
import struct
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from routineplayer.core import journal as journal_module
from routineplayer.core import journal_schema, paths
from routineplayer.core.journal import (
    CSV_COLUMNS,
    CsvExport,
    DisconnectRate,
    Journal,
    JournalError,
    JournalReadOnlyError,
    Outcome,
    RoutineKind,
    _is_damaged,
)
from routineplayer.core.pain import PainLocation

START = datetime(2025, 3, 1, 18, 0, 0, tzinfo=UTC)

# Version 1 of the schema exactly as released. Never edit: it is what users' files hold.
V1_DDL = """
CREATE TABLE session (
    id                   INTEGER PRIMARY KEY,
    routine_title        TEXT NOT NULL,
    routine_kind         TEXT NOT NULL CHECK (routine_kind IN ('builtin', 'file')),
    routine_source       TEXT NOT NULL,
    started_at           TEXT NOT NULL,
    ended_at             TEXT,
    outcome              TEXT CHECK (outcome IN ('finished', 'stopped')),
    stopped_step_index   INTEGER,
    stopped_step_title   TEXT,
    pain_before          INTEGER CHECK (pain_before BETWEEN 0 AND 10),
    pain_before_location TEXT CHECK (pain_before_location IN
                             ('lower back', 'buttock/leg', 'upper back', 'other')),
    pain_after           INTEGER CHECK (pain_after BETWEEN 0 AND 10),
    pain_after_note      TEXT,
    notes                TEXT
);
CREATE INDEX session_started_at ON session (started_at);
CREATE TABLE set_record (
    id            INTEGER PRIMARY KEY,
    session_id    INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
    step_index    INTEGER NOT NULL CHECK (step_index >= 0),
    step_title    TEXT NOT NULL,
    set_number    INTEGER NOT NULL CHECK (set_number >= 1),
    side          TEXT,
    check_answer  INTEGER CHECK (check_answer IN (0, 1)),
    resets_taken  INTEGER NOT NULL DEFAULT 0 CHECK (resets_taken >= 0),
    skipped       INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    completed_at  TEXT NOT NULL
);
CREATE INDEX set_record_session ON set_record (session_id);
PRAGMA user_version = 1;
"""


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def journal(db_path: Path, clock: FakeClock):
    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        yield j


def raw(path: Path) -> sqlite3.Connection:
    """An independent connection, as another process would have."""
    return sqlite3.connect(path, isolation_level=None)


def table_shape(db: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master ORDER BY name")]
    return {n: db.execute(f"PRAGMA table_xinfo({n})").fetchall() for n in names}


def play_session(journal: Journal, clock: FakeClock) -> int:
    sid = journal.start_session("Warm-up", builtin="warm-up")
    journal.set_pain_before(sid, 4, PainLocation.LOWER_BACK)
    for n in (1, 2):
        clock.advance(seconds=40)
        journal.record_set(
            sid, step_index=2, step_title="Bird Dog", set_number=n, side="left", check_answer=False
        )
    clock.advance(seconds=40)
    journal.record_set(sid, step_index=3, step_title="Bridge", set_number=1, skipped=True)
    clock.advance(seconds=30)
    journal.finish_session(sid, Outcome.FINISHED)
    journal.set_pain_after(sid, 2, "easier than yesterday")
    return sid


# -- records and reads ----------------------------------------------------------------------


def test_a_played_session_reads_back(journal: Journal, clock: FakeClock) -> None:
    sid = play_session(journal, clock)

    (session,) = journal.sessions()
    assert session.id == sid
    assert (session.routine_title, session.routine_kind, session.routine_source) == (
        "Warm-up",
        RoutineKind.BUILTIN,
        "warm-up",
    )
    assert session.started_at == START
    assert session.ended_at == START + timedelta(seconds=150)
    assert session.outcome is Outcome.FINISHED
    assert (session.stopped_at_step, session.stopped_at_title) == (None, None)
    assert (session.pain_before, session.pain_before_location) == (4, PainLocation.LOWER_BACK)
    assert (session.pain_after, session.pain_after_note) == (2, "easier than yesterday")
    assert journal.session(sid) == session

    sets = journal.sets(sid)
    assert [(s.step_title, s.set_number, s.side, s.check_answer, s.skipped) for s in sets] == [
        ("Bird Dog", 1, "left", False, False),
        ("Bird Dog", 2, "left", False, False),
        ("Bridge", 1, None, None, True),
    ]
    assert sets[0].completed_at == START + timedelta(seconds=40)
    assert all(s.session_id == sid and s.resets_taken == 0 for s in sets)


def test_a_stopped_session_records_where(journal: Journal, tmp_path: Path) -> None:
    routine_file = tmp_path / "my routine.yaml"
    sid = journal.start_session("Mine", file=routine_file)
    journal.finish_session(sid, Outcome.STOPPED, stopped_at_step=3, stopped_at_title="Clams")
    journal.set_pain_before(sid, None)  # skipped
    journal.set_notes(sid, "had to answer the door")

    session = journal.session(sid)
    assert (session.routine_kind, session.routine_source) == (RoutineKind.FILE, str(routine_file))
    assert (session.outcome, session.stopped_at_step, session.stopped_at_title) == (
        Outcome.STOPPED,
        3,
        "Clams",
    )
    assert session.pain_before is None and session.notes == "had to answer the door"


def test_a_session_that_never_ended_reads_as_open(journal: Journal) -> None:
    sid = journal.start_session("Cool-down", builtin="cool-down")
    session = journal.session(sid)
    assert session.ended_at is None and session.outcome is None


def test_sessions_are_newest_first(journal: Journal, clock: FakeClock) -> None:
    first = journal.start_session("A", builtin="a")
    clock.advance(days=1)
    second = journal.start_session("B", builtin="b")
    assert [s.id for s in journal.sessions()] == [second, first]


def test_every_write_is_committed_at_once(journal: Journal, db_path: Path) -> None:
    sid = journal.start_session("Warm-up", builtin="warm-up")
    journal.record_set(sid, step_index=0, step_title="Cat-Camel", set_number=1)
    other = raw(db_path)
    try:
        assert other.execute("SELECT count(*) FROM set_record").fetchone()[0] == 1
    finally:
        other.close()


@pytest.mark.parametrize("bad", [-1, 11, 3.5, True, "5"])
def test_pain_outside_the_scale_is_refused(journal: Journal, bad: object) -> None:
    sid = journal.start_session("Warm-up", builtin="warm-up")
    with pytest.raises(ValueError, match="pain"):
        journal.set_pain_before(sid, bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pain"):
        journal.set_pain_after(sid, bad)  # type: ignore[arg-type]
    assert journal.session(sid).pain_before is None


def test_pain_scale_ends_are_accepted(journal: Journal) -> None:
    sid = journal.start_session("Warm-up", builtin="warm-up")
    journal.set_pain_before(sid, 0)
    journal.set_pain_after(sid, 10)
    assert (journal.session(sid).pain_before, journal.session(sid).pain_after) == (0, 10)


def test_bad_calls_are_refused_clearly(journal: Journal) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        journal.start_session("X")
    with pytest.raises(JournalError, match="no session 42"):
        journal.finish_session(42, Outcome.FINISHED)
    with pytest.raises(JournalError, match="refused"):
        journal.record_set(42, step_index=0, step_title="X", set_number=1)
    sid = journal.start_session("X", builtin="x")
    with pytest.raises(ValueError, match="finished session"):
        journal.finish_session(sid, Outcome.FINISHED, stopped_at_step=2)
    with pytest.raises(ValueError, match="location needs"):
        journal.set_pain_before(sid, None, PainLocation.OTHER)
    with pytest.raises(JournalError, match="refused"):
        journal.record_set(sid, step_index=0, step_title="X", set_number=0)


def test_sqlite_errors_arrive_as_journal_errors(db_path: Path) -> None:
    j = Journal.open(db_path)
    sid = j.start_session("X", builtin="x")
    j.close()
    with pytest.raises(JournalError, match="could not write to the journal"):
        j.record_set(sid, step_index=0, step_title="X", set_number=1)
    with pytest.raises(JournalError, match="could not read the journal"):
        j.sessions()


def test_a_naive_clock_is_refused(db_path: Path) -> None:
    with (
        Journal.open(db_path, clock=lambda: datetime(2025, 1, 1)) as j,
        pytest.raises(ValueError, match="timezone-aware"),
    ):
        j.start_session("X", builtin="x")


def test_default_path_is_the_user_journal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROUTINEPLAYER_HOME", str(tmp_path / "home"))
    with Journal.open() as j:
        assert j.path == paths.journal_path()
        j.start_session("X", builtin="x")
    assert paths.journal_path().is_file()


# -- charts ---------------------------------------------------------------------------------


def test_pain_series_days_follow_the_users_zone(db_path: Path) -> None:
    clock = FakeClock(datetime(2025, 3, 1, 3, 30, tzinfo=UTC))  # evening of Feb 28 in UTC-5
    with Journal.open(db_path, clock=clock, tz=timezone(timedelta(hours=-5))) as j:
        late = j.start_session("A", builtin="a")
        j.set_pain_before(late, 6)
        j.set_pain_after(late, 4)
        clock.advance(hours=12)
        unrated = j.start_session("B", builtin="b")
        clock.advance(hours=1)
        after_only = j.start_session("C", builtin="c")
        j.set_pain_after(after_only, 1)

        series = j.pain_series()

    assert unrated not in [p.session_id for p in series]
    assert [(p.session_id, p.day, p.before, p.after) for p in series] == [
        (late, date(2025, 2, 28), 6, 4),
        (after_only, date(2025, 3, 1), None, 1),
    ]


def test_disconnect_rate_counts_resets_as_yes_answers(journal: Journal, clock: FakeClock) -> None:
    sid = journal.start_session("Strength", builtin="strength")
    # Day 1, Bird Dog: one clean set; one set retried after a reset (yes, then no).
    journal.record_set(sid, step_index=0, step_title="Bird Dog", set_number=1, check_answer=False)
    journal.record_set(
        sid, step_index=0, step_title="Bird Dog", set_number=2, check_answer=False, resets_taken=1
    )
    # Bridge: a yes on the last try, after two resets; a set with no check is not counted.
    journal.record_set(
        sid, step_index=1, step_title="Bridge", set_number=1, check_answer=True, resets_taken=2
    )
    journal.record_set(sid, step_index=2, step_title="Breathing", set_number=1)
    clock.advance(days=1)
    next_day = journal.start_session("Strength", builtin="strength")
    journal.record_set(
        next_day, step_index=0, step_title="Bird Dog", set_number=1, check_answer=True
    )

    rates = journal.disconnect_rate_by_exercise()
    day1, day2 = date(2025, 3, 1), date(2025, 3, 2)
    assert rates == [
        DisconnectRate("Bird Dog", day1, checks_answered=3, yes_count=1),
        DisconnectRate("Bird Dog", day2, checks_answered=1, yes_count=1),
        DisconnectRate("Bridge", day1, checks_answered=3, yes_count=3),
    ]
    assert rates[0].rate == pytest.approx(1 / 3)
    assert DisconnectRate("X", day1, 0, 0).rate == 0.0


def test_a_skipped_sets_answer_is_not_counted(
    journal: Journal, clock: FakeClock, tmp_path: Path
) -> None:
    """Older versions asked the check after a skipped set (and a skip answered it "no"):
    such an answer is not a check of a set that was done, so nothing counts or shows it.
    Resets taken before the skip were asked, and still count."""
    sid = journal.start_session("Slides", builtin="upper-back-slides")
    journal.record_set(sid, step_index=0, step_title="Slides", set_number=1, check_answer=True)
    journal.record_set(
        sid, step_index=0, step_title="Slides", set_number=2, check_answer=False, skipped=True
    )
    journal.record_set(
        sid, step_index=0, step_title="Slides", set_number=3, resets_taken=1, skipped=True
    )
    (rate,) = journal.disconnect_rate_by_exercise()
    assert (rate.checks_answered, rate.yes_count) == (2, 2)
    out = tmp_path / "export.csv"
    journal.export_csv(out)
    assert [(r["check_answer"], r["skipped"]) for r in read_csv(out)] == [
        ("yes", "no"),
        ("", "yes"),
        ("", "yes"),
    ]


# -- CSV export -----------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_export_csv_reads_back(journal: Journal, clock: FakeClock, tmp_path: Path) -> None:
    sid = play_session(journal, clock)
    clock.advance(hours=2)
    awkward = 'Søren\'s "routine", with commas\nand a second line'
    empty = journal.start_session(awkward, builtin="x")
    journal.set_pain_before(empty, 9, PainLocation.BUTTOCK_LEG)
    journal.finish_session(empty, Outcome.STOPPED)

    out = tmp_path / "export.csv"
    assert journal.export_csv(out) == CsvExport(rows=4, skipped=0)

    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for spreadsheets"
    assert data.count(b"\r\n") >= 5
    rows = read_csv(out)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["session_id"] for r in rows] == [str(sid)] * 3 + [str(empty)]
    first = rows[0]
    assert first["routine"] == "Warm-up"
    assert first["started_local"] == "2025-03-01 18:00:00"
    assert first["started_at_utc"] == "2025-03-01T18:00:00.000+00:00"
    assert (first["pain_before"], first["pain_location"], first["pain_after"]) == (
        "4",
        "lower back",
        "2",
    )
    assert (first["step_title"], first["set_number"], first["side"]) == ("Bird Dog", "1", "left")
    assert (first["check_answer"], first["skipped"], first["resets_taken"]) == ("no", "no", "0")
    assert (rows[2]["check_answer"], rows[2]["skipped"]) == ("", "yes")
    # A session without sets still appears, with its pain and empty set columns.
    last = rows[3]
    assert last["routine"] == awkward
    assert (last["pain_before"], last["pain_location"], last["outcome"]) == (
        "9",
        "buttock/leg",
        "stopped",
    )
    assert last["step_title"] == last["set_number"] == last["set_completed_at_utc"] == ""


def test_export_csv_defuses_formulas(journal: Journal, tmp_path: Path) -> None:
    sid = journal.start_session('=HYPERLINK("http://example.com")', builtin="x")
    journal.set_notes(sid, "-2 is fine")
    journal.export_csv(tmp_path / "out.csv")
    (row,) = read_csv(tmp_path / "out.csv")
    assert row["routine"] == '\'=HYPERLINK("http://example.com")'
    assert row["notes"] == "'-2 is fine"


def test_export_of_an_empty_journal_is_a_header(journal: Journal, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert journal.export_csv(out) == CsvExport(rows=0, skipped=0)
    assert read_csv(out) == []
    assert list(tmp_path.glob(".out.csv.*")) == [], "no temporary file left behind"


# -- migrations -----------------------------------------------------------------------------


def test_a_missing_or_empty_file_becomes_the_current_schema(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    for path in (tmp_path / "new" / "journal.sqlite3", empty):
        with Journal.open(path) as j:
            assert not j.read_only and j.message is None
        db = raw(path)
        try:
            assert journal_schema.user_version(db) == journal_schema.SCHEMA_VERSION
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert {"session", "set_record"} <= set(table_shape(db))
        finally:
            db.close()


def test_the_v1_migration_matches_the_released_v1_schema(tmp_path: Path) -> None:
    frozen, migrated = raw(tmp_path / "frozen.sqlite3"), raw(tmp_path / "migrated.sqlite3")
    try:
        frozen.executescript(V1_DDL)
        journal_schema.migrate(migrated, journal_schema.MIGRATIONS[:1])
        assert table_shape(migrated) == table_shape(frozen)
    finally:
        frozen.close()
        migrated.close()


def test_a_version_1_journal_opens_with_its_data(db_path: Path) -> None:
    db = raw(db_path)
    db.executescript(V1_DDL)
    db.execute(
        "INSERT INTO session (routine_title, routine_kind, routine_source, started_at, "
        "pain_before, pain_before_location) VALUES "
        "('Old', 'builtin', 'warm-up', '2024-12-31T09:00:00.000+00:00', 5, 'upper back')"
    )
    db.execute(
        "INSERT INTO set_record (session_id, step_index, step_title, set_number, "
        "check_answer, completed_at) VALUES (1, 0, 'Bird Dog', 1, 1, "
        "'2024-12-31T09:01:00.000+00:00')"
    )
    db.close()

    with Journal.open(db_path) as j:
        (session,) = j.sessions()
        assert (session.routine_title, session.pain_before) == ("Old", 5)
        assert session.pain_before_location is PainLocation.UPPER_BACK
        assert [s.check_answer for s in j.sets(session.id)] == [True]
        j.record_set(session.id, step_index=1, step_title="Bridge", set_number=1)
    db = raw(db_path)
    assert journal_schema.user_version(db) == journal_schema.SCHEMA_VERSION
    db.close()


def _add_mood(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE session ADD COLUMN mood TEXT")


def _broken(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE session ADD COLUMN half_done TEXT")
    raise RuntimeError("migration bug")


def test_a_later_migration_runs_once_after_version_1(db_path: Path) -> None:
    db = raw(db_path)
    db.executescript(V1_DDL)
    later = len(journal_schema.MIGRATIONS) + 1
    assert journal_schema.migrate(db, (*journal_schema.MIGRATIONS, _add_mood)) == later
    assert journal_schema.migrate(db, (*journal_schema.MIGRATIONS, _add_mood)) == later
    assert "mood" in [row[1] for row in db.execute("PRAGMA table_info(session)")]
    db.close()


def test_a_failing_migration_leaves_the_previous_version(db_path: Path) -> None:
    db = raw(db_path)
    db.executescript(V1_DDL)
    with pytest.raises(RuntimeError, match="migration bug"):
        journal_schema.migrate(db, (*journal_schema.MIGRATIONS, _broken))
    assert journal_schema.user_version(db) == journal_schema.SCHEMA_VERSION
    assert "half_done" not in [row[1] for row in db.execute("PRAGMA table_info(session)")]
    db.close()


# -- a newer journal: read-only -------------------------------------------------------------


def test_a_newer_journal_opens_read_only(db_path: Path, clock: FakeClock) -> None:
    with Journal.open(db_path, clock=clock) as j:
        sid = play_session(j, clock)
    db = raw(db_path)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = db_path.read_bytes()

    with Journal.open(db_path, clock=clock) as j:
        assert j.read_only
        assert j.message is not None
        assert "newer version" in j.message and "99" in j.message
        assert [s.id for s in j.sessions()] == [sid]
        assert len(j.sets(sid)) == 3
        with pytest.raises(JournalReadOnlyError, match="newer version"):
            j.start_session("X", builtin="x")
        with pytest.raises(JournalReadOnlyError):
            j.set_pain_after(sid, 3)

    assert db_path.read_bytes() == before
    db = raw(db_path)
    assert journal_schema.user_version(db) == 99
    db.close()


def test_a_newer_journal_that_changed_its_tables_reads_with_a_message(db_path: Path) -> None:
    db = raw(db_path)
    db.execute("CREATE TABLE something_else (x)")
    db.execute("PRAGMA user_version = 7")
    db.close()
    with Journal.open(db_path) as j:
        assert j.read_only
        with pytest.raises(JournalError, match=r"newer version.*Reading it failed"):
            j.sessions()


# -- a damaged journal: moved aside ---------------------------------------------------------


def test_a_file_that_is_not_a_database_is_moved_aside(db_path: Path, clock: FakeClock) -> None:
    garbage = b"this is not a database, it is a shopping list\n" * 200
    db_path.write_bytes(garbage)
    Path(f"{db_path}-wal").write_bytes(b"wal bytes")
    Path(f"{db_path}-shm").write_bytes(b"shm bytes")

    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        kept = db_path.with_name("journal.sqlite3.corrupt-20250301-180000")
        assert j.message is not None and str(kept) in j.message and "damaged" in j.message
        assert not j.read_only
        assert j.sessions() == []
        j.start_session("Fresh", builtin="x")

    assert kept.read_bytes() == garbage
    assert Path(f"{kept}-wal").read_bytes() == b"wal bytes"
    # The -shm is only an index SQLite rebuilds from the WAL; it moves along, contents aside.
    assert Path(f"{kept}-shm").exists()


def test_a_second_damage_in_the_same_second_keeps_both(db_path: Path, clock: FakeClock) -> None:
    for text in (b"first garbage " * 100, b"second garbage " * 100):
        db_path.write_bytes(text)
        Journal.open(db_path, clock=clock, tz=UTC).close()
    kept = sorted(p.name for p in db_path.parent.glob("journal.sqlite3.corrupt-*"))
    assert kept == [
        "journal.sqlite3.corrupt-20250301-180000",
        "journal.sqlite3.corrupt-20250301-180000-1",
    ]


def test_a_malformed_database_is_moved_aside(db_path: Path, clock: FakeClock) -> None:
    with Journal.open(db_path, clock=clock) as j:
        sid = j.start_session("Long", builtin="x")
        for n in range(1, 400):
            j.record_set(sid, step_index=0, step_title="Bird Dog " * 10, set_number=n)
    page_size = 4096
    data = bytearray(db_path.read_bytes())
    assert len(data) > 6 * page_size
    # Keep the header page, scribble over the b-tree pages after it.
    data[page_size : 5 * page_size] = b"\x07" * (4 * page_size)
    db_path.write_bytes(bytes(data))

    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        assert j.message is not None and "corrupt-20250301-180000" in j.message
        assert j.sessions() == []
    assert db_path.with_name("journal.sqlite3.corrupt-20250301-180000").read_bytes() == data


def test_damage_reported_by_quick_check_is_moved_aside(
    db_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    with Journal.open(db_path, clock=clock) as j:
        j.start_session("Kept", builtin="x")
    # One more page than the b-trees use: the pages read fine, quick_check reports the stray.
    data = bytearray(db_path.read_bytes())
    pages = struct.unpack(">I", data[28:32])[0]
    data[28:32] = struct.pack(">I", pages + 1)
    data += bytes(len(data) // pages)
    db_path.write_bytes(bytes(data))

    with caplog.at_level(logging.WARNING), Journal.open(db_path, clock=clock, tz=UTC) as j:
        kept = db_path.with_name("journal.sqlite3.corrupt-20250301-180000")
        # Our words only: what happened and where the old file is, never SQLite's report.
        assert j.message == (
            "Your journal file was damaged, so a new, empty journal was started. "
            f"The damaged file is kept as {kept}."
        )
        assert j.sessions() == []
    assert kept.read_bytes() == data
    # SQLite's full report goes to the log, for whoever looks into it.
    check = sqlite3.connect(f"{kept.as_uri()}?mode=ro", uri=True)
    report = [row[0] for row in check.execute("PRAGMA quick_check")]
    check.close()
    assert report != ["ok"]
    assert all(line in caplog.text for line in report)


def test_a_locked_database_is_not_mistaken_for_damage(db_path: Path, tmp_path: Path) -> None:
    Journal.open(db_path).close()
    holder = raw(db_path)
    holder.execute("BEGIN IMMEDIATE")
    waiter = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as locked:
            waiter.execute("BEGIN IMMEDIATE")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        waiter.close()
    assert not _is_damaged(locked.value)

    not_db = tmp_path / "not.db"
    not_db.write_bytes(b"x" * 1000)
    conn = sqlite3.connect(not_db)
    try:
        with pytest.raises(sqlite3.DatabaseError) as damaged:
            conn.execute("PRAGMA user_version")
    finally:
        conn.close()
    assert _is_damaged(damaged.value)


# -- concurrent reads while writing ---------------------------------------------------------


def test_reads_are_not_blocked_by_a_write_in_progress(db_path: Path) -> None:
    with Journal.open(db_path) as writer, Journal.open(db_path) as reader:
        sid = writer.start_session("Warm-up", builtin="warm-up")
        # Another connection holds a write transaction open, as a writer mid-commit would.
        other = raw(db_path)
        other.execute("BEGIN IMMEDIATE")
        other.execute(
            "INSERT INTO set_record (session_id, step_index, step_title, set_number, "
            "completed_at) VALUES (?, 0, 'Uncommitted', 1, '2025-01-01T00:00:00.000+00:00')",
            (sid,),
        )
        assert reader.sets(sid) == [], "a reader sees only committed sets, without waiting"
        assert [s.id for s in reader.sessions()] == [sid]
        other.execute("COMMIT")
        other.close()
        assert [s.step_title for s in reader.sets(sid)] == ["Uncommitted"]


def test_a_set_recorded_again_replaces_its_earlier_result(journal: Journal) -> None:
    """Going back replays sets that already ended; the journal keeps each set once, with
    its latest result, like the session's own summary."""
    sid = journal.start_session("Strength", builtin="strength")
    journal.record_set(sid, step_index=0, step_title="Bird Dog", set_number=1, check_answer=True)
    journal.record_set(sid, step_index=0, step_title="Bird Dog", set_number=2, check_answer=False)
    journal.record_set(
        sid, step_index=0, step_title="Bird Dog", set_number=1, check_answer=False, resets_taken=1
    )
    left = journal.record_set(
        sid, step_index=1, step_title="Leg", set_number=1, side="left", check_answer=False
    )
    journal.record_set(
        sid, step_index=1, step_title="Leg", set_number=1, side="right", check_answer=False
    )
    sets = journal.sets(sid)
    assert [(s.step_index, s.set_number, s.side) for s in sets] == [
        (0, 2, None), (0, 1, None), (1, 1, "left"), (1, 1, "right"),
    ]  # fmt: skip
    assert [s.check_answer for s in sets][:2] == [False, False]
    assert sets[1].resets_taken == 1
    assert sets[2].id == left


# -- rows and files the app did not write ---------------------------------------------------


def rated_session(journal: Journal, clock: FakeClock) -> int:
    """A finished session rated before and after, with two sets answered "no"."""
    clock.advance(hours=1)
    sid = journal.start_session("Warm-up", builtin="warm-up")
    journal.set_pain_before(sid, 4, PainLocation.LOWER_BACK)
    for n in (1, 2):
        journal.record_set(
            sid, step_index=0, step_title="Bird Dog", set_number=n, check_answer=False
        )
    journal.finish_session(sid, Outcome.FINISHED)
    journal.set_pain_after(sid, 2)
    return sid


def tamper(path: Path, *statements: str, drop_not_null: bool = False) -> None:
    """Change the journal behind its back, as another program could: no constraints."""
    if drop_not_null:  # a journal made by a tool whose tables allow NULL everywhere
        db = raw(path)
        db.execute("PRAGMA writable_schema = ON")
        db.execute(
            "UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL', '') WHERE type = 'table'"
        )
        db.close()  # the next connection reads the edited schema
    db = raw(path)
    try:
        db.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            db.execute(statement)
    finally:
        db.close()


DAMAGE = [
    ("session", "started_at", "'yesterday'"),
    ("session", "started_at", "'2025-03-01 18:00:00'"),  # no UTC offset
    ("session", "started_at", "'0001-01-01T00:00:00+00:00'"),  # no zone can shift it
    ("session", "started_at", "NULL"),
    ("session", "ended_at", "'soon'"),
    ("session", "routine_title", "NULL"),
    ("session", "routine_title", "x'ff00'"),  # bytes, not text
    ("session", "routine_title", "CAST(x'ff41' AS TEXT)"),  # text that is not UTF-8
    ("session", "routine_kind", "'plugin'"),
    ("session", "outcome", "'exploded'"),
    ("session", "stopped_step_index", "'two'"),
    ("session", "pain_before", "42"),
    ("session", "pain_before", "-1"),
    ("session", "pain_before", "'a lot'"),
    ("session", "pain_before", "2.5"),
    ("session", "pain_before_location", "'knee'"),
    ("session", "pain_after", "11"),
    ("session", "notes", "x'00'"),
    ("set_record", "completed_at", "'later'"),
    ("set_record", "completed_at", "NULL"),
    ("set_record", "step_title", "NULL"),
    ("set_record", "step_index", "-1"),
    ("set_record", "set_number", "0"),
    ("set_record", "check_answer", "2"),
    ("set_record", "resets_taken", "'many'"),
    ("set_record", "skipped", "7"),
    ("set_record", "session_id", "'one'"),
]


@pytest.mark.parametrize(
    ("table", "column", "value"), DAMAGE, ids=[f"{t}.{c}={v}" for t, c, v in DAMAGE]
)
def test_rows_the_app_did_not_write_are_left_out_and_counted(
    db_path: Path, clock: FakeClock, table: str, column: str, value: str
) -> None:
    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        good = rated_session(j, clock)
        victim = rated_session(j, clock)
        victim_set = j.sets(victim)[0].id
    row = victim if table == "session" else victim_set
    tamper(
        db_path,
        f"UPDATE {table} SET {column} = {value} WHERE id = {row}",
        drop_not_null=value == "NULL",
    )

    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        assert j.message is None, "one damaged row is not a damaged file"
        sessions = [s.id for s in j.sessions()]
        pain = [p.session_id for p in j.pain_series()]
        sets = len(j.sets(victim))
        checks = sum(r.checks_answered for r in j.disconnect_rate_by_exercise())
        if table == "session":
            assert (sessions, pain) == ([good], [good])
            with pytest.raises(JournalError, match="damaged"):
                j.session(victim)
        else:
            assert (sessions, pain) == ([victim, good], [good, victim])
            assert (sets, checks) == (1, 3)
        assert j.skipped_rows == 1, "each damaged row counted once, however often it is read"


def test_the_csv_export_leaves_out_damaged_rows_and_says_how_many(
    db_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        kept = rated_session(j, clock)  # one of its sets damaged
        lost = rated_session(j, clock)  # the session itself damaged
        bare = rated_session(j, clock)  # both sets damaged: the session stays, without sets
        kept_set = j.sets(kept)[0].id
        bare_sets = [s.id for s in j.sets(bare)]
    tamper(
        db_path,
        f"UPDATE set_record SET completed_at = 'later' WHERE id IN ({kept_set}, {bare_sets[0]})",
        f"UPDATE set_record SET step_index = -1 WHERE id = {bare_sets[1]}",
        f"UPDATE session SET started_at = 'yesterday' WHERE id = {lost}",
    )
    out = tmp_path / "out.csv"
    with Journal.open(db_path, clock=clock, tz=UTC) as j:
        assert j.export_csv(out) == CsvExport(rows=2, skipped=4)
    rows = read_csv(out)
    assert [(r["session_id"], r["set_number"]) for r in rows] == [(str(kept), "2"), (str(bare), "")]
    assert (rows[1]["pain_before"], rows[1]["pain_after"]) == ("4", "2")


@pytest.mark.parametrize(
    ("suffix", "named"), [("", "it"), ("-wal", "next to it, journal.sqlite3-wal")]
)
def test_a_folder_where_the_journal_should_be_is_named(
    db_path: Path, suffix: str, named: str
) -> None:
    if suffix:
        Journal.open(db_path).close()
    Path(f"{db_path}{suffix}").mkdir()
    with pytest.raises(JournalError) as failed:
        Journal.open(db_path)
    message = str(failed.value)
    assert f"{db_path} could not be opened: {named} is a folder, not a file" in message
    assert "Move that folder away" in message


def test_a_file_where_the_journals_folder_should_be_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(JournalError) as failed:
        Journal.open(blocker / "journal.sqlite3")
    assert f"{blocker} is a file where a folder should be" in str(failed.value)


def test_a_current_journal_opens_at_once_while_another_program_writes(db_path: Path) -> None:
    # Nothing to migrate, so no write lock is asked for: opening never waits out the busy
    # timeout (5 s, on the window's thread at start-up); writes wait in the recorder's queue.
    Journal.open(db_path).close()
    holder = raw(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.perf_counter()
        Journal.open(db_path).close()
        assert time.perf_counter() - started < 1.0
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_journal_locked_by_another_program_says_so(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite3.connect(db_path).close()  # a new journal: it must be set up, which needs a write
    monkeypatch.setattr(journal_module, "_BUSY_TIMEOUT_S", 0.05)
    holder = raw(db_path)
    holder.execute("BEGIN IMMEDIATE")  # as another copy of the app mid-migration would
    try:
        with pytest.raises(JournalError) as failed:
            Journal.open(db_path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(failed.value)
    assert f"{db_path} could not be opened: another program is holding it locked" in message
    assert "Close other copies of routineplayer" in message


def test_a_full_disk_is_named_when_writing(journal: Journal) -> None:
    sid = journal.start_session("Warm-up", builtin="warm-up")
    pages = journal._db.execute("PRAGMA page_count").fetchone()[0]
    journal._db.execute(f"PRAGMA max_page_count = {pages}")  # the disk fills up now
    with pytest.raises(JournalError) as failed:
        for n in range(1, 1000):
            journal.record_set(sid, step_index=0, step_title="Bird Dog " * 50, set_number=n)
    assert "the disk is full (free some space" in str(failed.value)


def test_a_journal_that_may_not_be_written_says_so(db_path: Path, clock: FakeClock) -> None:
    Journal.open(db_path).close()
    # The file as a read-only mount or a file owned by someone else would give it.
    db = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True, isolation_level=None)
    j = Journal(db, db_path, message=None, read_only=False, clock=clock, tz=UTC)
    with j, pytest.raises(JournalError) as failed:
        j.start_session("Warm-up", builtin="warm-up")
    assert "routineplayer may not write to it (check the permissions" in str(failed.value)


# -- spoken answers -------------------------------------------------------------------------


def test_a_version_1_journal_gains_the_spoken_answers_and_keeps_its_sessions(
    db_path: Path,
) -> None:
    db = raw(db_path)
    db.executescript(V1_DDL)
    db.execute(
        "INSERT INTO session (routine_title, routine_kind, routine_source, started_at) "
        "VALUES ('Warm-up', 'builtin', 'warm-up', '2026-12-01T08:00:00+00:00')"
    )
    db.close()
    with Journal.open(db_path) as journal:
        [old] = journal.sessions()
        journal.record_voice_answer(
            old.id, question="check", answer="no", step_index=2, set_number=1
        )
        journal.record_voice_answer(old.id, question="pain", answer="pain 3")
        assert journal.voice_answers(old.id) == [
            ("check", "no", 2, 1),
            ("pain", "pain 3", None, None),
        ]


def test_a_spoken_answer_needs_a_known_question(db_path: Path) -> None:
    with Journal.open(db_path) as journal:
        session = journal.start_session("Warm-up", builtin="warm-up")
        with pytest.raises(JournalError):
            journal.record_voice_answer(session, question="mood", answer="yes")
        assert journal.voice_answers(session) == []
