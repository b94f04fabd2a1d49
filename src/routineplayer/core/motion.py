"""A movement of the movement library: its figure's keyframes, its props, and the defaults
a step made from it gets (docs/movement-format.md).

Called a *motion* in the code, so it is not confused with core.assessment's Movement (a
movement to try and rate). Each built-in one is a file in ``assets/movements/``; a routine
may define its own under ``movements:`` (core/motion_reader.py reads both).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routineplayer.core.figure import Keyframe, View


class PropKind(StrEnum):
    MAT = "mat"  # under the figure, the length of what touches the floor
    CHAIR = "chair"  # at ``x``: to hold, or to sit on
    WALL = "wall"  # at ``x``
    PLATES = "plates"  # under both hands: the paper plates of the slides
    KETTLEBELL = "kettlebell"  # in the hand of ``side``
    CUSHION = "cushion"  # under the knee of ``side``
    PILLOWS = "pillows"  # a stack at ``x``, ``height`` high: under the legs


@dataclass(frozen=True)
class Prop:
    kind: PropKind
    x: float = 0.0  # chair, wall, pillows: where, in body heights from the pelvis
    height: float = 0.0  # pillows
    side: str = "l"  # kettlebell, cushion: "l" or "r"


@dataclass(frozen=True)
class MotionDefaults:
    """What a step made from the movement starts with; the editor lets each be changed."""

    duration: float | None = None  # a timed step, or
    reps: int | None = None  # a reps step, with
    tempo: float | None = None  # seconds per rep (one cycle of the figure)
    sides: tuple[str, ...] = ()
    check: bool = False  # the lower-belly check after each set


@dataclass(frozen=True)
class Motion:
    id: str
    name: str
    description: str  # one line, for the library picker
    view: View
    cycle: float  # seconds: the natural pace, looped on a timed step
    keyframes: tuple[Keyframe, ...]
    props: tuple[Prop, ...] = ()
    defaults: MotionDefaults = MotionDefaults()
    say: str = ""  # the instruction a new step gets


def phase_at(cycle: float, elapsed: float) -> float:
    """Where in its cycle the figure is after ``elapsed`` seconds of work, 0 <= phase < 1.

    ``cycle`` is the step's tempo on a rep step (one cycle a rep, so the figure starts a
    rep just as the voice counts it) and the movement's own pace otherwise."""
    if cycle <= 0:
        return 0.0
    return (elapsed / cycle) % 1.0
