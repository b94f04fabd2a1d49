"""Reminders in the window: the schedules' clock (runtime.reminder_service), the in-app bar,
and the desktop notification where the desktop has a notification server.

A reminder always shows in the bar, and the window asks for attention (the task bar
flashes); a desktop notification goes out too while one can. Its answers and the bar's are
the same three: Start now opens the routine's pre-start screen (raising the window, even
from the tray), Snooze and Skip today go to the schedule's state. Where no notification
server answers, the bar and the tray's own message are what remain: reminders then come
while the app runs, in its window or its tray icon.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import tzinfo
from typing import Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtWidgets import QApplication, QWidget

from routineplayer.core.local_zone import local_zone
from routineplayer.core.reminders import Due
from routineplayer.gui.reminder_bar import ReminderBar, reminder_text
from routineplayer.gui.tray import Tray
from routineplayer.runtime.reminder_service import ReminderService

log = logging.getLogger(__name__)


class Notices(Protocol):
    """runtime.desktop_notices.DesktopNotices, as used here."""

    def notify(self, key: str, title: str, body: str) -> None: ...

    def withdraw(self, key: str) -> None: ...


class SignalledNotices(Notices, Protocol):
    """What Reminding connects to: the answers given in the notification."""

    @property
    def start_requested(self) -> SignalInstance: ...

    @property
    def snooze_requested(self) -> SignalInstance: ...

    @property
    def skip_requested(self) -> SignalInstance: ...

    @property
    def unavailable(self) -> SignalInstance: ...

    def close(self) -> None: ...


def desktop_notices(parent: QObject) -> SignalledNotices:
    """Made at the first reminder: desktop-notifier and its D-Bus thread cost nothing until."""
    from routineplayer.runtime.desktop_notices import DesktopNotices

    return DesktopNotices(parent)


class RemindedWindow(Protocol):
    def window(self) -> QWidget: ...

    def routine_title(self, name: str) -> str | None: ...

    def start_routine_named(self, name: str) -> bool: ...


class Reminding(QObject):
    def __init__(
        self,
        window: RemindedWindow,
        bar: ReminderBar,
        service: ReminderService | None = None,
        *,
        zone: Callable[[], tzinfo] = local_zone,
        make_notices: Callable[[QObject], SignalledNotices] | None = desktop_notices,
    ) -> None:
        """``make_notices``: how to reach the desktop's notification server (None: in-app
        reminders only)."""
        super().__init__(window.window())
        self.window = window
        self.bar = bar
        self.service = service or ReminderService(self)
        self._zone = zone
        self._make_notices = make_notices
        self.notices: SignalledNotices | None = None
        self.tray: Tray | None = None
        self.shown: list[Due] = []  # every reminder shown, for the tests and the log
        self.service.reminded.connect(self.show)
        bar.start_requested.connect(self.start)
        bar.snooze_requested.connect(self.snooze)
        bar.skip_requested.connect(self.skip)

    def use_tray(self, tray: Tray) -> None:
        self.tray = tray

    def _desktop(self) -> SignalledNotices | None:
        if self.notices is None and self._make_notices is not None:
            notices = self.notices = self._make_notices(self)
            notices.start_requested.connect(self.start)
            notices.snooze_requested.connect(self.snooze)
            notices.skip_requested.connect(self.skip)
            notices.unavailable.connect(self._no_desktop)
        return self.notices

    def _no_desktop(self, why: str) -> None:
        """No notification server: from now on the bar (and the tray's message) only."""
        log.info("desktop notifications unavailable (%s): reminders stay in the app", why)
        notices, self.notices, self._make_notices = self.notices, None, None
        if notices is not None:
            notices.close()
        due = self.bar.due
        if due is not None and self.tray is not None and not self.window.window().isVisible():
            self.tray.message(self.bar.label.text(), "Open routineplayer from its tray icon.")

    def close(self) -> None:
        if self.notices is not None:
            self.notices.close()
            self.notices = None

    def show(self, due: Due) -> None:
        title = self.window.routine_title(due.routine)
        if title is None:  # the routine was deleted or renamed since the schedule was made
            log.info("reminder %s for a routine no longer there: %s", due.schedule_id, due.routine)
            return
        text = reminder_text(title, due, self._zone())
        self.shown.append(due)
        self.bar.show_reminder(due, text)
        QApplication.alert(self.window.window())
        body = "Start now, snooze it for 15 minutes, or skip it for today."
        notices = self._desktop()
        if notices is not None:
            notices.notify(due.schedule_id, text, body)
        elif self.tray is not None and not self.window.window().isVisible():
            self.tray.message(text, "Open routineplayer from its tray icon to start.")

    def start(self, schedule_id: str) -> None:
        schedule = self.service.schedule(schedule_id)
        self._answered(schedule_id)
        if schedule is not None:
            self.window.start_routine_named(schedule.routine)

    def snooze(self, schedule_id: str) -> None:
        self._answered(schedule_id)
        self.service.snooze(schedule_id)

    def skip(self, schedule_id: str) -> None:
        self._answered(schedule_id)
        self.service.skip_today(schedule_id)

    def _answered(self, schedule_id: str) -> None:
        """Answered in one place: gone from the other (bar or notification)."""
        if self.bar.due is not None and self.bar.due.schedule_id == schedule_id:
            self.bar.clear()
        if self.notices is not None:
            self.notices.withdraw(schedule_id)
