"""The one progress shape of docs/design.md: a ring whose arc is the part of a timed segment
still to go, with what matters (the time, the rep, the jellyfish) inside it."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from routineplayer.gui.app_style import current_colours
from routineplayer.gui.design_tokens import Mood


class ProgressRing(QWidget):
    """A circle, as large as fits, drawn in the colour of its mood. ``content`` is laid out in
    the square inside the ring (``inner`` of its side: a band for digits, more for a figure)."""

    def __init__(
        self, content: QWidget, parent: QWidget | None = None, *, inner: float = 0.62
    ) -> None:
        super().__init__(parent)
        self._fraction = 1.0
        self._dim = False
        self._mood = Mood.WORKING
        self._inner = inner
        self.content = content
        content.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def fraction(self) -> float:
        return self._fraction

    @property
    def mood(self) -> Mood:
        return self._mood

    def set_fraction(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        # A change smaller than a pixel of arc is not worth a repaint.
        if abs(fraction - self._fraction) > 1e-3 or (fraction in (0.0, 1.0)) != (
            self._fraction in (0.0, 1.0)
        ):
            self._fraction = fraction
            self.update()

    def set_mood(self, mood: Mood) -> None:
        if mood is not self._mood:
            self._mood = mood
            self.update()

    def set_dim(self, dim: bool) -> None:
        """Dim: drawn in the widget's own (audio-only) palette, never the bright mood colour."""
        self._dim = dim
        self.update()

    def _box(self) -> tuple[QRectF, float]:
        side = min(self.width(), self.height())
        thickness = max(side * 0.035, 4.0)
        inset = thickness / 2 + 1
        box = QRectF(
            (self.width() - side) / 2 + inset,
            (self.height() - side) / 2 + inset,
            side - 2 * inset,
            side - 2 * inset,
        )
        return box, thickness

    def resizeEvent(self, event: QResizeEvent) -> None:
        box, thickness = self._box()
        # The largest centred rectangle of that width inside the ring's inner edge: a band
        # for digits, or a figure that paints its own background without touching the ring.
        inside = box.width() - thickness
        width = inside * self._inner
        height = min(inside * self._inner, (inside**2 - width**2) ** 0.5 * 0.95)
        centre = box.center()
        self.content.setGeometry(
            round(centre.x() - width / 2),
            round(centre.y() - height / 2),
            round(width),
            round(height),
        )
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        box, thickness = self._box()
        colours = current_colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._dim:
            text = self.palette().color(QPalette.ColorRole.WindowText)
            track, colour = QColor(text).darker(300), text
        else:
            track, colour = QColor(colours.surface_alt), QColor(colours.states[self._mood])
        painter.setPen(QPen(track, thickness))
        painter.drawEllipse(box)
        arc = QPen(colour, thickness)
        # Round ends, except when the gap between them is narrower than the pen: there two
        # round ends would meet in a notch.
        gap = (1.0 - self._fraction) * math.pi * box.width()
        full = gap < thickness
        arc.setCapStyle(Qt.PenCapStyle.FlatCap if full else Qt.PenCapStyle.RoundCap)
        painter.setPen(arc)
        # Qt angles are in 1/16 degree, counter-clockwise from 3 o'clock; start at 12.
        painter.drawArc(box, 90 * 16, round(-360 * 16 * self._fraction))
        painter.end()
