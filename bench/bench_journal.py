"""Journal store: the cost of recording a set, and of reading history, for 1,000 sessions.

A journal of 1,000 sessions of 20 sets each (years of daily use) is filled in bulk, then
timed through the Journal API: one set written (it commits and fsyncs, on the recorder's
writer thread, at the end of a set), opening the file, the session list, the two chart
series and the CSV export. Baselines in the same run, interleaved with our writes: a bare
sqlite3 INSERT with the same settings (our overhead), and with synchronous=NORMAL (what
surviving power loss costs). The files live in a temporary folder beside the real journal,
on the same file system.

journal_locked_stall_ms_max: the same journal held by another process with BEGIN IMMEDIATE
for LOCK_S while the JournalRecorder records a session (its start under the lock, a set every
SET_EVERY_S, then the end) on a running Qt event loop; a 1 ms PreciseTimer watchdog notes
the longest gap between its ticks, from the start until every record has been written after
the lock went. Before the writer thread this was SQLite's 5 s busy wait, once per set. The
same watchdog on an idle loop just before (stderr) shows what the machine alone costs.

Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): the same journal, fewer
writes and reads, and a shorter lock.
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "gui"))
from journal_support import LOCKER

FIGURES = (
    "journal_size",
    "journal_open_ms",
    "journal_set_write_ms",
    "journal_set_write_p95_ms",
    "journal_write_vs_bare_sqlite",
    "journal_full_sync_vs_normal",
    "journal_history_list_ms",
    "journal_session_sets_ms",
    "journal_charts_ms",
    "journal_csv_export_ms",
    "journal_locked_stall_ms_max",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
SESSIONS = 1_000
SETS_PER_SESSION = 20
WRITES = 20 if SHORT else 300
READS = 2 if SHORT else 10
EXPORTS = 1 if SHORT else 3
LOCK_S = 1.0 if SHORT else 5.0  # how long another process holds the journal locked
SET_EVERY_S = 0.05 if SHORT else 0.1
LOCKED_SETS = round(1.5 * LOCK_S / SET_EVERY_S)  # sets recorded during the lock, and after it
CATCH_UP_TIMEOUT_S = 30.0
EXERCISES = ("Cat-Camel", "Hip Bridges", "Bird Dog", "Side Plank Clam Shells", "Kettlebell Walk")
START = datetime(2023, 1, 1, 18, 0, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def fill(path: Path) -> None:
    """1,000 sessions, each with pain ratings and 20 sets, in one transaction."""
    Journal.open(path).close()  # the schema, through the real migrations
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN")
    for n in range(SESSIONS):
        started = START + timedelta(days=n // 2, hours=12 * (n % 2))
        sid = db.execute(
            "INSERT INTO session (routine_title, routine_kind, routine_source, started_at, "
            "ended_at, outcome, pain_before, pain_before_location, pain_after) "
            "VALUES ('My rehab routine', 'file', '/home/me/rehab.yaml', ?, ?, 'finished', ?, "
            "'lower back', ?)",
            (stamp(started), stamp(started + timedelta(minutes=25)), n % 9, max(0, n % 9 - 2)),
        ).lastrowid
        db.executemany(
            "INSERT INTO set_record (session_id, step_index, step_title, set_number, side, "
            "check_answer, resets_taken, skipped, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
            [
                (
                    sid,
                    k // 4,
                    EXERCISES[k // 4],
                    k % 2 + 1,
                    "left" if k % 4 < 2 else "right",
                    int((n + k) % 7 == 0),
                    int((n + k) % 11 == 0),
                    stamp(started + timedelta(minutes=k)),
                )
                for k in range(SETS_PER_SESSION)
            ],
        )
    db.execute("COMMIT")
    db.close()


def times_ms(action: Callable[[], object], repeat: int) -> list[float]:
    result = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        result.append((time.perf_counter() - t0) * 1000)
    return result


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def bare_connection(path: Path, synchronous: str) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(f"PRAGMA synchronous = {synchronous}")
    return db


BARE_INSERT = (
    "INSERT INTO set_record (session_id, step_index, step_title, set_number, side, "
    "check_answer, resets_taken, skipped, completed_at) VALUES (1, 0, 'Bird Dog', 1, NULL, "
    "0, 0, 0, '2025-01-01T00:00:00.000+00:00')"
)


def write_times(path: Path, journal: Journal, sid: int) -> dict[str, list[float]]:
    """Journal writes and bare INSERTs, interleaved so all see the same disk weather."""
    full, normal = bare_connection(path, "FULL"), bare_connection(path, "NORMAL")
    actions: dict[str, Callable[[], object]] = {
        "journal": lambda: journal.record_set(
            sid, step_index=0, step_title="Bird Dog", set_number=1, check_answer=False
        ),
        "full": lambda: full.execute(BARE_INSERT),
        "normal": lambda: normal.execute(BARE_INSERT),
    }
    samples: dict[str, list[float]] = {name: [] for name in actions}
    try:
        for _ in range(WRITES):
            for name, action in actions.items():
                samples[name] += times_ms(action, 1)
    finally:
        full.close()
        normal.close()
    return samples


class Watchdog:
    """A 1 ms PreciseTimer noting the longest gap between its ticks: the longest the event
    loop could not respond (as bench_startup.py's)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start(1)

    def stop(self) -> float:
        """The worst gap so far, in ms."""
        self._timer.stop()
        return self.worst * 1000

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now


def run_loop(seconds: float, until: Callable[[Callable[[int], None]], None] | None = None) -> None:
    """Run the Qt event loop until ``until``'s callback is called with 0 (or, with none,
    for ``seconds``); a slot that raises, or ``seconds`` running out first, fails the bench."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()

    def failed(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        sys.__excepthook__(kind, exc, tb)
        loop.exit(1)  # the figure would mean nothing

    QTimer.singleShot(round(seconds * 1000), lambda: loop.exit(0 if until is None else 2))
    if until is not None:
        until(loop.exit)
    sys.excepthook = failed
    try:
        code = loop.exec()
    finally:
        sys.excepthook = sys.__excepthook__
    if code == 2:
        raise SystemExit(f"bench_journal: the locked journal was not caught up in {seconds} s")
    if code != 0:
        raise SystemExit("bench_journal: the locked-journal run failed")


def locked_stall_ms(path: Path) -> float:
    """The longest the Qt event loop stalls while a session is recorded into ``path``, held
    locked by another process for LOCK_S (see the module's docstring)."""
    from PySide6.QtCore import QCoreApplication, Qt, QTimer

    from routineplayer.core.library import Library
    from routineplayer.core.session import Event, EventKind
    from routineplayer.core.summary import SetOutcome, SetResult
    from routineplayer.core.timeline import expand
    from routineplayer.runtime.journal_recorder import JournalRecorder

    _app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    library = Library()
    timeline = expand(library.resolve("upper-back-slides"), library.resolve)

    # The machine's own noise in this run: the same watchdog on an idle loop, as long.
    bare = Watchdog()
    bare.start()
    run_loop(LOCKED_SETS * SET_EVERY_S)
    print(f"journal_locked_stall: idle loop, worst gap {bare.stop():.3g} ms", file=sys.stderr)

    recorder = JournalRecorder.open(path)
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(path), str(LOCK_S)], stdout=subprocess.PIPE, text=True
    )
    assert locker.stdout is not None
    if locker.stdout.readline() != "locked\n":
        raise SystemExit("bench_journal: the locking process did not lock the journal")
    sets = 0

    def record_set() -> None:
        nonlocal sets
        if sets == LOCKED_SETS:
            return
        sets += 1
        result = SetResult(0, "Bench", sets, SetOutcome.COMPLETED, 0, False)
        recorder.on_event(Event(EventKind.SET_ENDED, 0.0, 0, None, result=result))
        if sets == LOCKED_SETS:
            setter.stop()
            recorder.on_event(Event(EventKind.FINISHED, 0.0, 0, None))

    def until_written(done: Callable[[int], None]) -> None:
        def check(*_args: object) -> None:
            if sets == LOCKED_SETS and recorder.pending == 0:
                done(0)

        recorder.caught_up.connect(check)
        recorder.session_ended.connect(check)

    setter = QTimer()
    setter.setTimerType(Qt.TimerType.PreciseTimer)
    setter.timeout.connect(record_set)
    watchdog = Watchdog()
    watchdog.start()
    recorder.begin(timeline, builtin="bench")  # under the lock, as every set after it
    setter.start(round(SET_EVERY_S * 1000))
    run_loop(CATCH_UP_TIMEOUT_S, until_written)
    worst_ms = watchdog.stop()
    locker.wait()
    locker.communicate()
    session = recorder.session_id
    recorder.close()
    with Journal.open(path) as journal:
        recorded = len(journal.sets(session)) if session is not None else 0
    if recorded != LOCKED_SETS:
        raise SystemExit(f"bench_journal: {recorded} of {LOCKED_SETS} sets were recorded")
    return worst_ms


def figure(name: str, value: float, unit: str, target: str) -> None:
    print(f"{name} {value:.3g} {unit} (target {target})")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-journal-", dir=paths.user_data_dir()) as tmp:
        path = Path(tmp) / "journal.sqlite3"
        fill(path)
        size_mb = path.stat().st_size / 1e6

        open_ms = times_ms(lambda: Journal.open(path).close(), READS)
        with Journal.open(path) as journal:
            sid = journal.start_session("Bench", builtin="bench")
            writes = write_times(path, journal, sid)
            journal.finish_session(sid, Outcome.FINISHED)
            history_ms = times_ms(journal.sessions, READS)
            sets_ms = times_ms(lambda: journal.sets(SESSIONS // 2), READS)
            charts_ms = times_ms(
                lambda: (journal.pain_series(), journal.disconnect_rate_by_exercise()), READS
            )
            export = Path(tmp) / "export.csv"
            export_ms = times_ms(lambda: journal.export_csv(export), EXPORTS)
        stall_ms = locked_stall_ms(path)

    write_ms, full_ms, normal_ms = writes["journal"], writes["full"], writes["normal"]
    write = statistics.median(write_ms)
    figure("journal_size", size_mb, "MB", f"info: {SESSIONS} sessions x {SETS_PER_SESSION} sets")
    figure("journal_open_ms", statistics.median(open_ms), "ms", "<= 200, with quick_check")
    figure("journal_set_write_ms", write, "ms", "<= 20, committed and fsynced")
    figure("journal_set_write_p95_ms", p95(write_ms), "ms", "<= 50")
    figure(
        "journal_write_vs_bare_sqlite",
        write / statistics.median(full_ms),
        "x",
        "<= 1.5, bare INSERT with the same settings",
    )
    figure(
        "journal_full_sync_vs_normal",
        statistics.median(full_ms) / statistics.median(normal_ms),
        "x",
        "info: the price of synchronous=FULL",
    )
    figure("journal_history_list_ms", statistics.median(history_ms), "ms", "<= 100")
    figure("journal_session_sets_ms", statistics.median(sets_ms), "ms", "<= 10")
    figure("journal_charts_ms", statistics.median(charts_ms), "ms", "<= 300")
    figure("journal_csv_export_ms", statistics.median(export_ms), "ms", "<= 3000, 20,000 rows")
    figure(
        "journal_locked_stall_ms_max",
        stall_ms,
        "ms",
        f"<= 16, a 1 ms watchdog while {LOCKED_SETS} sets are recorded, locked {LOCK_S:g} s",
    )


if __name__ == "__main__":
    main()
