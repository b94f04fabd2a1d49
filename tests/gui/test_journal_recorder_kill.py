"""SIGKILL during play loses at most the current set: a child plays real sessions on a fast
fake clock through the recorder, and is killed at random moments."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from routineplayer.core.journal import Journal

HERE = Path(__file__).resolve().parent
KILLS = 8

# Plays the built-in routine again and again. "ended" is printed when a set ends, BEFORE the
# recorder queues it (the slot is connected first); "set" after the write has committed.
# The writer thread writes each set as it comes; a real set lasts seconds, so before the next
# one the child waits (flush) until it is written, as the clock would have.
PLAYER = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from journal_support import builtin_timeline, fake_driver, play_driver
from routineplayer.core.session import EventKind
from routineplayer.runtime.journal_recorder import JournalRecorder

recorder = JournalRecorder.open(Path(sys.argv[1]))
recorder.problem.connect(lambda text: print("problem", text, flush=True))
recorder.set_recorded.connect(lambda set_id: print("set", set_id, flush=True))
timeline = builtin_timeline()
n = 0
while True:
    driver, clock = fake_driver(timeline)
    def ended(event):
        if event.kind is EventKind.SET_ENDED:
            print("ended", event.result.step_index, event.result.set_number, flush=True)
    driver.event_emitted.connect(ended)
    recorder.attach(driver)
    def written(event):
        if event.kind is EventKind.SET_ENDED:
            recorder.flush()
    driver.event_emitted.connect(written)
    recorder.begin(timeline, builtin="upper-back-slides")
    recorder.flush()
    print("session", recorder.session_id, flush=True)
    n += 1
    play_driver(driver, clock, answer=lambda k: (n + k) % 3 == 0)
"""


@pytest.fixture
def players() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for child in started:
        if child.returncode is None:
            child.kill()
            child.communicate()


def start(path: Path, started: list[subprocess.Popen[str]]) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", PLAYER, str(path), str(HERE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started.append(child)
    return child


def kill(child: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGKILL the child; what it wrote after what was read already, and its stderr.

    Read on through the same text streams: communicate() would read the pipes beneath them
    and lose the lines these streams had already buffered.
    """
    child.send_signal(signal.SIGKILL)
    assert child.stdout is not None and child.stderr is not None
    with child.stdout, child.stderr:
        rest, err = child.stdout.read(), child.stderr.read()
    child.wait()
    return rest, err


def complete_lines(text: str) -> list[list[str]]:
    """Each whole report as its words; a line cut short by the kill is not one."""
    return [line.split() for line in text.splitlines(keepends=True) if line.endswith("\n")]


@pytest.mark.slow
def test_a_player_killed_at_random_loses_at_most_the_current_set(
    tmp_path: Path, players: list[subprocess.Popen[str]]
) -> None:
    path = tmp_path / "journal.sqlite3"
    rng = random.Random(7)
    committed: set[int] = set()
    for _ in range(KILLS):
        child = start(path, players)
        assert child.stdout is not None
        wanted = rng.randint(1, 30)
        seen: list[list[str]] = []
        for line in child.stdout:  # read until enough sets were written, then kill at once
            seen.append(line.split())
            if sum(words[0] == "set" for words in seen) >= wanted:
                break
        rest, err = kill(child)
        assert child.returncode == -signal.SIGKILL, f"the player died on its own:\n{err}"
        reports = seen + complete_lines(rest)
        assert not [r for r in reports if r[0] == "problem"], reports

        played = sum(r[0] == "ended" for r in reports)
        reported = {int(r[1]) for r in reports if r[0] == "set"}
        with Journal.open(path) as journal:
            assert journal.message is None, "a killed writer never damages the journal"
            sessions = [int(r[1]) for r in reports if r[0] == "session"]
            in_journal = {s.id for sid in sessions for s in journal.sets(sid)}
            everything = {s.id for rec in journal.sessions() for s in journal.sets(rec.id)}
        assert reported <= in_journal, "every set reported as written is in the journal"
        assert committed <= everything, "earlier runs' sets are all still there"
        assert played - len(in_journal) in (0, 1), "at most the set being written is lost"
        committed |= everything
    assert len(committed) >= KILLS
