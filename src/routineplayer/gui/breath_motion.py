"""Where a breath is at a moment: pure arithmetic over the engine's BreathPhase list.

The jellyfish's size comes from here, evaluated at the session's own elapsed time on each
frame, so the animation can never drift from the spoken and chimed phases (a separate
animation timer counting frames would).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from routineplayer.core.timeline import BREATH_WORDS, BreathPhase, BreathPhaseKind


@dataclass(frozen=True)
class BreathState:
    phase: BreathPhaseKind
    fullness: float  # 0 = breathed out, 1 = breathed in; eased so the motion starts softly
    progress: float  # 0..1 through the current phase
    remaining: float  # seconds left in the current phase

    @property
    def words(self) -> str:
        return BREATH_WORDS[self.phase]


def _ease(x: float) -> float:
    """Sine ease in and out: lungs do not start or stop at full speed."""
    return 0.5 - 0.5 * math.cos(math.pi * min(max(x, 0.0), 1.0))


def breath_at(phases: Sequence[BreathPhase], elapsed: float) -> BreathState | None:
    """The breath at ``elapsed`` seconds into a segment; None for a segment without breaths."""
    if not phases:
        return None
    starts = [p.offset for p in phases]
    i = max(bisect.bisect_right(starts, elapsed) - 1, 0)
    phase = phases[i]
    progress = (elapsed - phase.offset) / phase.duration if phase.duration > 0 else 1.0
    progress = min(max(progress, 0.0), 1.0)
    kind = phase.phase
    if kind is BreathPhaseKind.INHALE:
        fullness = _ease(progress)
    elif kind is BreathPhaseKind.EXHALE:
        fullness = 1.0 - _ease(progress)
    else:
        fullness = 1.0 if kind is BreathPhaseKind.HOLD_IN else 0.0
    remaining = max(phase.offset + phase.duration - elapsed, 0.0)
    return BreathState(kind, fullness, progress, remaining)
