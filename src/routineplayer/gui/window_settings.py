"""The window's size and place, kept in an INI file in the app's config dir.

QSettings with an explicit file (rather than Qt's default organisation path) keeps every
per-user file under core.paths, where tests redirect them.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QWidget

from routineplayer.core.paths import user_config_dir

GEOMETRY_KEY = "window/geometry"


def gui_settings() -> QSettings:
    return QSettings(str(user_config_dir() / "gui.ini"), QSettings.Format.IniFormat)


def restore_geometry(window: QWidget) -> bool:
    """Put the window where it was last time; False (and nothing changed) on a first run."""
    value = gui_settings().value(GEOMETRY_KEY)
    if isinstance(value, QByteArray) and not value.isEmpty():
        return bool(window.restoreGeometry(value))
    return False


def save_geometry(window: QWidget) -> None:
    settings = gui_settings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.sync()
