"""Fonts and colours derived from the system's palette, so light and dark both work."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The widget's font scaled by ``factor`` (point sizes, so HiDPI scaling still applies)."""
    font = QFont(widget.font())
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    font.setPointSizeF(size * factor)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def set_font_scale(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    widget.setFont(scaled_font(widget, factor, bold=bold))


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def muted(palette: QPalette) -> QColor:
    """A colour for secondary text that keeps enough contrast in light and dark palettes."""
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    return QColor(
        (text.red() * 2 + window.red()) // 3,
        (text.green() * 2 + window.green()) // 3,
        (text.blue() * 2 + window.blue()) // 3,
    )


_MUTED = "routineplayer_muted"


def set_muted(widget: QWidget) -> None:
    """Secondary text; re-applied by ``refresh_muted`` when the system switches light/dark."""
    widget.setProperty(_MUTED, True)
    palette = QPalette(QApplication.palette(widget))
    palette.setColor(QPalette.ColorRole.WindowText, muted(palette))
    widget.setPalette(palette)


def refresh_muted(root: QWidget) -> None:
    for widget in root.findChildren(QWidget):
        if widget.property(_MUTED):
            set_muted(widget)


def audio_only_palette() -> QPalette:
    """Dark and dim whatever the system theme: the floor view should not light up a room."""
    palette = QPalette()
    black = QColor(8, 8, 10)
    dim = QColor(120, 120, 128)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(role, black)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(role, dim)
    return palette
