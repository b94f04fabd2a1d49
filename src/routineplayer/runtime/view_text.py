"""The words the player shows, from a segment and the session's state (no widgets here).

Shared by the window, the audio-only view and the terminal player so they all say the same.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from routineplayer.core.model import StepKind
from routineplayer.core.session import Session, State
from routineplayer.core.timeline import Segment, SegmentKind, Timeline


def set_text(segment: Segment, state: State) -> str:
    """'Set 2 of 3 · Left arm', 'Get ready', 'After set 1 of 2', or ''."""
    if state is State.LEAD_IN or segment.kind is SegmentKind.LEAD_IN:
        sets = sets_ahead_text(segment)
        return f"Get ready · {sets}" if sets else "Get ready"
    parts = []
    if segment.set_count > 1:
        prefix = "After set" if segment.kind is SegmentKind.CHECK else "Set"
        parts.append(f"{prefix} {segment.set_number} of {segment.set_count}")
    if segment.side:
        parts.append(segment.side[:1].upper() + segment.side[1:])
    return " · ".join(parts)


def sets_ahead_text(segment: Segment) -> str:
    """What a get-ready leads into, beside its own "Get ready": '3 sets', or ''."""
    return f"{segment.set_count} sets" if segment.set_count > 1 else ""


def next_step_text(segments: Sequence[Segment], index: int) -> str:
    """The next exercise (not the next set of this one): 'Next: Arm circles'; during a
    rest-and-reset, the set it is a rest before; during a rest between sets, that set."""
    if not 0 <= index < len(segments):
        return ""
    if segments[index].kind is SegmentKind.RESET:
        return "Next: the same set again"
    current = segments[index].step_index
    if segments[index].kind is SegmentKind.REST:
        for seg in segments[index + 1 :]:
            if seg.step_index != current:
                break
            if seg.kind in (SegmentKind.WORK, SegmentKind.WAIT_DONE):
                return f"Next: {seg.title}, set {seg.set_number} of {seg.set_count}"
    for seg in segments[index + 1 :]:
        if seg.step_index != current and seg.kind is not SegmentKind.RESET:
            return f"Next: {seg.title}"
    return "Last step"


def time_left(session: Session) -> float:
    """Seconds left in the routine as it now stands: the rest of this segment, then every
    segment still to come, with a rest-and-reset and the set it repeats once they are in."""
    segments, index = session.segments, session.segment_index
    if index >= len(segments):
        return 0.0
    here = max(segments[index].planned - session.elapsed_in_segment(), 0.0)
    return here + sum(seg.planned for seg in segments[index + 1 :])


def rep_text(timeline: Timeline, segment: Segment, elapsed: float) -> str:
    """'Rep 3 of 6' during a rep set with a tempo, the rep the voice counted last; else ''.

    The timeline counts rep n aloud at (n - 1) * tempo, so this is the same sum."""
    if segment.kind is not SegmentKind.WORK or not 0 <= segment.step_index < len(timeline.steps):
        return ""
    step = timeline.steps[segment.step_index]
    if step.kind is not StepKind.REPS or not step.tempo or not step.reps:
        return ""
    rep = min(math.floor(elapsed / step.tempo + 1e-9) + 1, step.reps)
    return f"Rep {rep} of {step.reps}"


def reps_text(timeline: Timeline, segment: Segment) -> str:
    if 0 <= segment.step_index < len(timeline.steps):
        reps = timeline.steps[segment.step_index].reps
        if reps:
            return f"{reps} rep{'s' if reps != 1 else ''}"
    return "Done?"


def audio_only_title(segment: Segment, state: State) -> str:
    """One short line for the dim floor view; the voice says the rest."""
    if state is State.CHECKING or segment.kind is SegmentKind.CHECK:
        return f"{segment.instruction}\nY = yes · N = no"
    if state is State.WAITING_DONE:
        return f"{segment.title}\nany key when the set is done"
    info = set_text(segment, state)
    return f"{segment.title}\n{info}" if info else segment.title
