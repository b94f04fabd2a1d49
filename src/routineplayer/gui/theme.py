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


_TYPE = "routineplayer_type"  # the widget's size on the type scale (docs/design.md)
_BOLD = "routineplayer_bold"
_ZOOM = "routineplayer_zoom"  # set on a page that grows its type with the window


def set_type(widget: QWidget, factor: float, *, bold: bool = False) -> None:
    """``factor`` times the desktop's font, times the zoom of the page it is on (see
    ``zoom_type``). Unlike ``set_font_scale`` it can be called again: it never compounds."""
    widget.setProperty(_TYPE, factor)
    widget.setProperty(_BOLD, bold)
    zoom = 1.0
    parent: QWidget | None = widget
    while parent is not None:
        value = parent.property(_ZOOM)
        if isinstance(value, float):
            zoom = value
            break
        parent = parent.parentWidget()
    _apply_type(widget, zoom)


def zoom_type(root: QWidget, zoom: float) -> None:
    """Grow (never shrink) every ``set_type`` size under ``root``: a large window is read
    from further away, so its words grow with it."""
    if root.property(_ZOOM) == zoom:
        return
    root.setProperty(_ZOOM, zoom)
    for widget in (root, *root.findChildren(QWidget)):
        if isinstance(widget.property(_TYPE), float):
            _apply_type(widget, zoom)


def _apply_type(widget: QWidget, zoom: float) -> None:
    base = QApplication.font(widget)
    size = base.pointSizeF() if base.pointSizeF() > 0 else 10.0
    font = QFont(widget.font())  # keeps features such as tabular digits
    font.setPointSizeF(size * float(widget.property(_TYPE)) * zoom)
    bold = bool(widget.property(_BOLD))
    font.setWeight(QFont.Weight.DemiBold if bold else base.weight())
    if font != widget.font():
        widget.setFont(font)


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
    dim = QColor(154, 154, 162)  # dim, yet 7:1 on the black: read from the floor
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(role, black)
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(role, dim)
    return palette
