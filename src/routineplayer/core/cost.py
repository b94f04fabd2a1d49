"""What a routine costs to expand, known before anything is expanded.

Every value in a routine file has a sane limit (reps 1000, sets 100, durations 24 h, ...),
but their product does not: one step of 1000 reps at a 24 h tempo, 100 sets and 8 sides is
800,000 counted reps, and fifty such steps in a 2 KB file took all 24 GB of a machine when
planned. So the expansion's size is bounded as a whole, from the steps alone, in time that
does not depend on it: segments, cues, breath phases and total length, through includes.

``estimate`` is an upper bound of what core.timeline.expand builds (a property test holds
the two together); the bounds are far above any real routine (the longest built-in, the
full session, is 21 minutes with a few hundred cues) and far below what hurts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from routineplayer.core.model import DEFAULT_SECONDS_PER_REP, Step, StepKind

MAX_SEGMENTS = 20_000
MAX_CUES = 50_000
MAX_BREATH_PHASES = 50_000  # 12 hours of 1-second phases is 43,200
MAX_TOTAL_SECONDS = 12 * 3600.0

# Each kind of segment's own cues (besides counted reps, breaths and the author's cues):
LEAD_IN_CUES = 4  # the announcement and 3-2-1
WORK_CUES = 6  # "Begin" (or "Switch sides"), "Halfway", 3-2-1, "Next: ..."
CHECK_CUES = 1  # the question
REST_CUES = 5  # "Rest", "Halfway through the rest", 3-2-1
# A lead-in lasts the routine's lead-in, or as long as its announcement takes (the title,
# the dose and the instruction at WORDS_PER_SECOND, then a 3-2-1): these bound both.
WORDS_PER_SECOND = 2.5  # as core.timeline sizes it
LEAD_IN_EXTRA_WORDS = 20  # "Get ready:", the dose (at most 8 words), "Press space when ..." (7)
LEAD_IN_EXTRA_SECONDS = 5.0  # the countdown and a breath


@dataclass(frozen=True)
class Cost:
    segments: int = 0
    cues: int = 0
    breath_phases: int = 0
    seconds: float = 0.0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.segments + other.segments,
            self.cues + other.cues,
            self.breath_phases + other.breath_phases,
            self.seconds + other.seconds,
        )

    def __mul__(self, times: int) -> Cost:
        return Cost(
            self.segments * times,
            self.cues * times,
            self.breath_phases * times,
            self.seconds * times,
        )

    def excess(self) -> str:
        """What is over the bounds, in words; "" when within them."""
        if self.seconds > MAX_TOTAL_SECONDS:
            hours, limit = self.seconds / 3600, MAX_TOTAL_SECONDS / 3600
            return f"it would last {hours:,.1f} hours, more than the {limit:.0f} a routine may"
        for count, limit, what in (
            (self.cues, MAX_CUES, "spoken cues"),
            (self.segments, MAX_SEGMENTS, "parts (sets, sides and rests)"),
            (self.breath_phases, MAX_BREATH_PHASES, "breath phases"),
        ):
            if count > limit:
                return f"it would make {count:,} {what}, more than the {limit:,} a routine may"
        return ""


def _work_cost(step: Step, seconds: float) -> Cost:
    """One set on one side."""
    cues = WORK_CUES + len(step.cues)
    phases = 0
    if step.kind is StepKind.REPS and step.tempo:
        cues += step.reps or 0  # a counted rep is a cue
    if step.kind is StepKind.BREATHING and step.breathing is not None:
        cycle = step.breathing.cycle
        cycles = math.ceil(seconds / cycle) + 1 if cycle > 0 else 0
        phases = 4 * cycles
        cues += 5 * cycles  # each phase's word or chime, and the imagery now and then
    return Cost(1, cues, phases, seconds)


def lead_in_seconds(text: str, lead_in: float) -> float:
    """An upper bound of a lead-in announcing ``text`` in a routine with ``lead_in``."""
    words = len(text.split()) + LEAD_IN_EXTRA_WORDS
    return max(lead_in, math.ceil(words / WORDS_PER_SECOND) + LEAD_IN_EXTRA_SECONDS)


def step_cost(step: Step, lead_in: float) -> Cost:
    """An upper bound of what ``step`` expands to in a routine with ``lead_in``. Include
    steps cost nothing here: what they include is counted where it is resolved (see
    timeline.flatten_checked)."""
    if step.kind is StepKind.INCLUDE:
        return Cost()
    if step.kind is StepKind.REST:
        return Cost(1, REST_CUES, 0, step.duration or 0.0)
    sides = len(step.sides) if len(step.sides) > 1 else 1
    seconds = step.work_seconds(DEFAULT_SECONDS_PER_REP) or 0.0
    announced = f"{step.title} {step.say}"
    cost = Cost(1, LEAD_IN_CUES, 0, lead_in_seconds(announced, lead_in))
    cost += _work_cost(step, seconds) * (step.sets * sides)
    if step.check is not None:
        cost += Cost(step.sets, step.sets * CHECK_CUES, 0, 0.0)
    if step.rest_between_sets > 0 and step.sets > 1:
        rests = step.sets - 1
        cost += Cost(rests, rests * REST_CUES, 0, rests * step.rest_between_sets)
    return cost


def opening_cost(title: str, position: str, lead_in: float) -> Cost:
    """The routine's opening announcement, counted before any step."""
    return Cost(1, 1, 0, lead_in_seconds(f"{title} {position}", lead_in))


def first_excess(steps: Sequence[Step], lead_in: float, start: Cost = Cost()) -> tuple[int, str]:
    """(index of the step that takes the running total over a bound, why); (-1, "") if none.
    ``start`` is what comes before the steps (the opening)."""
    total = start
    for index, step in enumerate(steps):
        total += step_cost(step, lead_in)
        why = total.excess()
        if why:
            return index, why
    return -1, ""
