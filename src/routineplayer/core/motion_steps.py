"""The step the movement library adds for a movement, and that step in words."""

from __future__ import annotations

from routineplayer.core.durations import format_duration
from routineplayer.core.model import Check, Step, StepKind
from routineplayer.core.motion import Motion


def step_from_motion(motion: Motion) -> Step:
    """The step the library adds for ``motion``: its name, instruction and defaults."""
    d = motion.defaults
    reps = d.reps is not None
    return Step(
        StepKind.REPS if reps else StepKind.TIMED,
        title=motion.name,
        say=motion.say or motion.description,
        duration=None if reps else d.duration or motion.cycle * 8,
        reps=d.reps,
        tempo=d.tempo,
        sides=d.sides,
        check=Check() if d.check else None,
        movement=motion.id,
    )


def defaults_text(motion: Motion) -> str:
    """The step it makes, in words: "8 reps, 4 s each · each side · the lower-belly check"."""
    d = motion.defaults
    if d.reps is not None:
        parts = [f"{d.reps} reps" + (f", {format_duration(d.tempo)} each" if d.tempo else "")]
    else:
        parts = [format_duration(d.duration or motion.cycle * 8)]
    if d.sides:
        parts.append(" then ".join(d.sides))
    if d.check:
        parts.append("the lower-belly check after each set")
    return " · ".join(parts)
