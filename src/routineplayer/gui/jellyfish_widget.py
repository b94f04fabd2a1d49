"""A soft jellyfish drawn with QPainter that swells with each breath in and draws in after.

The widget only draws: its owner sets ``fullness`` (0..1, from breath_motion.breath_at at
the session's elapsed time) and a ``sway`` clock for the tentacles on every frame.

A frame is kept cheap (issue: light on the battery), from measurements of this page at
30 fps: Qt's raster engine splits any translucent or transformed fill of more than ~96
spans across its GUI thread pool and waits for it, which woke two pool threads ~800 times a
second each. So nothing drawn per frame is translucent or transformed: the tentacles are
one filled path in an opaque colour (the translucent tint worked out over the page), and
the bell, drawn once into a pixmap, is scaled smoothly to the frame's size (single-threaded
at this size) and copied untransformed. Measured offscreen (/proc, 8 s): 7.3 % of a core
with ~1600 pool wake-ups a second before, 4.2 % with none after. The tentacles' outline
is built once per step of their sway (96 a cycle, cached) and scaled to the frame in one
call, so no Python runs per point; what is left of a frame is Qt's fill (~0.35 ms here).
"""

from __future__ import annotations

import functools
import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QRadialGradient,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from routineplayer.gui.app_style import mix_colours

MIN_SCALE = 0.5  # breathed out, the bell is half as wide as breathed in
BELL_PAD = 0.03  # around the cached bell, of its width: room for the outline's stroke
TENTACLES = 7
TENTACLE_POINTS = 10  # per tentacle: a straight piece strays < 1 px from the curve
TENTACLE_ALPHA = 150 / 255  # how much of the jellyfish's colour shows in a tentacle
TAPER = 0.6  # a tentacle's tip is this much narrower than its root
SWAY_SPEED = 1.7  # radians a second
SWAY_STEPS = 96  # outlines per sway cycle, cached: a tip moves < 1 px between two
_ALONG = [k / TENTACLE_POINTS for k in range(TENTACLE_POINTS + 1)]  # root 0 .. tip 1
_NARROWING = [1.0 - TAPER * a for a in _ALONG]


def jellyfish_colour(palette: QPalette) -> QColor:
    """A soft tint of the palette's highlight, lighter on dark backgrounds."""
    colour = QColor(palette.color(QPalette.ColorRole.Highlight))
    hue = colour.hslHue() if colour.hslHue() >= 0 else 280
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor.fromHsl(hue, 160, 190 if dark else 150)


class JellyfishWidget(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fullness = 0.0
        self._sway = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        # It paints its own background, so a frame repaints only the part that moved, not
        # the ring and the page behind it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._drawn = QRectF()  # what the last frame covered
        # The bell (a gradient-filled, antialiased path: the costly part of a frame) drawn
        # once at full size and scaled per frame; redrawn when the size or colour changes.
        self._bell: tuple[tuple[int, int, float], QPixmap] | None = None
        self._bell_scaled: QPixmap | None = None
        self.setAccessibleName("Jellyfish breathing animation")
        self.setAccessibleDescription("Grows as you breathe in and draws in as you breathe out")

    @property
    def fullness(self) -> float:
        return self._fullness

    def set_breath(self, fullness: float, sway: float) -> None:
        self._fullness = min(max(fullness, 0.0), 1.0)
        self._sway = sway
        covered = self._covered()
        # Where it was and where it is now: the rest of the widget has not changed.
        self.update(self._drawn.united(covered).toAlignedRect().adjusted(-2, -2, 2, 2))
        self._drawn = covered

    def _covered(self) -> QRectF:
        """The box the bell and the tentacles are drawn in at the current breath."""
        width = self.bell_width()
        top = self.height() * 0.42 - width * 0.62
        length = width * (1.1 - 0.25 * self._fullness)
        sway = width * 0.06
        return QRectF(
            self.width() / 2 - width / 2 - sway, top, width + 2 * sway, width * 0.62 + length
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._drawn = QRectF(self.rect())
        super().resizeEvent(event)

    def bell_width(self) -> float:
        """The bell's drawn width in pixels at the current fullness."""
        return self.bell_width_at(self._fullness)

    def bell_width_at(self, fullness: float) -> float:
        side = min(self.width(), self.height() / 1.25)
        return side * 0.8 * (MIN_SCALE + (1 - MIN_SCALE) * fullness)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), self.palette().color(QPalette.ColorRole.Window))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = jellyfish_colour(self.palette())
        width = self.bell_width()
        height = width * 0.62
        centre_x = self.width() / 2
        # The bell sits a little above the middle so the tentacles fit below it.
        top = self.height() * 0.42 - height
        background = self.palette().color(QPalette.ColorRole.Window)
        self._draw_tentacles(painter, mix_colours(background, colour, TENTACLE_ALPHA), top + height)
        bell = self._bell_pixmap(colour)
        # The pixmap holds the bell's top half box (the path's lower half is never drawn).
        scale = width / max(self.bell_width_at(1.0), 1.0)
        pad = BELL_PAD * width  # the outline's stroke reaches past the path
        painter.drawPixmap(
            QPointF(centre_x - width / 2 - pad, top - pad), self._scaled(bell, scale)
        )
        painter.end()

    def _scaled(self, bell: QPixmap, scale: float) -> QPixmap:
        """The bell at this frame's size; the last one again while the size holds."""
        size = bell.size() * scale
        if self._bell_scaled is None or self._bell_scaled.size() != size:
            scaled = bell.scaled(
                size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            scaled.setDevicePixelRatio(bell.devicePixelRatio())
            self._bell_scaled = scaled
        return self._bell_scaled

    def _bell_pixmap(self, colour: QColor) -> QPixmap:
        full = self.bell_width_at(1.0)
        ratio = self.devicePixelRatioF()
        key = (round(full), colour.rgba(), ratio)
        if self._bell is None or self._bell[0] != key:
            width = max(full, 1.0)
            height = width * 0.62
            pad = BELL_PAD * width
            pixmap = QPixmap(
                round((width + 2 * pad) * ratio), round((height * 1.2 + 2 * pad) * ratio)
            )
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._draw_bell(painter, colour, QRectF(pad, pad, width, height * 2))
            painter.end()
            self._bell = (key, pixmap)
            self._bell_scaled = None
        return self._bell[1]

    def _draw_bell(self, painter: QPainter, colour: QColor, box: QRectF) -> None:
        glow = QRadialGradient(box.center() - QPointF(0, box.height() * 0.15), box.width() * 0.6)
        inner = QColor(colour).lighter(135)
        inner.setAlpha(235)
        outer = QColor(colour)
        outer.setAlpha(170)
        glow.setColorAt(0.0, inner)
        glow.setColorAt(1.0, outer)
        bell = QPainterPath()
        bell.moveTo(box.left(), box.center().y())
        bell.arcTo(box, 180, -180)
        # A scalloped rim: the soft skirt of the bell.
        lobes = 6
        lobe_w = box.width() / lobes
        for i in range(lobes, 0, -1):
            x = box.left() + i * lobe_w
            bell.quadTo(
                x - lobe_w / 2, box.center().y() + lobe_w * 0.35, x - lobe_w, box.center().y()
            )
        painter.setPen(QPen(colour.darker(130), max(box.width() / 120, 1.0)))
        painter.setBrush(glow)
        painter.drawPath(bell)

    def _draw_tentacles(self, painter: QPainter, colour: QColor, rim_y: float) -> None:
        """Seven tentacles as one filled path, each tapering to its tip, swaying."""
        width = self.bell_width()
        # Breathed in, the tentacles trail shorter: the whole body contracts upwards.
        length = width * (1.1 - 0.25 * self._fullness)
        sway = round(self._sway * SWAY_SPEED / math.tau * SWAY_STEPS) % SWAY_STEPS
        half = round(max(width / 45, 1.5) / 2 / width, 4)
        # The outline at this sway, scaled to this frame in one call: the path is untransformed
        # when filled (see the top), and no Python runs per point.
        to_frame = QTransform(width, 0, 0, length, self.width() / 2, rim_y)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(to_frame.map(tentacles_outline(sway, half)))


@functools.lru_cache(maxsize=2 * SWAY_STEPS)
def tentacles_outline(sway: int, half: float) -> QPainterPath:
    """The tentacles at sway step ``sway``, in units of the bell's width across (0 at its
    middle) and of the tentacles' length down (0 at the rim); ``half``: a root's half width.
    Each tapers to its tip, and a wave that grows towards the tip travels down it."""
    phase = sway * math.tau / SWAY_STEPS
    widths = [half * n for n in _NARROWING]
    path = QPainterPath()
    for i in range(TENTACLES):
        x0 = (i / (TENTACLES - 1) - 0.5) * 0.75
        xs = [x0 + math.sin(phase + i * 0.9 + a * 5.0) * 0.05 * a for a in _ALONG]
        path.moveTo(xs[0] - widths[0], 0.0)
        for x, y, w in zip(xs, _ALONG, widths, strict=True):  # down one side...
            path.lineTo(x - w, y)
        for x, y, w in zip(reversed(xs), reversed(_ALONG), reversed(widths), strict=True):
            path.lineTo(x + w, y)  # ...and back up the other
        path.closeSubpath()
    return path
