"""A movement's figure as a widget: its owner sets the movement, then the phase each frame."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from routineplayer.core.motion import Motion
from routineplayer.gui.figure_painter import figure_colours, paint_figure


class FigureWidget(QWidget):
    """Draws one movement at one phase; nothing at all without a movement."""

    def __init__(self, parent: QWidget | None = None, *, minimum: int = 96) -> None:
        super().__init__(parent)
        self.motion: Motion | None = None
        self.phase = 0.0
        self.mirror = False
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(320, 240)

    def set_motion(self, motion: Motion | None, *, mirror: bool = False) -> None:
        if motion != self.motion or mirror != self.mirror:
            self.motion, self.mirror, self.phase = motion, mirror, 0.0
            self.setAccessibleName(f"Figure: {motion.name}" if motion else "")
            self.setAccessibleDescription(motion.description if motion else "")
            self.update()

    def show_phase(self, phase: float) -> None:
        """The figure at ``phase`` of its cycle; repaints only when it moved."""
        if abs(phase - self.phase) > 1e-6:
            self.phase = phase
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.motion is None:
            return
        painter = QPainter(self)
        try:
            paint_figure(
                painter,
                self.rect().toRectF(),
                self.motion,
                self.phase,
                mirror=self.mirror,
                colours=figure_colours(self.palette()),
            )
        finally:
            painter.end()
