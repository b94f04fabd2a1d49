"""A movement's figure as a widget: its owner sets the movement, then the phase each frame."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRectF, QSize, QTimer
from PySide6.QtGui import QHideEvent, QPainter, QPaintEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from routineplayer.core.figure import Body
from routineplayer.core.motion import Motion, phase_at
from routineplayer.gui.figure_painter import (
    figure_body,
    figure_box,
    figure_colours,
    paint_figure,
    prepare,
)

FRAME_MS = 50  # 20 frames a second, as the player draws its figures (player_controller.py)


class FigureWidget(QWidget):
    """Draws one movement at one phase; nothing at all without a movement."""

    def __init__(self, parent: QWidget | None = None, *, minimum: int = 96) -> None:
        super().__init__(parent)
        self.motion: Motion | None = None
        self.phase = 0.0
        self.mirror = False
        self._body: Body | None = None  # the pose at ``phase``, worked out once a frame
        self._box = QRectF()  # where the figure was last drawn, in pixels
        self.setMinimumSize(minimum, minimum)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(320, 240)

    def set_motion(self, motion: Motion | None, *, mirror: bool = False) -> None:
        if motion != self.motion or mirror != self.mirror:
            if motion is not None:
                prepare(motion)  # its frame and mat, once, before the first frame needs them
            self.motion, self.mirror, self.phase = motion, mirror, 0.0
            self._body = None
            self._box = QRectF()
            self.setAccessibleName(f"Figure: {motion.name}" if motion else "")
            self.setAccessibleDescription(motion.description if motion else "")
            self.update()

    def show_phase(self, phase: float) -> None:
        """The figure at ``phase`` of its cycle. Only where it was and where it is now are
        repainted: the floor and the props around it stand still (and a full-HD frame is
        mostly background, which a whole repaint would fill and hand to the screen)."""
        if abs(phase - self.phase) <= 1e-6:
            return
        self.phase = phase
        if self.motion is None:
            return
        self._body = figure_body(self.motion, phase, self.mirror)
        box = figure_box(self.motion, self.rect().toRectF(), self._body)
        self.update(
            box.united(self._box).toAlignedRect() if not self._box.isNull() else self.rect()
        )
        self._box = box

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._box = QRectF()  # the picture is fitted anew: the next frame repaints it all

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.motion is None:
            return
        if self._body is None:
            self._body = figure_body(self.motion, self.phase, self.mirror)
        painter = QPainter(self)
        try:
            paint_figure(
                painter,
                self.rect().toRectF(),
                self.motion,
                self.phase,
                mirror=self.mirror,
                colours=figure_colours(self.palette()),
                pose_body=self._body,
            )
        finally:
            painter.end()


class LoopingFigure(FigureWidget):
    """A figure that plays its movement on a loop at the movement's own pace while it is
    shown: for the screens that preview a movement (before the start, the library, the
    editor, the assessment). It stops when hidden, so a closed page costs nothing."""

    def __init__(self, parent: QWidget | None = None, *, minimum: int = 96) -> None:
        super().__init__(parent, minimum=minimum)
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)

    def set_motion(self, motion: Motion | None, *, mirror: bool = False) -> None:
        super().set_motion(motion, mirror=mirror)
        self._clock.start()
        self._run(self.isVisible())

    def _tick(self) -> None:
        if self.motion is not None:
            self.show_phase(phase_at(self.motion.cycle, self._clock.elapsed() / 1000.0))

    def _run(self, on: bool) -> None:
        if on and self.motion is not None:
            if not self._clock.isValid():
                self._clock.start()
            self._timer.start()
        else:
            self._timer.stop()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._run(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._run(False)
