"""The drawn figure of a movement: joint angles in, points on a flat picture out. No Qt.

A pose is a set of joint angles in degrees (docs/movement-format.md has the table). The
figure is a chain of segments in the picture's plane, measured in body heights (1.0 is the
figure's height standing), with y up and the floor at y = 0:

- ``side``: seen from its left, facing +x. Angles are bending forwards and backwards
  (flexion); the left limbs are the near ones.
- ``front``: facing the viewer, so its left side is on the picture's right. Limb angles
  are sideways (abduction); ``trunk`` and ``spine`` lean and bend sideways.
- ``top``: seen from above, as ``front`` but with no floor: the whole picture is the floor.

Every segment's direction is an angle from straight down, counting towards the figure's
front (side view) or outwards (front view). The figure is then raised or lowered so its
lowest point rests on the floor (plus ``lift``), so no pose can sink into it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class View(StrEnum):
    SIDE = "side"
    FRONT = "front"
    TOP = "top"


SIDES = ("l", "r")
LIMB_JOINTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")
BODY_JOINTS = ("trunk", "spine", "neck")
JOINTS = (*BODY_JOINTS, *(f"{j}_{s}" for s in SIDES for j in LIMB_JOINTS))

INDEX = MappingProxyType({j: i for i, j in enumerate(JOINTS)})
# Standing still, arms by the sides, looking ahead: what a keyframe's missing joints take.
NEUTRAL: Mapping[str, float] = MappingProxyType({j: 180.0 if j == "trunk" else 0.0 for j in JOINTS})

# The range of each joint, in degrees, per view (``top`` uses ``front``'s); the table in
# docs/movement-format.md says which way is positive for each. ``trunk`` is not a joint but
# the lower back's direction in the picture (180 upright, 90 leaning forwards flat, -90
# lying on the back with the head behind), so any angle is allowed. Adult active ranges,
# rounded outwards a little (AAOS / Norkin & White), so a deep stretch fits and a broken
# limb does not; plus what body weight allows when kneeling (a hand or the top of a foot
# flat on the floor: wrist and ankle 90).
LIMITS: Mapping[View, Mapping[str, tuple[float, float]]] = MappingProxyType(
    {
        View.SIDE: MappingProxyType(
            {
                "trunk": (-360.0, 360.0),
                "spine": (-35.0, 70.0),
                "neck": (-60.0, 70.0),
                "shoulder": (-60.0, 180.0),
                "elbow": (0.0, 150.0),
                "wrist": (-80.0, 90.0),
                "hip": (-30.0, 130.0),
                "knee": (0.0, 150.0),
                "ankle": (-30.0, 90.0),
            }
        ),
        View.FRONT: MappingProxyType(
            {
                "trunk": (-360.0, 360.0),
                "spine": (-35.0, 35.0),
                "neck": (-45.0, 45.0),
                "shoulder": (-30.0, 180.0),
                # Seen from the front, a bent elbow or knee shows its bend to either side,
                # as the upper arm or thigh is turned: negative turns it the other way.
                "elbow": (-150.0, 150.0),
                "wrist": (-60.0, 60.0),
                "hip": (-30.0, 50.0),
                "knee": (-150.0, 150.0),
                "ankle": (-30.0, 30.0),
            }
        ),
    }
)


def limits_for(view: View, joint: str) -> tuple[float, float]:
    table = LIMITS[View.FRONT if view is View.TOP else view]
    return table[joint.split("_")[0]]


# Segment lengths in body heights (Drillis & Contini's proportions, rounded).
PELVIS_TO_WAIST = 0.14
WAIST_TO_SHOULDERS = 0.17
NECK = 0.05
HEAD_RADIUS = 0.065
UPPER_ARM = 0.17
FOREARM = 0.15
HAND = 0.07
THIGH = 0.245
SHIN = 0.25
FOOT = 0.13
SHOULDER_HALF_WIDTH = 0.11  # front view
HIP_HALF_WIDTH = 0.075


@dataclass(frozen=True)
class Pose:
    """Joint angles (``values`` in the order of JOINTS), ``x`` the pelvis's place across the
    picture, and ``lift`` the gap between the lowest point and the floor (a hop)."""

    values: tuple[float, ...] = tuple(NEUTRAL.values())
    x: float = 0.0
    lift: float = 0.0

    @property
    def angles(self) -> dict[str, float]:
        return dict(zip(JOINTS, self.values, strict=True))

    def angle(self, joint: str) -> float:
        return self.values[INDEX[joint]]


def pose(x: float = 0.0, lift: float = 0.0, **angles: float) -> Pose:
    """A pose from the joints that differ from NEUTRAL."""
    unknown = set(angles) - set(JOINTS)
    if unknown:
        raise ValueError(f"unknown joints: {', '.join(sorted(unknown))}")
    return from_angles({**NEUTRAL, **angles}, x, lift)


def from_angles(angles: Mapping[str, float], x: float = 0.0, lift: float = 0.0) -> Pose:
    return Pose(tuple(float(angles[j]) for j in JOINTS), x, lift)


def mirrored(p: Pose, view: View = View.SIDE) -> Pose:
    """The same pose on the other side: left and right swap places. In a front or top view
    the picture flips too, so a lean or a bend to one side goes to the other."""
    angles = p.angles
    for joint in LIMB_JOINTS:
        angles[f"{joint}_l"], angles[f"{joint}_r"] = angles[f"{joint}_r"], angles[f"{joint}_l"]
    if view is not View.SIDE:
        angles["trunk"] = 360.0 - angles["trunk"]
        angles["spine"], angles["neck"] = -angles["spine"], -angles["neck"]
    return from_angles(angles, -p.x, p.lift)


Point = tuple[float, float]


@dataclass(frozen=True)
class Body:
    """Where everything is, in body heights with the floor at y = 0.

    ``points`` names: pelvis, waist, neck, head (the centre), and per side (suffix _l, _r)
    shoulder, elbow, wrist, hand, hip, knee, ankle, toe. ``facing`` is +1 or -1: which way
    the figure faces in a side view (-1 once mirrored)."""

    points: Mapping[str, Point]
    view: View
    facing: float = 1.0
    mirrored: bool = False  # drawn for the other side: left and right swapped

    def __getitem__(self, name: str) -> Point:
        return self.points[name]

    def lowest(self) -> float:
        return min(
            y - (HEAD_RADIUS if name == "head" else 0.0) for name, (_, y) in self.points.items()
        )

    def bounds(self) -> tuple[float, float, float, float]:
        """left, bottom, right, top, the head's circle included."""
        xs = [x for x, _ in self.points.values()]
        ys = [y for _, y in self.points.values()]
        hx, hy = self.points["head"]
        return (
            min(*xs, hx - HEAD_RADIUS),
            min(*ys, hy - HEAD_RADIUS),
            max(*xs, hx + HEAD_RADIUS),
            max(*ys, hy + HEAD_RADIUS),
        )


def _step(at: Point, angle: float, length: float, facing: float) -> Point:
    """The point ``length`` away from ``at`` in the direction ``angle``: degrees from straight
    down, turning towards +x times ``facing`` (so 90 is ahead, 180 up, 270 behind)."""
    rad = math.radians(angle)
    return (at[0] + facing * length * math.sin(rad), at[1] - length * math.cos(rad))


def _across(at: Point, along: float, offset: float, facing: float) -> Point:
    """``offset`` body heights from ``at`` square to a segment at ``along``, to its left as
    the figure faces the viewer (the picture's +x when the segment points up)."""
    rad = math.radians(along)
    return (at[0] - offset * math.cos(rad), at[1] - facing * offset * math.sin(rad))


def body(p: Pose, view: View, *, mirror: bool = False) -> Body:
    """The figure's points for pose ``p``, resting on the floor (side and front views).

    ``mirror`` shows the same movement on the other side. In a side view the figure then
    faces the other way, so the side that works is still the near one."""
    if mirror:
        p = mirrored(p, view)
    side_view = view is View.SIDE
    facing = -1.0 if mirror and side_view else 1.0
    a = p.angles
    trunk = a["trunk"]
    upper = trunk - a["spine"]
    pelvis: Point = (0.0, 0.0)
    waist = _step(pelvis, trunk, PELVIS_TO_WAIST, facing)
    neck = _step(waist, upper, WAIST_TO_SHOULDERS, facing)
    head = _step(neck, upper - a["neck"], NECK + HEAD_RADIUS, facing)
    pts: dict[str, Point] = {"pelvis": pelvis, "waist": waist, "neck": neck, "head": head}
    for s in SIDES:
        out = 1.0 if s == "l" else -1.0
        if side_view:
            shoulder, hip = neck, pelvis
            limb_facing, turn_arm, turn_leg, bend = facing, 0.0, 0.0, 1.0
        else:
            # The figure's left is the picture's +x. Each limb's angles count outwards
            # (abduction), so the right's are drawn mirrored, and the body's lean turned
            # into that side's sense.
            shoulder = _across(neck, upper, SHOULDER_HALF_WIDTH * out, facing)
            hip = _across(pelvis, trunk, HIP_HALF_WIDTH * out, facing)
            limb_facing, bend = out, -1.0
            turn_arm = (upper - 180.0) * (out - 1.0)
            turn_leg = (trunk - 180.0) * (out - 1.0)
        arm = upper - 180.0 + a[f"shoulder_{s}"] + turn_arm
        fore = arm + bend * a[f"elbow_{s}"]
        thigh = trunk - 180.0 + a[f"hip_{s}"] + turn_leg
        shin = thigh - a[f"knee_{s}"]
        foot = shin + 90.0 - a[f"ankle_{s}"]
        elbow = _step(shoulder, arm, UPPER_ARM, limb_facing)
        wrist = _step(elbow, fore, FOREARM, limb_facing)
        knee = _step(hip, thigh, THIGH, limb_facing)
        ankle = _step(knee, shin, SHIN, limb_facing)
        pts.update(
            {
                f"shoulder_{s}": shoulder,
                f"elbow_{s}": elbow,
                f"wrist_{s}": wrist,
                f"hand_{s}": _step(wrist, fore + bend * a[f"wrist_{s}"], HAND, limb_facing),
                f"hip_{s}": hip,
                f"knee_{s}": knee,
                f"ankle_{s}": ankle,
                f"toe_{s}": _step(ankle, foot, FOOT if side_view else FOOT / 2, limb_facing),
            }
        )
    placed = Body(MappingProxyType(pts), view, facing, mirror)
    dy = -placed.bounds()[1] if view is View.TOP else p.lift - placed.lowest()
    moved = {n: (x + p.x, y + dy) for n, (x, y) in pts.items()}
    return Body(MappingProxyType(moved), view, facing, mirror)


# Segments to draw, as (from, to, side): side "" is the body, "l"/"r" a limb.
BONES: tuple[tuple[str, str, str], ...] = (
    ("pelvis", "waist", ""),
    ("waist", "neck", ""),
    *(
        bone
        for s in SIDES
        for bone in (
            (f"hip_{s}", f"knee_{s}", s),
            (f"knee_{s}", f"ankle_{s}", s),
            (f"ankle_{s}", f"toe_{s}", s),
            (f"shoulder_{s}", f"elbow_{s}", s),
            (f"elbow_{s}", f"wrist_{s}", s),
            (f"wrist_{s}", f"hand_{s}", s),
        )
    ),
)


@dataclass(frozen=True)
class Keyframe:
    at: float  # where in the cycle, 0 <= at < 1
    pose: Pose


def pose_at(keyframes: tuple[Keyframe, ...], phase: float) -> Pose:
    """The pose at ``phase`` of a looping cycle (any real number: only its fraction counts).

    Each channel (every joint, ``x`` and ``lift``) follows a periodic monotone cubic through
    the keyframes: smooth through them, and never past either neighbour, so no joint swings
    beyond the keyframes around it (their limits hold in between, as do the floor's)."""
    if len(keyframes) == 1:
        return keyframes[0].pose
    phase %= 1.0
    n = len(keyframes)
    i = max(k for k in range(n) if keyframes[k].at <= phase) if phase >= keyframes[0].at else n - 1
    k0, k1 = keyframes[i], keyframes[(i + 1) % n]
    span = (k1.at - k0.at) % 1.0 or 1.0
    u = ((phase - k0.at) % 1.0) / span
    prev_at = keyframes[i - 1].at
    next_at = keyframes[(i + 2) % n].at
    before = (k0.at - prev_at) % 1.0 or 1.0
    after = (next_at - k1.at) % 1.0 or 1.0
    kp, kn = keyframes[i - 1].pose, keyframes[(i + 2) % n].pose

    def channel(v_prev: float, v0: float, v1: float, v_next: float) -> float:
        m0 = _slope(v_prev, v0, v1, before, span) * span
        m1 = _slope(v0, v1, v_next, span, after) * span
        return _hermite(v0, v1, m0, m1, u)

    values = tuple(
        channel(*v) for v in zip(kp.values, k0.pose.values, k1.pose.values, kn.values, strict=True)
    )
    return Pose(
        values,
        channel(kp.x, k0.pose.x, k1.pose.x, kn.x),
        channel(kp.lift, k0.pose.lift, k1.pose.lift, kn.lift),
    )


def _slope(a: float, b: float, c: float, h0: float, h1: float) -> float:
    """The slope at b between a (h0 before) and c (h1 after): zero at a turn, else a
    weighted harmonic mean of the two sides (Fritsch-Butland, as PCHIP), which keeps the
    curve between its keyframes."""
    d0, d1 = (b - a) / h0, (c - b) / h1
    if d0 * d1 <= 0:
        return 0.0
    w0, w1 = 2 * h1 + h0, h1 + 2 * h0
    return (w0 + w1) / (w0 / d0 + w1 / d1)


def _hermite(v0: float, v1: float, m0: float, m1: float, u: float) -> float:
    u2, u3 = u * u, u * u * u
    return (
        (2 * u3 - 3 * u2 + 1) * v0
        + (u3 - 2 * u2 + u) * m0
        + (-2 * u3 + 3 * u2) * v1
        + (u3 - u2) * m1
    )
