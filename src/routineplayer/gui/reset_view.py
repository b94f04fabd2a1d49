"""Rest and reset after a "yes": the reset cue and a ring that empties over the rest."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from routineplayer.gui.countdown import CountdownLabel
from routineplayer.gui.theme import set_font_scale


class RingWidget(QWidget):
    """A circle whose coloured arc is the fraction of the rest still to go, time inside."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fraction = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Rest time left")
        self.countdown = CountdownLabel(self, sample="0:00")  # a rest of minutes, not tens
        self.countdown.setAccessibleName("Rest time left")

    def _box(self) -> tuple[QRectF, float]:
        side = min(self.width(), self.height())
        thickness = max(side * 0.045, 4.0)
        box = QRectF(
            (self.width() - side) / 2 + thickness,
            (self.height() - side) / 2 + thickness,
            side - 2 * thickness,
            side - 2 * thickness,
        )
        return box, thickness

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The time fills a band across the middle of the circle, clear of the ring.
        box, thickness = self._box()
        inner = box.width() - 2 * thickness
        width, height = inner * 0.86, inner * 0.42
        centre = box.center()
        self.countdown.setGeometry(
            round(centre.x() - width / 2),
            round(centre.y() - height / 2),
            round(width),
            round(height),
        )
        super().resizeEvent(event)

    @property
    def fraction(self) -> float:
        return self._fraction

    def set_fraction(self, fraction: float) -> None:
        fraction = min(max(fraction, 0.0), 1.0)
        if abs(fraction - self._fraction) > 1e-4:
            self._fraction = fraction
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        box, thickness = self._box()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        track = self.palette().color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(track, thickness * 0.5))
        painter.drawEllipse(box)
        arc = QPen(self.palette().color(QPalette.ColorRole.Highlight), thickness)
        arc.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(arc)
        # Qt angles are in 1/16 degree, counter-clockwise from 3 o'clock; start at 12.
        painter.drawArc(box, 90 * 16, round(-360 * 16 * self._fraction))
        painter.end()


class ResetView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ring = RingWidget()
        self.countdown = self.ring.countdown
        self.cue = QLabel()
        self.cue.setWordWrap(True)
        self.cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setAccessibleName("Reset cue")
        set_font_scale(self.cue, 1.6)

        layout = QVBoxLayout(self)
        layout.addWidget(self.ring, 4)
        layout.addWidget(self.cue, 1)

    def show_reset(self, cue: str, remaining: float | None, total: float) -> None:
        self.cue.setText(cue)
        self.countdown.show_remaining(remaining)
        if remaining is not None and total > 0:
            self.ring.set_fraction(remaining / total)
