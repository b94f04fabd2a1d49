"""Reminders in the window: the in-app bar and its three answers, the assessment's rehab
routine reminded 3 times a day, and the Reminders dialog (add, change, off, remove)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from routineplayer.core.assessment import MOVEMENTS
from routineplayer.core.reminder_store import Reminders, load_reminders
from routineplayer.core.reminders import (
    REHAB_TIMES,
    Interval,
    TimesOfDay,
    movement_break_schedule,
    rehab_schedule,
)
from routineplayer.gui.dialogs import PrestartDialog
from routineplayer.gui.main_window import MainWindow
from routineplayer.gui.reminders_dialog import RemindersDialog, ScheduleDialog
from routineplayer.gui.reminding import Reminding
from routineplayer.runtime.reminder_service import ReminderService

ZONE = ZoneInfo("Europe/Paris")
KEY_FOR = {n: getattr(Qt.Key, f"Key_{n}") for n in range(10)}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 10, 7, 0, tzinfo=ZONE).astimezone(UTC)

    def local(self, hour: int, minute: int = 0) -> None:
        self.now = datetime(2026, 6, 10, hour, minute, tzinfo=ZONE).astimezone(UTC)


def reminding_at(window: MainWindow, clock: Clock, reminders: Reminders) -> Reminding:
    """The window's reminders on a fake clock (what start_up builds, with the real clock)."""
    service = ReminderService(
        window, now=lambda: clock.now, zone=lambda: ZONE, load=lambda: reminders
    )
    window._reminding = Reminding(
        window, window.reminder_bar, service, zone=lambda: ZONE, make_notices=None
    )
    service.start()
    return window._reminding


def test_a_due_reminder_shows_in_the_window_and_start_now_opens_its_prestart(
    qtbot: QtBot, window: MainWindow, asker
) -> None:
    clock = Clock()
    reminding = reminding_at(window, clock, Reminders((rehab_schedule("warm-up"),)))
    bar = window.reminder_bar
    assert not bar.isVisible()
    clock.local(8, 2)
    reminding.service.check()
    assert bar.isVisible()
    assert bar.label.text() == "Time for Warm-up (08:00)."
    asker.answer = lambda dialog: False  # look at the pre-start screen, do not start
    qtbot.mouseClick(bar.start, Qt.MouseButton.LeftButton)
    prestart = asker.last(PrestartDialog)
    assert prestart.windowTitle() == "Before you start: Warm-up"
    assert not bar.isVisible(), "answered: gone"


def test_snooze_and_skip_from_the_bar_are_kept(qtbot: QtBot, window: MainWindow, asker) -> None:
    clock = Clock()
    reminding = reminding_at(window, clock, Reminders((rehab_schedule("warm-up"),)))
    clock.local(8, 0)
    reminding.service.check()
    qtbot.mouseClick(window.reminder_bar.snooze, Qt.MouseButton.LeftButton)
    state = load_reminders().state
    assert state.snoozed_until["rehab"] == clock.now.replace(minute=15)
    clock.local(8, 15)
    reminding.service.check()
    qtbot.mouseClick(window.reminder_bar.skip, Qt.MouseButton.LeftButton)
    assert load_reminders().state.skipped_on["rehab"] == clock.now.astimezone(ZONE).date()
    assert len(reminding.shown) == 2
    assert asker.dialogs == []


def test_a_reminder_for_a_deleted_routine_is_not_shown(qtbot: QtBot, window: MainWindow) -> None:
    clock = Clock()
    reminding = reminding_at(window, clock, Reminders((rehab_schedule("gone-routine"),)))
    clock.local(8, 0)
    reminding.service.check()
    assert not window.reminder_bar.isVisible()


def test_the_assessments_rehab_routine_is_reminded_three_times_a_day(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = window.show_assessment()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    for rating in [0, 3, 4, 2, 9, 1, 8, 7, 5, 6][: len(MOVEMENTS)]:
        qtbot.keyClick(view, KEY_FOR[rating])
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.saved_path is not None
    schedules = load_reminders().schedules
    assert schedules == (TimesOfDay("rehab", view.saved_path.stem, REHAB_TIMES),)
    assert "08:00, 13:00 and 19:00, every day" in view.outcome.text()


def test_the_reminders_dialog_adds_changes_turns_off_and_removes(
    qtbot: QtBot, window: MainWindow, asker
) -> None:
    window.show_reminders()
    dialog = asker.last(RemindersDialog)
    assert dialog.list.count() == 0 and not dialog.empty.isHidden()

    def fill(schedule_dialog: QDialog) -> bool:
        assert isinstance(schedule_dialog, ScheduleDialog)
        schedule_dialog.every.setValue(30)
        schedule_dialog.accept()
        return schedule_dialog.result() == QDialog.DialogCode.Accepted

    asker.answer = fill
    qtbot.mouseClick(dialog.add_breaks, Qt.MouseButton.LeftButton)
    (breaks,) = load_reminders().schedules
    assert isinstance(breaks, Interval) and breaks.every_minutes == 30
    assert (
        "a movement break every 30 min, 09:00–17:00, Monday to Friday" in dialog.list.item(0).text()
    )

    def times(schedule_dialog: QDialog) -> bool:
        assert isinstance(schedule_dialog, ScheduleDialog)
        schedule_dialog.times.setText("7:30, 25:00")
        schedule_dialog.accept()
        assert "not a time of day" in schedule_dialog.problem.text()
        schedule_dialog.times.setText("7:30 12:00")
        schedule_dialog.accept()
        return schedule_dialog.result() == QDialog.DialogCode.Accepted

    asker.answer = times
    qtbot.mouseClick(dialog.add_times, Qt.MouseButton.LeftButton)
    assert [s.id for s in load_reminders().schedules] == ["breaks", "times"]
    assert dialog.list.currentItem().text().endswith("07:30 and 12:00, every day")

    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Space)
    assert not load_reminders().schedules[1].enabled
    assert dialog.list.currentItem().text().endswith("(off)")
    qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)
    assert [s.id for s in load_reminders().schedules] == ["breaks"]


def test_the_week_in_the_history_counts_the_sessions_reminders_plan(
    qtbot: QtBot, window: MainWindow
) -> None:
    service = window.reminding.service
    service.put(rehab_schedule("warm-up"))
    service.put(movement_break_schedule("upper-back-slides"))  # breaks are not sessions
    view = window.show_history()
    counts = [label.text().splitlines()[-1] for label in view.week_days]
    assert counts == ["0 / 3"] * 7
    assert view.week_days[-1].accessibleName().endswith(": 0 done of 3 planned")
    service.put(replace(service.schedules[0], enabled=False))
    window.show_library()
    view = window.show_history()  # shown again: read again
    assert [label.text().splitlines()[-1] for label in view.week_days] == ["0"] * 7
