"""Settings → Reminders: every schedule in a list, to add, change, turn off or remove; and
whether the app starts at login (runtime.autostart) so that reminders come all day.

A change is kept at once (runtime.reminder_service saves it): there is no Cancel that could
lose one. Everything works from the keyboard: the list has the focus, Enter edits, Delete
removes, Space turns a schedule on or off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import time

from PySide6.QtCore import QEvent, QObject, Qt, QTime
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core import reminders as rules
from routineplayer.core.reminder_words import DAY_NAMES, schedule_words
from routineplayer.core.reminders import Interval, Schedule, TimesOfDay
from routineplayer.gui.library_view import RoutineCard
from routineplayer.runtime.reminder_service import ReminderService

Ask = Callable[[QDialog], bool]


def parse_times(text: str) -> tuple[time, ...]:
    """ "8:00, 13:00 19:30" -> times; ValueError naming the first that is not HH:MM."""
    out: list[time] = []
    for part in text.replace(",", " ").split():
        hours, sep, minutes = part.partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
            raise ValueError(f"“{part}” is not a time like 08:00")
        if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
            raise ValueError(f"“{part}” is not a time of day")
        out.append(time(int(hours), int(minutes)))
    if not out:
        raise ValueError("give at least one time, like 08:00")
    return tuple(out)


class ScheduleDialog(QDialog):
    """One schedule: which routine, and when (times of day, or every N minutes)."""

    def __init__(
        self, schedule: Schedule, cards: Sequence[RoutineCard], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.original = schedule
        self.result_schedule: Schedule | None = None
        interval = isinstance(schedule, Interval)
        self.setWindowTitle("Movement breaks" if interval else "Reminder times")
        form = QFormLayout()
        self.routine = QComboBox()
        self.routine.setAccessibleName("Routine")
        for card in cards:
            if not card.problem:
                self.routine.addItem(card.title, card.key)
        index = self.routine.findData(schedule.routine)
        if index < 0 and schedule.routine:  # a routine no longer in the library: keep it
            self.routine.addItem(schedule.routine, schedule.routine)
            index = self.routine.count() - 1
        self.routine.setCurrentIndex(max(index, 0))
        form.addRow("&Routine:", self.routine)
        self.times = QLineEdit()
        self.every = QSpinBox()
        self.start = QTimeEdit()
        self.end = QTimeEdit()
        if isinstance(schedule, Interval):
            self.every.setRange(rules.MIN_EVERY_MINUTES, rules.MAX_EVERY_MINUTES)
            self.every.setSingleStep(5)
            self.every.setSuffix(" min")
            self.every.setValue(schedule.every_minutes)
            self.every.setAccessibleName("Every")
            for edit, value, name in ((self.start, schedule.start, "From"),
                                      (self.end, schedule.end, "Until")):  # fmt: skip
                edit.setDisplayFormat("HH:mm")
                edit.setTime(QTime(value.hour, value.minute))
                edit.setAccessibleName(name)
            form.addRow("&Every:", self.every)
            form.addRow("&From:", self.start)
            form.addRow("&Until:", self.end)
        else:
            self.times.setText(", ".join(f"{t:%H:%M}" for t in schedule.times))
            self.times.setAccessibleName("Times")
            self.times.setToolTip("Times of day, like 08:00, 13:00, 19:00")
            form.addRow("&Times:", self.times)
        days = QHBoxLayout()
        self.days: list[QCheckBox] = []
        for n, name in enumerate(DAY_NAMES):
            box = QCheckBox(name)
            box.setChecked(n in schedule.weekdays)
            self.days.append(box)
            days.addWidget(box)
        form.addRow("On:", days)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.problem)
        column.addWidget(buttons)

    def schedule(self) -> Schedule:
        """The schedule as filled in; ValueError saying what is wrong."""
        routine = self.routine.currentData()
        if not routine:
            raise ValueError("choose a routine")
        weekdays = frozenset(n for n, box in enumerate(self.days) if box.isChecked())
        if not weekdays:
            raise ValueError("choose at least one day")
        old = self.original
        if isinstance(old, Interval):
            start, end = self.start.time(), self.end.time()
            return Interval(
                old.id,
                str(routine),
                self.every.value(),
                time(start.hour(), start.minute()),
                time(end.hour(), end.minute()),
                weekdays,
                old.enabled,
            )
        return TimesOfDay(
            old.id, str(routine), parse_times(self.times.text()), weekdays, old.enabled
        )

    def accept(self) -> None:
        try:
            self.result_schedule = self.schedule()
        except ValueError as exc:
            self.problem.setText(f"Not yet: {exc}.")
            self.problem.show()
            return
        super().accept()


class RemindersDialog(QDialog):
    def __init__(
        self,
        service: ReminderService,
        cards: Sequence[RoutineCard],
        parent: QWidget | None = None,
        *,
        ask: Ask | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.cards = list(cards)
        self._ask: Ask = ask or (lambda dialog: dialog.exec() == QDialog.DialogCode.Accepted)
        self.setWindowTitle("Reminders")
        intro = QLabel(
            "Reminders to do a routine at set times of day, or short movement breaks through "
            "the working day. They come while routineplayer runs, in its window or tray."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Reminders")
        self.list.installEventFilter(self)
        self.empty = QLabel("No reminders yet.")
        self.add_times = QPushButton("Add &times of day…")
        self.add_breaks = QPushButton("Add &movement breaks…")
        self.edit = QPushButton("&Change…")
        self.toggle = QPushButton("Turn &off")
        self.remove = QPushButton("&Remove")
        row = QHBoxLayout()
        for button in (self.add_times, self.add_breaks, self.edit, self.toggle, self.remove):
            row.addWidget(button)
        self.autostart = QCheckBox("Start routineplayer when I &log in, so reminders come all day")
        self.autostart.setChecked(_autostart_enabled())
        self.autostart.toggled.connect(self._set_autostart)
        self.autostart_problem = QLabel()
        self.autostart_problem.hide()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        for widget in (intro, self.list, self.empty):
            column.addWidget(widget)
        column.addLayout(row)
        column.addWidget(self.autostart)
        column.addWidget(self.autostart_problem)
        column.addWidget(close)
        self.add_times.clicked.connect(self.add_times_of_day)
        self.add_breaks.clicked.connect(self.add_movement_breaks)
        self.edit.clicked.connect(self.edit_current)
        self.toggle.clicked.connect(self.toggle_current)
        self.remove.clicked.connect(self.remove_current)
        self.list.itemActivated.connect(lambda _item: self.edit_current())
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.resize(640, 420)
        self.refresh()

    # -- the list -------------------------------------------------------------------------------

    def _title(self, name: str) -> str:
        return next((c.title for c in self.cards if c.key == name), name)

    def refresh(self, select: str | None = None) -> None:
        current = select or self.current_id()
        self.list.clear()
        for schedule in self.service.schedules:
            item = QListWidgetItem(schedule_words(schedule, self._title(schedule.routine)))
            item.setData(Qt.ItemDataRole.UserRole, schedule.id)
            self.list.addItem(item)
            if schedule.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(self.list.count() == 0)
        self._update_buttons()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))

    def _current(self) -> Schedule | None:
        schedule_id = self.current_id()
        return None if schedule_id is None else self.service.schedule(schedule_id)

    def _update_buttons(self) -> None:
        current = self._current()
        for button in (self.edit, self.toggle, self.remove):
            button.setEnabled(current is not None)
        self.toggle.setText(
            "Turn &on" if current is not None and not current.enabled else "Turn &off"
        )

    # -- changes (each kept at once) ------------------------------------------------------------

    def _first_routine(self) -> str:
        playable = [c.key for c in self.cards if not c.problem]
        return playable[0] if playable else ""

    def add_times_of_day(self) -> None:
        reminders = self.service.reminders
        routine = self._first_routine()
        self._edit(rules.TimesOfDay(reminders.free_id("times"), routine or "-", rules.REHAB_TIMES))

    def add_movement_breaks(self) -> None:
        reminders = self.service.reminders
        short = [c for c in self.cards if not c.problem and "slide" in c.key]
        routine = short[0].key if short else self._first_routine()
        self._edit(
            rules.movement_break_schedule(routine or "-", schedule_id=reminders.free_id("breaks"))
        )

    def edit_current(self) -> None:
        current = self._current()
        if current is not None:
            self._edit(current)

    def _edit(self, schedule: Schedule) -> None:
        dialog = ScheduleDialog(schedule, self.cards, self)
        if self._ask(dialog) and dialog.result_schedule is not None:
            self.service.put(dialog.result_schedule)
            self.refresh(select=dialog.result_schedule.id)

    def toggle_current(self) -> None:
        current = self._current()
        if current is not None:
            self.service.put(replace(current, enabled=not current.enabled))
            self.refresh(select=current.id)

    def remove_current(self) -> None:
        current = self._current()
        if current is not None:
            self.service.remove(current.id)
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the list: Delete removes, Space turns on or off (the list would take them)."""
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Delete:
                self.remove_current()
                return True
            if event.key() == Qt.Key.Key_Space:
                self.toggle_current()
                return True
        return super().eventFilter(watched, event)

    # -- start at login -------------------------------------------------------------------------

    def _set_autostart(self, on: bool) -> None:
        from routineplayer.runtime import autostart

        try:
            if on:
                autostart.enable(autostart.default_command())
            else:
                autostart.disable()
        except OSError as exc:
            self.autostart_problem.setText(f"Could not change the login start: {exc}")
            self.autostart_problem.show()
            self.autostart.blockSignals(True)
            self.autostart.setChecked(_autostart_enabled())
            self.autostart.blockSignals(False)


def _autostart_enabled() -> bool:
    from routineplayer.runtime import autostart

    return autostart.is_enabled()
