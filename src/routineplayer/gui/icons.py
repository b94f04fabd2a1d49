"""Bundled symbolic icons (assets/icons/symbolic, from GNOME's Adwaita), drawn in the colour
of the text beside them so they follow light and dark."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QAbstractButton

from routineplayer import APP_ID
from routineplayer.core.paths import DataNotFoundError, assets_dir

_INK = ("#2e3436", "#2e3434")  # the one fill colour the symbolic icons are drawn in
_SIZES = (16, 24, 32, 48)


@cache
def _svg(name: str) -> str:
    try:
        path = assets_dir() / "icons" / "symbolic" / f"{name}-symbolic.svg"
        return path.read_text(encoding="utf-8")
    except (DataNotFoundError, OSError):
        return ""  # a missing icon leaves the words, which say it all anyway


def icon(name: str, colour: QColor | str) -> QIcon:
    """``name`` (e.g. "media-playback-pause") in ``colour``; an empty icon if it is missing."""
    svg = _svg(name)
    result = QIcon()
    if not svg:
        return result
    ink = QColor(colour).name()
    for old in _INK:
        svg = svg.replace(old, ink)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    for size in _SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        result.addPixmap(pixmap)
    return result


_ICON_PROPERTY = "routineplayer_icon"


def set_icon(button: QAbstractButton, name: str) -> None:
    """Give ``button`` the icon ``name`` in its text colour; ``refresh_icons`` redoes it."""
    button.setProperty(_ICON_PROPERTY, name)
    # A primary button is filled with the accent: its icon is drawn in the text on it.
    role = (
        QPalette.ColorRole.HighlightedText
        if button.property("primary")
        else (QPalette.ColorRole.ButtonText)
    )
    colour = button.palette().color(role)
    button.setIcon(icon(name, colour))


def refresh_icons(buttons: list[QAbstractButton]) -> None:
    """After a light/dark switch: every icon in the new text colour."""
    for button in buttons:
        name = button.property(_ICON_PROPERTY)
        if isinstance(name, str):
            set_icon(button, name)


def app_icon() -> QIcon:
    """The app's own icon, at every size shipped (the window, the tray)."""
    icon = QIcon()
    try:
        icons = assets_dir() / "icons" / "hicolor"
    except DataNotFoundError:
        return icon  # a missing icon is no reason not to start
    for png in sorted(icons.glob(f"*/apps/{APP_ID}.png")):
        icon.addFile(str(png))
    return icon
