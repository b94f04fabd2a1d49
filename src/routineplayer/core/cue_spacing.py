"""Cues that fall together: which keeps the voice, which moves, which goes unsaid.

The voice says one thing at a time, so the timeline decides ahead, by a rule, what happens
when two spoken cues of one segment would overlap; the player's voice policy then only
smooths what the estimate got wrong. A spoken cue is a ``Claim`` on the voice for
``[start, start + seconds]`` (core.timeline estimates the seconds from the words; the real
clip lengths are not known in core). Chimes are not voices and never claim it.

1. **Tied claims keep their time.** They mark a moment of the movement or the breath. They
   take the voice in order of time; one that would start while an earlier tied claim still
   speaks is left unsaid, because a count said late or cut short is worse than none.
2. **Free claims take what is left**, higher rank first, then in order of time. A free
   claim keeps its time when the voice is quiet for the whole of it. Otherwise it moves to
   the nearest start within MAX_MOVE seconds either way (the later one on a tie) where the
   voice is quiet from GAP before it to GAP after it and it ends within the segment; claims
   placed after it keep that gap too. When there is no such start, it is left unsaid.

Moved starts fall on a tenth of a second, as ``plan`` prints them. Pure logic, no cue types:
core.timeline says which cues are tied and how they rank (its module docstring).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Said further than this from its moment, a cue no longer means what it says ("Halfway.").
MAX_MOVE = 5.0
# The estimate counts words only: a synthesised "5" lasts about 0.6 s, not the 0.4 s
# estimated, and it held a "Next" back 603 ms live. A moved cue leaves this much more.
GAP = 0.3
_EPS = 1e-9


@dataclass(frozen=True)
class Claim:
    """One spoken cue asking for the voice: from ``start`` for ``seconds``."""

    start: float
    seconds: float
    tied: bool  # keeps its time, or is left unsaid
    rank: int = 0  # free claims of higher rank take the voice first


def place(claims: Sequence[Claim], length: float | None) -> list[float | None]:
    """Each claim's final start (None: left unsaid), in the order given.

    ``length`` is the segment's length (None: open-ended), which no moved claim runs past.
    Tied claims that start together take the voice in the order given.
    """
    limit = math.inf if length is None else length
    spans: list[tuple[float, float]] = []
    out: list[float | None] = [None] * len(claims)
    tied = sorted((i for i, c in enumerate(claims) if c.tied), key=lambda i: claims[i].start)
    free = sorted(
        (i for i, c in enumerate(claims) if not c.tied),
        key=lambda i: (-claims[i].rank, claims[i].start),
    )
    for i in tied:
        claim = claims[i]
        if _clear(spans, claim.start, claim.start + claim.seconds):
            out[i] = claim.start
            spans.append((claim.start, claim.start + claim.seconds))
    for i in free:
        claim = claims[i]
        at = _nearest_quiet(spans, claim, limit)
        if at is not None:
            out[i] = at
            # A moved claim keeps its quiet gap from those placed after it, too.
            pad = GAP if at != claim.start else 0.0
            spans.append((at - pad, at + claim.seconds + pad))
    return out


def _clear(spans: list[tuple[float, float]], start: float, end: float) -> bool:
    """True if nothing in ``spans`` overlaps [start, end] (touching is not overlapping)."""
    return not any(start < e - _EPS and s < end - _EPS for s, e in spans)


def _nearest_quiet(spans: list[tuple[float, float]], claim: Claim, limit: float) -> float | None:
    start, seconds = claim.start, claim.seconds
    if _clear(spans, start, start + seconds):
        return start
    # The nearest quiet start is right after a span or right before one (or at an end of
    # the segment): the edges of the stretches where the claim fits.
    candidates = {0.0, _down(limit - seconds)} if limit < math.inf else {0.0}
    for s, e in spans:
        candidates.add(_up(e + GAP))
        candidates.add(_down(s - GAP - seconds))
    fits = [
        t
        for t in candidates
        if t >= 0.0
        and t + seconds <= limit + _EPS
        and abs(t - start) <= MAX_MOVE + _EPS
        and _clear(spans, t - GAP, t + seconds + GAP)
    ]
    # Nearest first; of two as near, the later (a cue said a little late reads as natural,
    # one said early anticipates). Distances are rounded so float noise breaks no tie.
    return min(fits, key=lambda t: (round(abs(t - start), 6), -t), default=None)


def _up(t: float) -> float:
    return math.ceil(t * 10 - 1e-6) / 10


def _down(t: float) -> float:
    return math.floor(t * 10 + 1e-6) / 10
