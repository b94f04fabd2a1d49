"""The in-app reminder: a bar above the library with Start now, Snooze 15 min and Skip today.

It is shown whether or not a desktop notification also went out: on a desktop with no
notification server it is the reminder, and elsewhere it is still there when the person
comes back to the window. One at a time: a newer reminder replaces the one shown. A
screen reader hears it as it appears (gui/announce.py).
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from routineplayer.core.reminders import SNOOZE_MINUTES, Due
from routineplayer.gui.announce import announce
from routineplayer.gui.theme import set_type


def reminder_text(title: str, due: Due, zone: tzinfo) -> str:
    """ "Time for Warm-up (08:00)." in the local time the reminder was for."""
    return f"Time for {title} ({due.at.astimezone(zone):%H:%M})."


class ReminderBar(QFrame):
    start_requested = Signal(str)  # the schedule's id
    snooze_requested = Signal(str)
    skip_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Reminder")
        self.due: Due | None = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        set_type(self.label, 1.15, bold=True)
        self.start = QPushButton("&Start now")
        self.snooze = QPushButton(f"S&nooze {SNOOZE_MINUTES} min")
        self.skip = QPushButton("S&kip today")
        self.start.setDefault(True)
        for button, name in (
            (self.start, "Start now"),
            (self.snooze, f"Snooze {SNOOZE_MINUTES} minutes"),
            (self.skip, "Skip today"),
        ):
            button.setAccessibleName(name)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        for button in (self.start, self.snooze, self.skip):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.start.clicked.connect(lambda: self._answer(self.start_requested))
        self.snooze.clicked.connect(lambda: self._answer(self.snooze_requested))
        self.skip.clicked.connect(lambda: self._answer(self.skip_requested))
        self.hide()

    def show_reminder(self, due: Due, text: str) -> None:
        self.due = due
        self.label.setText(text)
        for button in (self.start, self.snooze, self.skip):
            button.setAccessibleDescription(text)
        self.show()
        announce(self, text)

    def clear(self) -> None:
        self.due = None
        self.hide()

    def _answer(self, signal: SignalInstance) -> None:
        due = self.due
        if due is None:
            return
        self.clear()
        signal.emit(due.schedule_id)
