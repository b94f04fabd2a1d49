"""Who speaks when two cues want the one voice: shared by live playback and the audio track.

Two voices never sound at once. A cue of higher priority than the one speaking waits for it
if it is about to end anyway, otherwise cuts it with a short fade; a cue of equal or lower
priority queues behind, and is dropped if it would start too late to still mean anything
(a "3" of a countdown one second late is worse than no "3"). A notice (priority below
zero, such as "Sound is back.") tells a state, not a moment: it waits for a gap however
long, and is never dropped. Chimes are not voices and may
overlap speech freely. Pure logic, no Qt, so both CuePlayer and the track renderer use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class VoiceTiming:
    wait_s: float = 0.3  # longest a higher-priority cue waits for the current one to end
    fade_s: float = 0.06  # fade-out when cutting a voice, so it does not click
    max_late_s: float = 1.0  # a queued cue later than this is dropped


class Action(Enum):
    START = "start"  # the voice is free: start now
    AFTER_CURRENT = "after-current"  # start as soon as the current voice ends
    CUT = "cut"  # fade the current voice out now, then start
    QUEUE = "queue"  # equal/lower priority: start after the current one, if not too late


@dataclass(frozen=True)
class Decision:
    action: Action
    start_at: float  # when the new cue is expected to start


def decide(
    now: float,
    new_priority: int,
    current_priority: int | None,
    current_end: float | None,
    timing: VoiceTiming,
) -> Decision:
    """What to do with a cue requested at ``now`` (``current_*`` None when the voice is free)."""
    if current_priority is None or current_end is None or current_end <= now:
        return Decision(Action.START, now)
    if new_priority > current_priority:
        if current_end - now <= timing.wait_s:
            return Decision(Action.AFTER_CURRENT, current_end)
        return Decision(Action.CUT, now + timing.fade_s)
    return Decision(Action.QUEUE, current_end)


NOTICE_BELOW = 0  # priorities under this are notices: true later too, so never too late


def too_late(
    requested_at: float, start_at: float, timing: VoiceTiming, priority: int = NOTICE_BELOW
) -> bool:
    if priority < NOTICE_BELOW:
        return False
    return start_at - requested_at > timing.max_late_s
