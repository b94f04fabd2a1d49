"""The recorder: a real session on a fake clock, written set by set into a real journal.

Records are written by the recorder's writer thread; ``flush()`` waits for them (and sends
their signals) before a test reads the journal."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

from journal_support import builtin_timeline, fake_driver, play_driver
from pytestqt.qtbot import QtBot

from routineplayer.core.journal import Journal, Outcome
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine
from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import PainAnswer
from routineplayer.core.session import State
from routineplayer.core.timeline import expand
from routineplayer.runtime.commands import dispatch
from routineplayer.runtime.journal_recorder import JournalRecorder, routine_origin
from routineplayer.runtime.keymap import Command
from routineplayer.runtime.session_driver import SessionDriver

BUILTIN = "upper-back-slides"


def recorder_on(path: Path) -> JournalRecorder:
    recorder = JournalRecorder.open(path)
    assert recorder.journal is not None and recorder.message is None
    return recorder


def test_a_finished_session_is_recorded_set_by_set(qtbot: QtBot, tmp_path: Path) -> None:
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(tmp_path / "journal.sqlite3")
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    started = recorder.begin(timeline, builtin=BUILTIN, pain=PainAnswer(5, PainLocation.UPPER_BACK))
    assert started is not None
    recorded: list[int] = []
    recorder.set_recorded.connect(recorded.append)
    ended: list[int] = []
    recorder.session_ended.connect(ended.append)

    # "Yes" to the first check: a rest-and-reset, the set again, then "no".
    play_driver(driver, clock, answer=lambda n: n == 0)
    recorder.record_pain_after(PainAnswer(3, note="easier"))
    assert recorder.flush()

    journal = recorder.journal
    session_id = started.journal_id
    assert journal is not None and session_id is not None
    assert recorder.session_id == session_id
    session = journal.session(session_id)
    assert session.outcome is Outcome.FINISHED and session.ended_at is not None
    assert session.routine_title == timeline.routine.title
    assert session.routine_source == BUILTIN
    assert (session.pain_before, session.pain_before_location) == (5, PainLocation.UPPER_BACK)
    assert (session.pain_after, session.pain_after_note) == (3, "easier")
    sets = journal.sets(session_id)
    assert [s.id for s in sets] == recorded
    assert ended == [session_id]
    assert [(s.step_title, s.set_number) for s in sets] == [
        ("Forward reach slides", 1),
        ("Forward reach slides", 2),
        ("One-arm sweep slides", 1),
        ("One-arm sweep slides", 2),
    ]
    assert [s.resets_taken for s in sets] == [1, 0, 0, 0]
    assert all(s.check_answer is False and not s.skipped for s in sets)
    summary = driver.session.summary()
    assert [(r.step_index, r.set_number, r.resets) for r in summary.sets] == [
        (s.step_index, s.set_number, s.resets_taken) for s in sets
    ]


def test_a_skipped_set_is_recorded_without_a_check(qtbot: QtBot, tmp_path: Path) -> None:
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(tmp_path / "journal.sqlite3")
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    started = recorder.begin(timeline, builtin=BUILTIN)
    assert started is not None
    play_driver(driver, clock, until=lambda d: d.session.state is State.WORKING)
    # → twice, as a person skipping ahead does: the second once answered the check "no".
    dispatch(driver, Command.SKIP)
    dispatch(driver, Command.SKIP)
    driver.stop()

    assert recorder.flush() and recorder.journal is not None and started.journal_id is not None
    sets = recorder.journal.sets(started.journal_id)
    assert [(s.set_number, s.skipped, s.check_answer) for s in sets] == [
        (1, True, None),
        (2, True, None),  # stopped while under way
    ]
    assert driver.session.summary().checks == ()


def test_a_stopped_session_records_where_and_the_set_cut_short(
    qtbot: QtBot, tmp_path: Path
) -> None:
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(tmp_path / "journal.sqlite3")
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    started = recorder.begin(timeline, builtin=BUILTIN)
    assert started is not None

    def second_step_working(d: SessionDriver) -> bool:
        seg = d.session.segment
        return d.session.state is State.WORKING and seg is not None and seg.step_index == 1

    play_driver(driver, clock, until=second_step_working)
    driver.stop()

    assert recorder.flush()
    session_id = started.journal_id
    assert recorder.journal is not None and session_id is not None
    session = recorder.journal.session(session_id)
    assert session.outcome is Outcome.STOPPED
    assert (session.stopped_at_step, session.stopped_at_title) == (1, "One-arm sweep slides")
    assert session.pain_before is None, "no rating given: none recorded"
    sets = recorder.journal.sets(session_id)
    assert [(s.step_index, s.set_number, s.skipped) for s in sets] == [
        (0, 1, False),
        (0, 2, False),
        (1, 1, True),  # under way when stopped: not done
    ]


def test_set_recorded_is_sent_once_the_set_is_committed(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(path)
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    recorder.begin(timeline, builtin=BUILTIN)
    seen_by_another_reader: list[int] = []

    def read_elsewhere(set_id: int) -> None:
        with sqlite3.connect(path) as other:
            rows = other.execute("SELECT id FROM set_record WHERE id = ?", (set_id,)).fetchall()
        other.close()
        seen_by_another_reader.extend(row[0] for row in rows)

    recorder.set_recorded.connect(read_elsewhere)
    play_driver(driver, clock)
    assert recorder.flush()
    assert len(seen_by_another_reader) == 4


def test_a_read_only_journal_never_stops_play(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    recorder = JournalRecorder.open(path)
    assert recorder.message is not None and "newer version" in recorder.message
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    timeline = builtin_timeline(BUILTIN)
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    assert recorder.begin(timeline, builtin=BUILTIN, pain=PainAnswer(4)) is None
    play_driver(driver, clock)
    assert driver.session.state is State.FINISHED
    assert len(problems) == 1, "told once, not once per set"
    assert "newer version" in problems[0]
    recorder.close()


def test_a_journal_failing_mid_session_is_reported_once_and_play_goes_on(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "journal.sqlite3"
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(path)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    started = recorder.begin(timeline, builtin=BUILTIN)
    assert started is not None and recorder.flush()
    # From now on the journal refuses every set, as a real SQLite error would.
    with sqlite3.connect(path) as other:
        other.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON set_record BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    other.close()

    with qtbot.captureExceptions() as exceptions:
        play_driver(driver, clock)
        assert recorder.flush()
    assert not exceptions
    assert driver.session.state is State.FINISHED
    assert len(problems) == 1, "told once, not once per set"
    assert "not being recorded" in problems[0] and "carries on" in problems[0]
    assert recorder.journal is not None and started.journal_id is not None
    assert recorder.journal.sets(started.journal_id) == []
    session = recorder.journal.session(started.journal_id)
    assert session.outcome is Outcome.FINISHED, "what could be written still was"
    assert recorder.close() is None, "nothing was left waiting"


def test_a_journal_that_cannot_open_records_nothing_and_says_why(
    qtbot: QtBot, tmp_path: Path
) -> None:
    blocked = tmp_path / "journal.sqlite3"
    blocked.mkdir()  # a folder where the file should be
    recorder = JournalRecorder.open(blocked)
    assert recorder.journal is None
    assert recorder.message is not None and "could not be opened" in recorder.message
    # What is wrong and what to do, in words: the folder is named, SQLite's words are not.
    assert f"{blocked} could not be opened: it is a folder, not a file" in recorder.message
    assert "sessions are not recorded" in recorder.message
    timeline = builtin_timeline(BUILTIN)
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    assert recorder.begin(timeline, builtin=BUILTIN) is None
    play_driver(driver, clock)
    assert driver.session.state is State.FINISHED
    assert len(problems) == 1 and "could not be opened" in problems[0]


def test_a_users_routine_file_is_recorded_by_path(qtbot: QtBot, tmp_path: Path) -> None:
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(tmp_path / "journal.sqlite3")
    routine_file = tmp_path / "mine.yaml"
    started = recorder.begin(timeline, file=routine_file)
    assert started is not None and recorder.flush()
    assert recorder.journal is not None and started.journal_id is not None
    assert recorder.journal.session(started.journal_id).routine_source == str(routine_file)


def test_the_last_place_of_pain_presets_the_next_prompt(qtbot: QtBot, tmp_path: Path) -> None:
    timeline = builtin_timeline(BUILTIN)
    recorder = recorder_on(tmp_path / "journal.sqlite3")
    assert recorder.last_location() is None
    recorder.begin(timeline, builtin=BUILTIN, pain=PainAnswer(4, PainLocation.BUTTOCK_LEG))
    recorder.begin(timeline, builtin=BUILTIN, pain=PainAnswer(0))  # no pain: no place
    recorder.begin(timeline, builtin=BUILTIN)
    assert recorder.last_location() is PainLocation.BUTTOCK_LEG  # known before it is written
    recorder.close()
    assert JournalRecorder.open(tmp_path / "journal.sqlite3").last_location() is (
        PainLocation.BUTTOCK_LEG
    ), "and read from the journal next time"


def test_where_the_routine_came_from_is_found_from_its_file(qtbot: QtBot, tmp_path: Path) -> None:
    recorder = recorder_on(tmp_path / "journal.sqlite3")
    builtin = builtin_timeline(BUILTIN)
    assert routine_origin(builtin.routine) == (BUILTIN, None)
    user_file = tmp_path / "mine.yaml"
    builtin_file = Library().path_of(BUILTIN)
    assert builtin_file is not None
    shutil.copy(builtin_file, user_file)
    mine = load_routine(user_file)
    assert routine_origin(mine) == (None, user_file)
    in_memory = replace(mine, source="")
    assert routine_origin(in_memory) == (in_memory.title, None)

    first = recorder.begin(builtin)
    second = recorder.begin(expand(mine, Library().resolve))
    assert first is not None and second is not None and recorder.flush()
    assert recorder.journal is not None and first.journal_id and second.journal_id
    assert recorder.journal.session(first.journal_id).routine_source == BUILTIN
    assert recorder.journal.session(second.journal_id).routine_source == str(user_file)
