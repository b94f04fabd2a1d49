"""Start the window: ``main(argv)`` is what ``routineplayer`` with no subcommand runs."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from routineplayer import APP_ID, APP_NAME
from routineplayer.gui.app_style import apply_style
from routineplayer.gui.icons import app_icon
from routineplayer.gui.single_instance import InstanceServer, send_to_running_instance
from routineplayer.runtime.main_thread_gc import collect_on_this_thread, freeze_what_lives

if TYPE_CHECKING:
    from routineplayer.core.timeline import Timeline

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication, set up so desktops match the window to its .desktop file and icon."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME, *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    apply_style(app)
    collect_on_this_thread(app)  # before any thread starts: cycles are collected here only
    return app


def main(
    argv: Sequence[str] = (),
    *,
    timeline: Timeline | None = None,
    routine_name: str | None = None,
    background: bool = False,
) -> int:
    """Open the window (offering ``timeline`` to play straight away, when given). When the
    app runs already, ask it to show its window (and to start ``routine_name``) instead.
    ``background``: start in the tray (at login), or minimised where there is no tray."""
    # Before the QApplication: a second launch leaves without touching the display.
    if not background and send_to_running_instance(
        f"start {routine_name}" if routine_name else "show"
    ):
        _say_already_running(routine_name)
        return 0
    app = create_application(argv)
    instance = InstanceServer(parent=app)
    if not instance.listen():
        if instance.another_running:  # it started between our message and our listen
            if not background:
                _say_already_running(routine_name)
            return 0
        log.warning("cannot listen for later launches: %s", instance.error)
    app.aboutToQuit.connect(instance.close)  # a clean quit leaves no socket file
    # Imported after the QApplication exists: widgets' modules may query fonts and screens.
    from routineplayer.gui.main_window import MainWindow
    from routineplayer.gui.tray import tray_available

    window = MainWindow()
    instance.show_requested.connect(window.bring_to_front)
    instance.start_requested.connect(window.start_routine_named)
    if not background:
        window.show()
    elif not tray_available():
        window.showMinimized()  # no tray to wait in: a window in the task bar instead

    def after_shown() -> None:
        # One after the other: a notice shown at start-up is answered before any routine.
        window.start_up()
        if timeline is not None:
            window.offer(timeline)
        freeze_what_lives()  # the window is built: full collections skip it from now on

    QTimer.singleShot(0, after_shown)
    return app.exec()


def _say_already_running(routine_name: str | None) -> None:
    print(
        "routineplayer is already running: its window was brought to the front"
        + (f" to start {routine_name}." if routine_name else "."),
        file=sys.stderr,
    )
