"""The words the player shows, from a segment and the session's state (no widgets here).

Shared by the window, the audio-only view and the terminal player so they all say the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from routineplayer.core.session import State
from routineplayer.core.timeline import Segment, SegmentKind, Timeline


def set_text(segment: Segment, state: State) -> str:
    """'Set 2 of 3 · Left arm', 'Get ready', 'After set 1 of 2', or ''."""
    if state is State.LEAD_IN or segment.kind is SegmentKind.LEAD_IN:
        sets = f" · {segment.set_count} sets" if segment.set_count > 1 else ""
        return f"Get ready{sets}"
    parts = []
    if segment.set_count > 1:
        prefix = "After set" if segment.kind is SegmentKind.CHECK else "Set"
        parts.append(f"{prefix} {segment.set_number} of {segment.set_count}")
    if segment.side:
        parts.append(segment.side[:1].upper() + segment.side[1:])
    return " · ".join(parts)


def next_step_text(segments: Sequence[Segment], index: int) -> str:
    """The next exercise (not the next set of this one): 'Next: Arm circles'."""
    if not 0 <= index < len(segments):
        return ""
    current = segments[index].step_index
    for seg in segments[index + 1 :]:
        if seg.step_index != current and seg.kind is not SegmentKind.RESET:
            return f"Next: {seg.title}"
    return "Last step"


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
