"""Drawing a movement's figure with QPainter: the figure, the floor and the props.

Every colour is opaque and nothing is drawn through a painter transform: the points are
worked out in the widget's own pixels. That keeps each frame on the GUI thread alone (Qt
hands translucent or transformed fills to its thread pool; see jellyfish_widget.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen

from routineplayer.core.figure import (
    BONES,
    HEAD_RADIUS,
    SIDES,
    Body,
    Point,
    View,
    body,
    pose_at,
)
from routineplayer.core.motion import Motion, Prop, PropKind
from routineplayer.gui.app_style import mix_colours

LIMB = 0.045  # a limb's width, in body heights
TORSO = 0.075
FLOOR = 0.012
MARGIN = 0.06  # around the figure's whole cycle and its props, of the frame's height
FRAME_SAMPLES = 24  # phases sampled to find the room a movement needs
CHAIR_SEAT, CHAIR_BACK, CHAIR_DEPTH = 0.27, 0.5, 0.24
WALL_HEIGHT = 1.1
PLATE_WIDTH = 0.13
BELL_RADIUS = 0.05
PILLOW_WIDTH = 0.34
# How far past the body's points anything drawn with it reaches (body heights): half a
# torso's width, a kettlebell below the hand, a plate beside it.
HELD_REACH = 2 * BELL_RADIUS + 0.01
MAT_THICK = 0.012
PLATE_THICK = 0.03
MAT_REACH = 0.15  # points lower than this lie on the mat
MAT_PAD = 0.08


@dataclass(frozen=True)
class FigureColours:
    near: QColor  # the figure, and its near limbs
    far: QColor  # the limbs behind (side view)
    prop: QColor
    floor: QColor
    window: QColor  # the page behind


def figure_colours(palette: QPalette) -> FigureColours:
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    accent = palette.color(QPalette.ColorRole.Highlight)
    near = mix_colours(accent, text, 0.25)
    return FigureColours(
        near=near,
        far=mix_colours(near, window, 0.45),
        prop=mix_colours(text, window, 0.55),
        floor=mix_colours(text, window, 0.7),
        window=window,
    )


@functools.lru_cache(maxsize=256)
def room_for(motion: Motion) -> tuple[float, float, float, float]:
    """left, bottom, right, top (body heights) that hold the figure through its whole
    cycle, on either side, with its props: so the picture never jumps or crops."""
    left, bottom, right, top = 0.0, 0.0, 0.0, 0.0
    for k in range(FRAME_SAMPLES):
        p = pose_at(motion.keyframes, k / FRAME_SAMPLES)
        for mirror in (False, True):
            b = body(p, motion.view, mirror=mirror)
            bl, bb, br, bt = b.bounds()
            left, bottom, right, top = min(left, bl), min(bottom, bb), max(right, br), max(top, bt)
            for prop in motion.props:
                pl, pr, pt = _prop_extent(prop, b)
                left, right, top = min(left, pl), max(right, pr), max(top, pt)
    return left, bottom, right, top


@functools.lru_cache(maxsize=256)
def mat_span(motion: Motion) -> tuple[float, float]:
    """From where to where the mat lies: under every point that comes near the floor in
    the whole cycle, on either side, so it stays put while the figure moves."""
    xs = [0.0]
    for k in range(FRAME_SAMPLES):
        p = pose_at(motion.keyframes, k / FRAME_SAMPLES)
        for mirror in (False, True):
            b = body(p, motion.view, mirror=mirror)
            xs += [x for x, y in b.points.values() if y < MAT_REACH]
            hx, hy = b["head"]
            if hy - HEAD_RADIUS < MAT_REACH:
                xs += [hx - HEAD_RADIUS, hx + HEAD_RADIUS]
    return min(xs) - MAT_PAD, max(xs) + MAT_PAD


def prepare(motion: Motion) -> None:
    """Work out what every frame of ``motion`` reuses (~5 ms), so its first frame is as
    quick as the rest."""
    room_for(motion)
    mat_span(motion)


def _prop_x(prop: Prop, b: Body) -> float:
    return -prop.x if b.mirrored else prop.x


def _prop_extent(prop: Prop, b: Body) -> tuple[float, float, float]:
    x = _prop_x(prop, b)
    if prop.kind is PropKind.CHAIR:
        return x - CHAIR_DEPTH / 2, x + CHAIR_DEPTH / 2, CHAIR_BACK + CHAIR_SEAT
    if prop.kind is PropKind.WALL:
        return x - 0.02, x + 0.02, WALL_HEIGHT
    if prop.kind is PropKind.PILLOWS:
        return x - PILLOW_WIDTH / 2, x + PILLOW_WIDTH / 2, prop.height
    left, _, right, _ = b.bounds()
    return left, right, 0.0


class FigureFrame:
    """Maps body heights to a widget's pixels for one movement, fitted to a rectangle."""

    def __init__(self, motion: Motion, rect: QRectF) -> None:
        self.motion = motion
        left, bottom, right, top = room_for(motion)
        width, height = right - left, top - bottom
        margin = MARGIN * max(width, height)
        scale = min(rect.width() / (width + 2 * margin), rect.height() / (height + 2 * margin))
        self.scale = scale
        # Centred across, standing on the frame's floor line.
        self.x0 = rect.center().x() - (left + right) / 2 * scale
        self.y0 = rect.center().y() + (top + bottom) / 2 * scale

    def point(self, at: Point) -> QPointF:
        return QPointF(self.x0 + at[0] * self.scale, self.y0 - at[1] * self.scale)


def figure_body(motion: Motion, phase: float, mirror: bool) -> Body:
    return body(pose_at(motion.keyframes, phase), motion.view, mirror=mirror)


def figure_box(motion: Motion, rect: QRectF, b: Body) -> QRectF:
    """The pixels of ``rect`` the figure in pose ``b`` covers, with what it holds (a weight,
    the plates): all a frame has to repaint when the figure moves and the rest stands."""
    frame = FigureFrame(motion, rect)
    left, bottom, right, top = b.bounds()
    pad = HELD_REACH
    return QRectF(frame.point((left - pad, top + pad)), frame.point((right + pad, bottom - pad)))


def paint_figure(
    painter: QPainter,
    rect: QRectF,
    motion: Motion,
    phase: float,
    *,
    mirror: bool = False,
    colours: FigureColours,
    pose_body: Body | None = None,
) -> Body:
    """Draw ``motion`` at ``phase`` (0..1 of its cycle) into ``rect``; returns the body
    (``pose_body`` when given: that phase's body, already worked out)."""
    b = pose_body if pose_body is not None else figure_body(motion, phase, mirror)
    frame = FigureFrame(motion, rect)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    if motion.view is not View.TOP:
        _floor(painter, frame, rect, colours)
    for prop in motion.props:
        if prop.kind in (PropKind.MAT, PropKind.PILLOWS, PropKind.CHAIR, PropKind.WALL):
            _prop(painter, frame, prop, b, colours)
    _figure(painter, frame, b, colours)
    for prop in motion.props:
        if prop.kind in (PropKind.PLATES, PropKind.KETTLEBELL, PropKind.CUSHION):
            _prop(painter, frame, prop, b, colours)
    return b


def _pen(colour: QColor, width: float) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _floor(painter: QPainter, frame: FigureFrame, rect: QRectF, colours: FigureColours) -> None:
    y = frame.point((0.0, 0.0)).y() + FLOOR * frame.scale / 2
    painter.setPen(_pen(colours.floor, max(1.0, FLOOR * frame.scale)))
    painter.drawLine(QLineF(rect.left(), y, rect.right(), y))


def _figure(painter: QPainter, frame: FigureFrame, b: Body, colours: FigureColours) -> None:
    if b.view is View.SIDE:  # the far limbs behind the body, the near ones in front
        near = "l" if b.facing > 0 else "r"
        far = "r" if near == "l" else "l"
        _limbs(painter, frame, b, far, colours.far)
        _torso(painter, frame, b, colours.near)
        _limbs(painter, frame, b, near, colours.near)
    else:
        _torso(painter, frame, b, colours.near)
        for side in SIDES:
            _limbs(painter, frame, b, side, colours.near)
    _dots(painter, frame, b, ("head",), HEAD_RADIUS * 2, colours.near)


def _limbs(painter: QPainter, frame: FigureFrame, b: Body, side: str, colour: QColor) -> None:
    bones = _SIDE_BONES[side]
    _rods(painter, frame, b, bones, LIMB, colour)
    _dots(painter, frame, b, _SIDE_JOINTS[side], LIMB, colour)


def _torso(painter: QPainter, frame: FigureFrame, b: Body, colour: QColor) -> None:
    _rods(painter, frame, b, _SPINE, TORSO, colour)
    _dots(painter, frame, b, ("pelvis", "waist", "neck"), TORSO, colour)
    if b.view is not View.SIDE:
        _rods(painter, frame, b, _GIRDLES, LIMB, colour)


# Each segment is a flat-ended thick line with a disc at each joint, not a line with round
# caps: the same picture, ~3x faster to fill with antialiasing (Qt strokes a round cap as
# curves; a figure filling a full-HD screen took 2.8 ms a frame that way, 0.95 ms this way).
def _rods(
    painter: QPainter,
    frame: FigureFrame,
    b: Body,
    bones: tuple[tuple[str, str], ...],
    width: float,
    colour: QColor,
) -> None:
    pen = QPen(colour, width * frame.scale)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.drawLines([QLineF(frame.point(b[a]), frame.point(b[c])) for a, c in bones])


def _dots(
    painter: QPainter,
    frame: FigureFrame,
    b: Body,
    names: tuple[str, ...],
    width: float,
    colour: QColor,
) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    radius = width * frame.scale / 2
    for name in names:
        painter.drawEllipse(frame.point(b[name]), radius, radius)


_SPINE = (("pelvis", "waist"), ("waist", "neck"))
_GIRDLES = (("shoulder_l", "shoulder_r"), ("hip_l", "hip_r"))
_SIDE_BONES = {s: tuple((a, c) for a, c, x in BONES if x == s) for s in SIDES}
_SIDE_JOINTS = {
    s: tuple(dict.fromkeys(n for a, c in _SIDE_BONES[s] for n in (a, c))) for s in SIDES
}


def _prop(
    painter: QPainter, frame: FigureFrame, prop: Prop, b: Body, colours: FigureColours
) -> None:
    s = frame.scale
    painter.setPen(_pen(colours.prop, max(1.5, 0.02 * s)))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x = _prop_x(prop, b)
    side = _other(prop.side) if b.mirrored else prop.side
    if prop.kind is PropKind.MAT:
        if b.view is View.TOP:  # around the whole cycle's room, so it stays put
            left, bottom, right, top = room_for(frame.motion)
            rect = _rect(frame, left - 0.06, bottom - 0.06, right + 0.06, top + 0.06)
            painter.drawRoundedRect(rect, 4, 4)
        else:
            left, right = mat_span(frame.motion)
            painter.setBrush(colours.prop)
            painter.drawRoundedRect(_rect(frame, left, -MAT_THICK, right, MAT_THICK), 2, 2)
    elif prop.kind is PropKind.WALL:
        painter.drawLine(frame.point((x, 0.0)), frame.point((x, WALL_HEIGHT)))
    elif prop.kind is PropKind.CHAIR:
        back = x + CHAIR_DEPTH / 2 * (1 if x >= 0 else -1)
        front = x - CHAIR_DEPTH / 2 * (1 if x >= 0 else -1)
        painter.drawLine(frame.point((front, CHAIR_SEAT)), frame.point((back, CHAIR_SEAT)))
        painter.drawLine(frame.point((front, 0.0)), frame.point((front, CHAIR_SEAT)))
        painter.drawLine(frame.point((back, 0.0)), frame.point((back, CHAIR_SEAT + CHAIR_BACK)))
    elif prop.kind is PropKind.PILLOWS:
        painter.setBrush(colours.floor)
        painter.drawRoundedRect(
            _rect(frame, x - PILLOW_WIDTH / 2, 0.0, x + PILLOW_WIDTH / 2, prop.height), 6, 6
        )
    elif prop.kind is PropKind.PLATES:
        # On top of the mat, in the figure's far colour: a plate must show against the mat.
        painter.setPen(_pen(colours.far, max(1.5, 0.012 * s)))
        painter.setBrush(colours.window)
        for hand in ("hand_l", "hand_r"):
            hx, hy = b[hand]
            if b.view is View.TOP:
                centre = frame.point((hx, hy))
                painter.drawEllipse(centre, PLATE_WIDTH / 2 * s, PLATE_WIDTH / 2 * s)
            else:
                w = PLATE_WIDTH / 2
                painter.drawRoundedRect(_rect(frame, hx - w, MAT_THICK, hx + w, PLATE_THICK), 2, 2)
    elif prop.kind is PropKind.KETTLEBELL:
        hx, hy = b[f"hand_{side}"]
        painter.setBrush(colours.prop)
        painter.drawEllipse(frame.point((hx, hy - BELL_RADIUS)), BELL_RADIUS * s, BELL_RADIUS * s)
    elif prop.kind is PropKind.CUSHION:
        kx, ky = b[f"knee_{side}"]
        painter.setBrush(colours.floor)
        painter.drawRoundedRect(_rect(frame, kx - 0.09, ky - 0.03, kx + 0.09, ky + 0.01), 4, 4)


def _other(side: str) -> str:
    return "r" if side == "l" else "l"


def _rect(frame: FigureFrame, left: float, bottom: float, right: float, top: float) -> QRectF:
    return QRectF(frame.point((left, top)), frame.point((right, bottom))).normalized()
