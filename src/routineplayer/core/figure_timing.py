"""Where a step's figure is at a moment of the session: which movement, how far through its
cycle, on which side, and whether it moves at all.

- A set of reps with a tempo: one cycle a rep, so a cycle starts as the voice counts a rep
  (the count is at (n - 1) * tempo, see timeline.py).
- A timed set, or reps the user paces: loops at the movement's own pace (``cycle``).
- The second side (and the fourth...): mirrored.
- Getting ready and resting between sets: the starting pose, still.
- Breathing: the position, still (the jellyfish beside it is what moves).
- Paused: the session's elapsed time stands still, so the figure does too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routineplayer.core.model import Step, StepKind
from routineplayer.core.motion import Motion, phase_at
from routineplayer.core.motion_library import library_motion, motion_for
from routineplayer.core.timeline import Segment, SegmentKind

_MOVING = (SegmentKind.WORK, SegmentKind.WAIT_DONE)
_STILL = (SegmentKind.LEAD_IN, SegmentKind.REST)


@dataclass(frozen=True)
class FigureMoment:
    motion: Motion
    phase: float
    mirror: bool
    moving: bool


def step_of(steps: Sequence[Step], segment: Segment) -> Step | None:
    return steps[segment.step_index] if 0 <= segment.step_index < len(steps) else None


def figure_moment(steps: Sequence[Step], segment: Segment, elapsed: float) -> FigureMoment | None:
    """The figure for ``segment`` after ``elapsed`` seconds in it; None shows no figure."""
    if segment.kind not in (*_MOVING, *_STILL):
        return None
    step = step_of(steps, segment)
    motion = motion_for(step) if step is not None else None
    if step is None or motion is None:
        return None
    mirror = segment.side in step.sides and step.sides.index(segment.side) % 2 == 1
    # Breathing shows the position still, beside the jellyfish, which is what moves.
    if segment.kind not in _MOVING or step.kind is StepKind.BREATHING:
        return FigureMoment(motion, 0.0, mirror, moving=False)
    # A cue may hand the set over to another movement (circles forwards, then backwards).
    switched = [c.movement for c in step.cues if c.movement and c.at <= elapsed]
    if switched:
        motion = library_motion(switched[-1]) or motion
    paced = step.kind is StepKind.REPS and step.tempo
    cycle = step.tempo if paced and step.tempo else motion.cycle
    return FigureMoment(motion, phase_at(cycle, elapsed), mirror, moving=True)


def next_motion(steps: Sequence[Step], segments: Sequence[Segment], index: int) -> Motion | None:
    """The figure of the next exercise (the step the "Next:" line names), if it has one."""
    if not 0 <= index < len(segments):
        return None
    current = segments[index].step_index
    for seg in segments[index + 1 :]:
        if seg.step_index != current and seg.kind is not SegmentKind.RESET:
            step = step_of(steps, seg)
            return motion_for(step) if step is not None else None
    return None


def first_movement(steps: Sequence[Step]) -> tuple[str, Motion] | None:
    """The first step that shows a movement, as (its title, the movement)."""
    for step in steps:
        motion = motion_for(step)
        if motion is not None:
            return step.display_title, motion
    return None
