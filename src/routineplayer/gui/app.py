"""Start the window: ``main(argv)`` is what ``routineplayer`` with no subcommand runs."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication

from routineplayer import APP_ID, APP_NAME
from routineplayer.core.paths import DataNotFoundError, assets_dir
from routineplayer.gui.app_style import apply_style
from routineplayer.runtime.main_thread_gc import collect_on_this_thread, freeze_what_lives

if TYPE_CHECKING:
    from routineplayer.core.timeline import Timeline


def app_icon() -> QIcon:
    icon = QIcon()
    try:
        icons = assets_dir() / "icons" / "hicolor"
    except DataNotFoundError:
        return icon  # a missing icon is no reason not to start
    for png in sorted(icons.glob(f"*/apps/{APP_ID}.png")):
        icon.addFile(str(png))
    return icon


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


def main(argv: Sequence[str] = (), *, timeline: Timeline | None = None) -> int:
    """Open the window (offering ``timeline`` to play straight away, when given)."""
    app = create_application(argv)
    # Imported after the QApplication exists: widgets' modules may query fonts and screens.
    from routineplayer.gui.main_window import MainWindow

    window = MainWindow()
    window.show()

    def after_shown() -> None:
        # One after the other: a notice shown at start-up is answered before any routine.
        window.start_up()
        if timeline is not None:
            window.offer(timeline)
        freeze_what_lives()  # the window is built: full collections skip it from now on

    QTimer.singleShot(0, after_shown)
    return app.exec()
