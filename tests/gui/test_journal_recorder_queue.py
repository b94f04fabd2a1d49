"""The recorder's writer thread: records queue in order, wait out a lock, and closing waits a
bounded time and says what was lost.

The writer on its own, with journals that fail as told; then the recorder against a real
journal file that another connection holds with ``BEGIN IMMEDIATE`` (as the sqlite3 shell,
a sync tool or a second copy of routineplayer would).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from journal_support import builtin_timeline, fake_driver, play_driver
from pytestqt.qtbot import QtBot

from routineplayer.core.journal import Journal, JournalError, JournalLockedError, Outcome
from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import PainAnswer
from routineplayer.core.session import State
from routineplayer.runtime.journal_recorder import CAUGHT_UP, HELD_UP, JournalRecorder
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

BUILTIN = "upper-back-slides"
SETS = 4  # in the built-in routine, played with "no" to every check
WAIT_MS = 10_000


# -- the writer on its own -----------------------------------------------------------------------


class FakeJournal:
    """What the writer's records write through: each write is logged, or fails as told."""

    def __init__(self, locked_tries: int = 0) -> None:
        self.locked_tries = locked_tries  # this many tries fail as locked, then all succeed
        self.tries: list[str] = []
        self.written: list[tuple[str, int | None]] = []
        self.closed = False

    def close(self) -> None:
        self.closed = True


def record(session: int, kind: RecordKind, name: str, *, refuse: bool = False) -> Record:
    def write(journal: Journal, session_id: int | None) -> int | None:
        fake: FakeJournal = journal  # type: ignore[assignment]
        fake.tries.append(name)
        if fake.locked_tries > 0:
            fake.locked_tries -= 1
            raise JournalLockedError("another program is holding it locked")
        if refuse:
            raise JournalError("the disk is full")
        fake.written.append((name, session_id))
        return 100 + session if kind is RecordKind.START else len(fake.written)

    return Record(session, kind, write)


class Writer:
    def __init__(self, journal: FakeJournal) -> None:
        self.journal = journal
        self.woken = threading.Event()
        self.writer = JournalWriter(lambda: journal, self.woken.set)  # type: ignore[arg-type,return-value]
        self.reports: list[Report] = []

    def take(self) -> list[Report]:
        reports, pending = self.writer.take_reports()
        assert pending == 0
        self.reports += reports
        return self.reports


def session_records(session: int) -> list[Record]:
    return [
        record(session, RecordKind.START, f"start {session}"),
        record(session, RecordKind.PAIN_BEFORE, f"pain {session}"),
        *(record(session, RecordKind.SET, f"set {session}.{n}") for n in (1, 2, 3)),
        record(session, RecordKind.END, f"end {session}"),
    ]


def test_records_wait_out_a_lock_in_order_and_later_ones_know_their_session() -> None:
    fake = FakeJournal(locked_tries=3)
    w = Writer(fake)
    records = session_records(1) + session_records(2)
    for r in records:
        w.writer.put(r)
    assert w.writer.flush(WAIT_MS / 1000)

    expected = [
        f"{what} {n}" for n in (1, 2) for what in ("start", "pain", "set", "set", "set", "end")
    ]
    got = [name.split(".")[0] for name, _ in fake.written]
    assert got == expected, "each once, in the order queued"
    assert [name for name, _ in fake.written if name.startswith("set")] == [
        f"set {n}.{k}" for n in (1, 2) for k in (1, 2, 3)
    ]
    # Only the first record was tried while locked: nothing was written past it.
    assert fake.tries[:4] == ["start 1"] * 4
    # The start made the session's id; every later record of it was given that id.
    assert [sid for _, sid in fake.written] == [None] + [101] * 5 + [None] + [102] * 5
    reports = w.take()
    assert [type(r) for r in reports] == [HeldUp] + [Written] * 12 + [CaughtUp]
    written = [r for r in reports if isinstance(r, Written)]
    assert [r.record for r in written] == records
    assert [r.session_id for r in written] == [101] * 6 + [102] * 6
    caught_up = reports[-1]
    assert isinstance(caught_up, CaughtUp) and caught_up.late == 12
    assert w.woken.is_set()
    assert w.writer.close(1.0) == []
    assert fake.closed, "the thread closes its connection"


def test_a_refused_start_loses_that_session_only() -> None:
    fake = FakeJournal()
    w = Writer(fake)
    first = session_records(1)
    first[0] = record(1, RecordKind.START, "start 1", refuse=True)
    for r in first + session_records(2):
        w.writer.put(r)
    assert w.writer.flush(WAIT_MS / 1000)
    assert fake.tries[0] == "start 1" and "set 1.1" not in fake.tries, "nothing to attach to"
    assert fake.written[0][0] == "start 2"
    reports = w.take()
    given_up = [r for r in reports if isinstance(r, GivenUp)]
    assert len(given_up) == 1 and given_up[0].record is first[0]
    assert given_up[0].reason == "the disk is full"
    assert len([r for r in reports if isinstance(r, Written)]) == 6
    w.writer.close(1.0)


def test_close_waits_a_bounded_time_and_returns_what_is_left_in_order() -> None:
    fake = FakeJournal(locked_tries=10**9)  # locked for good
    w = Writer(fake)
    records = session_records(1)
    for r in records:
        w.writer.put(r)
    t0 = time.monotonic()
    lost = w.writer.close(0.3)
    assert time.monotonic() - t0 < 0.3 + BUSY_TIMEOUT_S + 1.0
    assert lost == records
    assert fake.written == [] and fake.closed
    with pytest.raises(RuntimeError):
        w.writer.put(records[0])


# -- the recorder against a journal another connection has locked ---------------------------------


class Locker:
    """Another connection holding the journal's write lock until released."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("BEGIN IMMEDIATE")
        self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self.db.execute("COMMIT")
            self.db.close()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite3"


@pytest.fixture
def lockers() -> Iterator[list[Locker]]:
    held: list[Locker] = []
    yield held
    for locker in held:
        locker.release()


class Clock:
    """The journal's clock: moved by the test, so when a record says it happened is checked."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_locked_journal_holds_the_session_back_and_writes_it_in_order_when_free(
    qtbot: QtBot, journal_path: Path, lockers: list[Locker]
) -> None:
    clock = Clock()
    recorder = JournalRecorder(Journal.open(journal_path, clock=clock))
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    caught_up: list[str] = []
    recorder.caught_up.connect(caught_up.append)
    recorded: list[int] = []
    recorder.set_recorded.connect(recorded.append)
    threads: set[threading.Thread] = set()
    recorder.set_recorded.connect(lambda _id: threads.add(threading.current_thread()))
    ended: list[int] = []
    recorder.session_ended.connect(ended.append)
    timeline = builtin_timeline(BUILTIN)
    driver, fake_clock = fake_driver(timeline)
    recorder.attach(driver)
    lockers.append(locker := Locker(journal_path))

    started = recorder.begin(timeline, pain=PainAnswer(5, PainLocation.UPPER_BACK))
    assert started is not None

    def one_minute_a_set(event: object) -> None:
        clock.now += timedelta(minutes=1)

    driver.event_emitted.connect(one_minute_a_set)
    play_driver(driver, fake_clock)
    assert driver.session.state is State.FINISHED
    recorder.record_pain_after(PainAnswer(2, note="looser"))
    # Start, pain before, the sets, the end and the pain after: all waiting, none lost.
    assert recorder.pending == 1 + 1 + SETS + 1 + 1
    with qtbot.waitSignal(recorder.problem, timeout=WAIT_MS):
        pass
    assert problems == [HELD_UP]
    assert started.journal_id is None and recorded == []
    played_until = clock.now

    clock.now += timedelta(hours=1)  # the lock goes long after the session ended
    with qtbot.waitSignal(recorder.caught_up, timeout=WAIT_MS):
        locker.release()
    assert problems == [HELD_UP], "one message while held up, never one per set"
    assert caught_up == [CAUGHT_UP]
    assert recorder.pending == 0
    assert threads == {threading.main_thread()}, "signals come on the recorder's thread"

    journal = recorder.journal
    assert journal is not None and started.journal_id is not None
    session = journal.session(started.journal_id)
    assert ended == [session.id]
    assert (session.pain_before, session.pain_before_location) == (5, PainLocation.UPPER_BACK)
    assert (session.pain_after, session.pain_after_note) == (2, "looser")
    assert session.outcome is Outcome.FINISHED
    sets = journal.sets(session.id)
    assert [s.id for s in sets] == recorded
    assert [(s.step_index, s.set_number) for s in sets] == [(0, 1), (0, 2), (1, 1), (1, 2)]
    # Times are when it happened, not when the lock let it be written.
    assert session.ended_at is not None and session.ended_at <= played_until
    times = [session.started_at, *(s.completed_at for s in sets), session.ended_at]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert recorder.close() is None


def test_closing_while_locked_waits_briefly_then_says_what_was_lost(
    qtbot: QtBot, journal_path: Path, lockers: list[Locker]
) -> None:
    recorder = JournalRecorder.open(journal_path)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    timeline = builtin_timeline(BUILTIN)
    driver, fake_clock = fake_driver(timeline)
    recorder.attach(driver)
    started = recorder.begin(timeline, builtin=BUILTIN)
    assert started is not None and recorder.flush()
    lockers.append(Locker(journal_path))  # held until after the recorder has closed
    play_driver(driver, fake_clock)
    assert recorder.pending == SETS + 1

    t0 = time.monotonic()
    lost = recorder.close(wait=0.5)
    assert time.monotonic() - t0 < 0.5 + BUSY_TIMEOUT_S + 1.5, "closing waits a bounded time"
    assert lost is not None
    assert f"{SETS} sets and the end of the session" in lost
    assert "locked" in lost
    assert problems[-1] == lost, "told as the recorder closes"
    assert recorder.journal is None

    lockers[0].release()
    with Journal.open(journal_path) as journal:
        (session,) = journal.sessions()
        assert journal.sets(session.id) == []
    assert session.id == started.journal_id and session.ended_at is None


def test_closing_writes_what_a_lock_held_back_once_it_goes(
    qtbot: QtBot, journal_path: Path, lockers: list[Locker]
) -> None:
    recorder = JournalRecorder.open(journal_path)
    timeline = builtin_timeline(BUILTIN)
    driver, fake_clock = fake_driver(timeline)
    recorder.attach(driver)
    lockers.append(locker := Locker(journal_path))
    recorder.begin(timeline, builtin=BUILTIN)
    play_driver(driver, fake_clock)
    release = threading.Timer(0.5, locker.release)
    release.start()
    try:
        assert recorder.close(wait=5.0) is None, "everything was written in time"
    finally:
        release.join()
    with Journal.open(journal_path) as journal:
        (session,) = journal.sessions()
        assert len(journal.sets(session.id)) == SETS
    assert session.outcome is Outcome.FINISHED
