"""Done-when of issue 7: two sessions played with ratings show in the history with their
charts, and export a CSV a spreadsheet opens. Real prompts (answered by keys), real
sessions on a fake clock, the real recorder and the user's real SQLite journal file."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from journal_support import builtin_timeline, fake_driver, play_driver
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.journal import Journal
from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import PainAnswer, When
from routineplayer.core.session import State
from routineplayer.gui.journal.history_view import HistoryView
from routineplayer.gui.journal.pain_prompt import PainDialog
from routineplayer.runtime.journal_recorder import JournalRecorder

BUILTIN = "upper-back-slides"


def rate(qtbot: QtBot, when: When, *keys: Qt.Key, note: str = "") -> PainAnswer:
    dialog = PainDialog(when)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.accepted):
        for key in keys:
            qtbot.keyClick(dialog.prompt, key)
        if when is When.AFTER:
            qtbot.keyClicks(dialog.prompt.note, note)
            qtbot.keyClick(dialog.prompt.note, Qt.Key.Key_Return)
    return dialog.answer


def play_session(
    qtbot: QtBot, recorder: JournalRecorder, before: tuple[Qt.Key, ...], after: Qt.Key, note: str
) -> None:
    pain_before = rate(qtbot, When.BEFORE, *before)
    timeline = builtin_timeline(BUILTIN)
    driver, clock = fake_driver(timeline)
    recorder.attach(driver)
    recorder.begin(timeline, builtin=BUILTIN, pain=pain_before)
    play_driver(driver, clock, answer=lambda n: n == 1)  # one "yes": a rest-and-reset
    assert driver.session.state is State.FINISHED
    recorder.record_pain_after(rate(qtbot, When.AFTER, after, note=note))
    assert recorder.flush()  # written by the recorder's writer thread


def test_two_played_sessions_show_in_the_history_and_export(qtbot: QtBot, tmp_path: Path) -> None:
    # The user's journal file (under ROUTINEPLAYER_HOME), on a clock that puts the two
    # sessions on two days, so every chart line has two points.
    today = [datetime(2025, 3, 10, 8, 0, tzinfo=UTC)]
    recorder = JournalRecorder(Journal.open(paths.journal_path(), clock=lambda: today[0]))
    problems: list[str] = []
    recorder.problem.connect(problems.append)
    play_session(qtbot, recorder, (Qt.Key.Key_7, Qt.Key.Key_L), Qt.Key.Key_5, "tight")
    today[0] += timedelta(days=1)
    play_session(qtbot, recorder, (Qt.Key.Key_T, Qt.Key.Key_B), Qt.Key.Key_4, "better")
    assert problems == []

    target = tmp_path / "journal.csv"
    view = HistoryView(recorder.journal, choose_path=lambda *args: target)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert view.table.rowCount() == 2
    assert [view.table.item(r, 3).text() for r in range(2)] == [
        "10 (buttock/leg)",
        "7 (lower back)",
    ]
    assert [view.table.item(r, 2).text() for r in range(2)] == ["Finished", "Finished"]
    assert view.pain_series is not None
    before, after = view.pain_series
    assert [p.y() for p in before.points()] == [7, 10]
    assert [p.y() for p in after.points()] == [5, 4]
    assert sorted(view.rate_series) == ["Forward reach slides", "One-arm sweep slides"]
    assert [line.count() for line in view.rate_series.values()] == [2, 2]

    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 8, "one row per set: 4 sets in each session"
    by_session = {r["session_id"]: r for r in rows}
    assert [(r["pain_before"], r["pain_location"], r["pain_after"], r["pain_after_note"])
            for r in by_session.values()] == [
        ("7", PainLocation.LOWER_BACK.value, "5", "tight"),
        ("10", PainLocation.BUTTOCK_LEG.value, "4", "better"),
    ]  # fmt: skip
    assert sum(int(r["resets_taken"]) for r in rows) == 2
    recorder.close()
