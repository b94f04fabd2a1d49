"""The journal across processes: a writer killed with SIGKILL, and reads while another writes."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from routineplayer.core.journal import Journal

# A player that records sets as fast as it can and reports each one after it is committed.
WRITER = r"""
import sys
from pathlib import Path
from routineplayer.core.journal import Journal

print("opening", flush=True)
journal = Journal.open(Path(sys.argv[1]))
session = journal.start_session("Kill test", builtin="kill-test")
print("session", session, flush=True)
n = 0
while True:
    n += 1
    set_id = journal.record_set(
        session, step_index=n % 5, step_title=f"Step {n % 5}", set_number=n,
        side="left" if n % 2 else None, check_answer=bool(n % 3), resets_taken=n % 2,
    )
    print("set", set_id, flush=True)
"""

KILLS = 30


@pytest.fixture
def start_writer() -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    """Starts writers; any still running when the test ends (say, it failed) is killed."""
    started: list[subprocess.Popen[str]] = []

    def start(path: Path) -> subprocess.Popen[str]:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(writer)
        return writer

    yield start
    for writer in started:
        if writer.returncode is None:
            writer.kill()
            writer.communicate()


def parse(lines: Iterable[str]) -> Iterator[tuple[str, int | None]]:
    """(kind, value) for each complete report; a line cut short by the kill is not one."""
    for line in lines:
        if line.endswith("\n"):
            kind, _, value = line.strip().partition(" ")
            yield kind, int(value) if value else None


def reports(writer: subprocess.Popen[str]) -> Iterator[tuple[str, int | None]]:
    assert writer.stdout is not None
    return parse(writer.stdout)


def kill(writer: subprocess.Popen[str]) -> list[int]:
    """SIGKILL the writer; the set ids it reported (all committed) that were still unread."""
    writer.send_signal(signal.SIGKILL)
    out, err = writer.communicate()
    assert writer.returncode == -signal.SIGKILL, f"the writer died on its own:\n{err}"
    return [v for k, v in parse(out.splitlines(keepends=True)) if k == "set" and v is not None]


def assert_intact(path: Path) -> None:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()


def stored_set_ids(path: Path) -> set[int]:
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT id FROM set_record")}
    finally:
        db.close()


@pytest.mark.slow
def test_a_writer_killed_at_random_moments_loses_no_committed_set(
    tmp_path: Path, start_writer: Callable[[Path], subprocess.Popen[str]]
) -> None:
    rng = random.Random(20250301)
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()  # kills during creation are tried on the fresh files below
    committed: set[int] = set()
    sessions_seen: set[int] = set()
    for kill_no in range(KILLS):
        if kill_no % 6 == 0:
            # Now and then, a fresh file killed while it is being created and migrated.
            fresh = tmp_path / f"fresh-{kill_no}.sqlite3"
            writer = start_writer(fresh)
            assert next(reports(writer))[0] == "opening"
            kill(writer)
            assert_intact(fresh)
            with Journal.open(fresh) as j:
                assert j.message is None, j.message
                j.start_session("After the kill", builtin="x")

        writer = start_writer(path)
        # Kill after this many reports: 1 is "opening", 2 "session", then one per set.
        lines_to_read = rng.randint(1, 62)
        for line_no, (kind, value) in enumerate(reports(writer), start=1):
            if kind == "set":
                assert value is not None
                committed.add(value)
            elif kind == "session":
                assert value is not None
                sessions_seen.add(value)
            if line_no == lines_to_read:
                break
        committed.update(kill(writer))

        assert_intact(path)
        missing = committed - stored_set_ids(path)
        assert not missing, f"kill {kill_no}: committed sets lost: {sorted(missing)}"
        with Journal.open(path) as j:
            assert j.message is None and not j.read_only, j.message

    with Journal.open(path) as j:
        sessions = j.sessions()
        assert sessions_seen <= {s.id for s in sessions}
        assert all(s.outcome is None and s.ended_at is None for s in sessions)
        assert sum(len(j.sets(s.id)) for s in sessions) >= len(committed)


def test_reads_while_another_process_writes(
    tmp_path: Path, start_writer: Callable[[Path], subprocess.Popen[str]]
) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()
    writer = start_writer(path)
    with Journal.open(path) as reader:
        session = None
        reported = 0
        for kind, value in reports(writer):
            if kind == "session":
                session = value
            elif kind == "set":
                assert session is not None
                reported += 1
                # Everything reported is committed, so a reader sees at least that much.
                assert len(reader.sets(session)) >= reported
                assert len(reader.sessions()) == 1
                if reported == 200:
                    break
    kill(writer)
    assert reported == 200
