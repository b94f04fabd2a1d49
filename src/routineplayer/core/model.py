"""The routine model: typed, immutable, and free of any I/O.

A Routine is what one YAML file holds (format version 1, docs/routine-format.md). Steps
come in five kinds, told apart in YAML by which key a step has: ``duration`` (timed),
``reps`` (repetitions, optionally paced by ``tempo``), ``breathing``, ``rest`` (a rest step)
and ``include`` (another routine by name). Durations are float seconds throughout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from routineplayer.core.motion import Motion

FORMAT_VERSION = 1

DEFAULT_CHECK_QUESTION = "Did your lower belly disconnect?"
DEFAULT_RESET_CUE = (
    "Stop and rest. When you go again, scoop up from your lower belly as you move, "
    "and grow tall through your back."
)
DEFAULT_RESET_SECONDS = 120.0
DEFAULT_MAX_RESETS = 2
DEFAULT_LEAD_IN = 8.0
# Rep steps with no tempo wait for "done"; plans and audio tracks assume this pace.
DEFAULT_SECONDS_PER_REP = 4.0


class StepKind(StrEnum):
    TIMED = "timed"
    REPS = "reps"
    BREATHING = "breathing"
    REST = "rest"
    INCLUDE = "include"


@dataclass(frozen=True)
class Cue:
    """Extra spoken text at ``at`` seconds into each set (and each side) of a step."""

    at: float
    say: str
    movement: str = ""  # from here on in the set, the figure shows this movement instead


@dataclass(frozen=True)
class Breathing:
    """One breath cycle: inhale, hold, exhale, hold (seconds), with imagery to speak."""

    inhale: float
    exhale: float
    hold_in: float = 0.0
    hold_out: float = 0.0
    breaths: int | None = None  # when set, the step lasts this many cycles
    imagery: str = ""

    @property
    def cycle(self) -> float:
        return self.inhale + self.hold_in + self.exhale + self.hold_out


@dataclass(frozen=True)
class Check:
    """The safety check asked after each set, and the rest-and-reset that a 'yes' starts."""

    question: str = DEFAULT_CHECK_QUESTION
    reset: float = DEFAULT_RESET_SECONDS
    reset_cue: str = DEFAULT_RESET_CUE
    max_resets: int = DEFAULT_MAX_RESETS


@dataclass(frozen=True)
class SourcePos:
    """Where something was written (1-based), for error messages; never part of equality."""

    file: str = ""
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Step:
    kind: StepKind
    title: str = ""
    say: str = ""  # spoken instruction at the start of the step's work
    duration: float | None = None  # per set and per side: timed, rest, breathing by time
    reps: int | None = None
    tempo: float | None = None  # seconds per rep; None on a reps step = wait for "done"
    sets: int = 1
    rest_between_sets: float = 0.0
    sides: tuple[str, ...] = ()  # e.g. ("left leg", "right leg"): each side gets the work
    breathing: Breathing | None = None
    check: Check | None = None
    cues: tuple[Cue, ...] = ()
    include: str | None = None
    movement: str = ""  # the id of a movement whose figure shows the step (movement library)
    motion: Motion | None = None  # that movement, when the step's own routine defines it
    pos: SourcePos = field(default_factory=SourcePos, compare=False, repr=False)

    @property
    def waits_for_done(self) -> bool:
        return self.kind is StepKind.REPS and self.tempo is None

    def work_seconds(self, default_seconds_per_rep: float | None = None) -> float | None:
        """Length of one set on one side; None when it waits for the user's "done"."""
        if self.kind is StepKind.REPS:
            tempo = self.tempo if self.tempo is not None else default_seconds_per_rep
            return None if tempo is None or self.reps is None else self.reps * tempo
        if self.kind is StepKind.BREATHING and self.duration is None and self.breathing:
            return (self.breathing.breaths or 0) * self.breathing.cycle
        return self.duration

    @property
    def display_title(self) -> str:
        if self.title:
            return self.title
        if self.kind is StepKind.REST:
            return "Rest"
        if self.kind is StepKind.INCLUDE:
            return f"Routine: {self.include}"
        return self.kind.value.capitalize()


@dataclass(frozen=True)
class Routine:
    title: str
    steps: tuple[Step, ...]
    summary: str = ""
    credit: str = ""
    position: str = ""
    equipment: tuple[str, ...] = ()
    safety: tuple[str, ...] = ()
    lead_in: float = DEFAULT_LEAD_IN
    movements: tuple[Motion, ...] = ()  # movements this routine defines for its own steps
    format: int = FORMAT_VERSION
    source: str = field(default="", compare=False, repr=False)  # file it was loaded from
