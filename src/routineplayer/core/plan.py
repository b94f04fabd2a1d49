"""A timeline (core.timeline.expand) as text for people and as JSON for tools: ``plan``.

Times are planned seconds from the start of the routine. Open-ended segments (a rep set
that waits for "done", the safety check that waits for an answer) count with the time
the timeline assumes for them, and are marked so. Cue times are final: a cue that the
timeline's cue spacing moved off another is shown where it will be said, marked with where
it was planned, and one left unsaid is listed as not said (core.timeline's docstring).
"""

from __future__ import annotations

import json
from typing import Any

from routineplayer.core.timeline import Segment, SegmentKind, TimedCue, Timeline


def format_clock(seconds: float) -> str:
    """'9:00', '1:02:03'; tenths are shown only when there are any: '0:07.5'."""
    tenths = round(seconds * 10)
    whole, tenth = divmod(tenths, 10)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{text}.{tenth}" if tenth else text


def _segment_note(seg: Segment) -> str:
    if seg.kind is SegmentKind.WAIT_DONE:
        return f"  (waits for done; planned {format_clock(seg.planned)})"
    if seg.kind is SegmentKind.CHECK:
        return "  (waits for the answer)"
    return ""


def _segment_label(seg: Segment) -> str:
    label = seg.title
    if seg.set_count > 1 and seg.kind is not SegmentKind.LEAD_IN:
        label += f", set {seg.set_number} of {seg.set_count}"
    if seg.side:
        label += f", {seg.side}"
    return label


def plan_text(timeline: Timeline) -> str:
    """The timeline as readable lines: each segment, then its spoken cues at their times."""
    routine = timeline.routine
    lines = [
        f"{routine.title}: {format_clock(timeline.total)} in all, "
        f"{format_clock(timeline.work_seconds)} of exercise",
    ]
    for seg in timeline.segments:
        span = f"{format_clock(seg.start):>8} - {format_clock(seg.end):>8}"
        lines.append(f"{span}  {seg.kind.value:<9}  {_segment_label(seg)}{_segment_note(seg)}")
        said = [(c.offset, _said(seg, c)) for c in seg.cues if c.text]
        chimes = len(seg.cues) - len(said)
        # Unsaid cues go among the said ones at their time, so a reader sees what they gave way to.
        unsaid = [(c.offset, f'(not said, voice busy: "{c.text}")') for c in seg.unsaid]
        for offset, words in sorted([*said, *unsaid], key=lambda line: line[0]):
            lines.append(f"{format_clock(seg.start + offset):>8}{'':13}{words}")
        if chimes:
            lines.append(f"{'':21}(+{chimes} chimes)")
    lines.append(f'{format_clock(timeline.total):>8}{"":13}"{timeline.closing_text}"')
    return "\n".join(lines) + "\n"


def _said(seg: Segment, cue: TimedCue) -> str:
    if cue.moved_from is not None:
        return f'"{cue.text}"  (moved from {format_clock(seg.start + cue.moved_from)})'
    return f'"{cue.text}"'


def plan_data(timeline: Timeline) -> dict[str, Any]:
    """The timeline as JSON-ready data; times are seconds (floats) from the start."""
    routine = timeline.routine
    return {
        "title": routine.title,
        "source": routine.source,
        "total_seconds": timeline.total,
        "work_seconds": timeline.work_seconds,
        "steps": [
            {"index": i, "kind": step.kind.value, "title": step.display_title}
            for i, step in enumerate(timeline.steps)
        ],
        "segments": [_segment_data(i, seg) for i, seg in enumerate(timeline.segments)],
        "closing_text": timeline.closing_text,
    }


def _segment_data(index: int, seg: Segment) -> dict[str, Any]:
    return {
        "index": index,
        "kind": seg.kind.value,
        "step_index": seg.step_index,
        "title": seg.title,
        "instruction": seg.instruction,
        "start": seg.start,
        "end": seg.end,
        "duration": seg.duration,  # null: open-ended (waits for done or for an answer)
        "planned": seg.planned,
        "set": seg.set_number,
        "sets": seg.set_count,
        "side": seg.side,
        "check_question": seg.check.question if seg.check is not None else None,
        "cues": [
            {
                "at": seg.start + cue.offset,
                "offset": cue.offset,
                "text": cue.text,
                "kind": cue.kind.value,
                "chime": cue.chime,
                # null, or where it was planned before cue spacing moved it off another
                "moved_from": None if cue.moved_from is None else seg.start + cue.moved_from,
            }
            for cue in seg.cues
        ],
        # spoken cues left out because an earlier or more important one holds the voice
        "unsaid": [
            {"at": seg.start + cue.offset, "text": cue.text, "kind": cue.kind.value}
            for cue in seg.unsaid
        ],
        "breath_phases": [
            {"at": seg.start + p.offset, "duration": p.duration, "phase": p.phase.value}
            for p in seg.breath
        ],
    }


def plan_json(timeline: Timeline) -> str:
    return json.dumps(plan_data(timeline), indent=2, ensure_ascii=False) + "\n"
