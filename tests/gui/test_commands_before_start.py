"""Keys pressed while the voice is still being prepared must not start the routine early."""

from __future__ import annotations

from pathlib import Path

from journal_support import builtin_timeline, fake_driver, play_driver
from pytestqt.qtbot import QtBot

from routineplayer.core.journal import Journal
from routineplayer.core.session import State
from routineplayer.runtime.commands import dispatch
from routineplayer.runtime.journal_recorder import JournalRecorder
from routineplayer.runtime.keymap import Command


def test_session_keys_before_start_do_nothing_and_others_pass_through(qtbot: QtBot) -> None:
    driver, _clock = fake_driver(builtin_timeline())
    for command in (Command.PRIMARY, Command.PAUSE_OR_DONE, Command.SKIP, Command.YES):
        assert dispatch(driver, command), command  # handled: swallowed, not passed on
        assert driver.session.state is State.IDLE
    assert not dispatch(driver, Command.STOP)  # the window still hears Esc, F1, A ...
    assert not dispatch(driver, Command.HELP)
    driver.start()
    dispatch(driver, Command.PAUSE_OR_DONE)
    assert driver.session.state is State.PAUSED


def test_a_new_routine_writes_nothing_into_the_last_session(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    recorder = JournalRecorder.open(path)
    first, clock = fake_driver(builtin_timeline())
    recorder.attach(first)
    recorder.begin(builtin_timeline())
    play_driver(first, clock)
    assert recorder.flush()  # written by the recorder's writer thread
    first_id = recorder.session_id
    sets_of_first = len(recorder.journal.sets(first_id))

    second, clock2 = fake_driver(builtin_timeline())
    recorder.attach(second)  # attached, but begin() not called yet (voice still preparing)
    play_driver(second, clock2)  # anything it says must not land in the first session
    recorder.close()
    with Journal.open(path) as journal:
        assert len(journal.sets(first_id)) == sets_of_first
        assert len(journal.sessions()) == 1
