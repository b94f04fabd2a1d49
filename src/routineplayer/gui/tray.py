"""The tray icon, where the desktop has a tray: the app keeps running there for reminders.

Closing the window with reminders on asks once (the answer is kept in gui.ini) whether to
keep running in the tray; the tray's menu and the window's Quit really quit. Where the
desktop has no tray (QSystemTrayIcon.isSystemTrayAvailable() is False: a bare X server,
some Wayland desktops), nothing changes: closing the window quits, and reminders come while
the window is open.

With a tray, the window may be hidden while a dialog (a reminder's pre-start screen) is the
only window shown; Qt would quit when that dialog closed, so the app quits only when told.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from routineplayer import APP_NAME
from routineplayer.gui.window_settings import gui_settings

KEEP_KEY = "tray/keep_running"  # "yes" / "no": the answer to the question on close


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def kept_answer() -> bool | None:
    """The answer given once to "keep running in the tray?", or None if never asked."""
    value = gui_settings().value(KEEP_KEY)
    return {"yes": True, "no": False}.get(str(value)) if value is not None else None


def keep_answer(keep: bool) -> None:
    settings = gui_settings()
    settings.setValue(KEEP_KEY, "yes" if keep else "no")
    settings.sync()


class Tray(QObject):
    """The icon and its menu: show the window, the reminders, quit."""

    def __init__(
        self,
        icon: QIcon,
        *,
        show: Callable[[], None],
        reminders: Callable[[], None],
        quit_app: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setToolTip(APP_NAME)
        self.menu = QMenu()
        for text, slot in (
            (f"Show {APP_NAME}", show),
            ("Reminders…", reminders),
            ("Quit", quit_app),
        ):
            action = QAction(text, self.menu)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.menu.addAction(action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(
            lambda reason: show() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
        )
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setQuitOnLastWindowClosed(False)
        self.icon.show()

    def message(self, title: str, text: str) -> None:
        """A balloon from the tray: the reminder where no notification server answers."""
        self.icon.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 15_000)

    def close(self) -> None:
        self.icon.hide()
