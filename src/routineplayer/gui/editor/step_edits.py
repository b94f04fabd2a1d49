"""Pure edits of the immutable model: new steps, a changed field, steps added, moved, removed.

Every edit the editor makes is one of these functions applied to a Routine, so the undo
commands only swap whole (cheap, shared) immutable values and never mutate anything.
Field paths are the YAML key paths inside a step (``duration``, ``breathing.inhale``,
``check.reset``), the same paths the loader names in its problems.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from routineplayer.core.loader import STEP_KEYS
from routineplayer.core.model import Breathing, Check, Routine, Step, StepKind

# The fields each kind of step has: the loader's own table, so the form offers exactly the
# keys it accepts (a rest step's length is its "rest" key; here it is the duration field).
KIND_FIELDS: dict[StepKind, tuple[str, ...]] = {
    kind: tuple("duration" if key == "rest" else key for key in keys)
    for kind, keys in STEP_KEYS.items()
}

KIND_LABELS: dict[StepKind, str] = {
    StepKind.TIMED: "Timed exercise",
    StepKind.REPS: "Repetitions",
    StepKind.BREATHING: "Breathing",
    StepKind.REST: "Rest",
    StepKind.INCLUDE: "Another routine",
}

DEFAULT_BREATHING = Breathing(inhale=4.0, exhale=6.0)
DEFAULT_BREATHING_SECONDS = 60.0


def new_step(kind: StepKind, include: str = "") -> Step:
    """A sensible, valid-looking step of ``kind`` for the user to change."""
    if kind is StepKind.TIMED:
        return Step(kind, title="New exercise", duration=30.0)
    if kind is StepKind.REPS:
        return Step(kind, title="New exercise", reps=8, tempo=3.0)
    if kind is StepKind.BREATHING:
        return Step(
            kind, title="Breathing", duration=DEFAULT_BREATHING_SECONDS, breathing=DEFAULT_BREATHING
        )
    if kind is StepKind.REST:
        return Step(kind, duration=30.0)
    return Step(kind, include=include)


def change_kind(step: Step, kind: StepKind, include: str = "") -> Step:
    """``step`` as another kind: what both kinds share is kept, the rest takes defaults."""
    if kind is step.kind:
        return step
    fresh = new_step(kind, include)
    shared = set(KIND_FIELDS[kind]) & set(KIND_FIELDS[step.kind])
    if not step.title:  # a rest's empty title would blank the new kind's placeholder title
        shared.discard("title")
    return replace(fresh, **{name: getattr(step, name) for name in shared})


def get_field(step: Step, path: str) -> Any:
    """The value at a field path; None when a nested part (breathing, check) is absent."""
    value: Any = step
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def set_field(step: Step, path: str, value: Any) -> Step:
    """``step`` with the field at ``path`` set; a nested part is created when needed.

    A breathing step lasts a time or a number of breaths, never both (the loader's rule),
    so giving it one takes the other away in the same edit.
    """
    head, _, rest = path.partition(".")
    if not rest:
        step = replace(step, **{head: value})
    else:
        current = getattr(step, head)
        if current is None:
            current = DEFAULT_BREATHING if head == "breathing" else Check()
        step = replace(step, **{head: replace(current, **{rest: value})})
    if step.kind is StepKind.BREATHING and value is not None:
        if path == "duration" and step.breathing is not None:
            step = replace(step, breathing=replace(step.breathing, breaths=None))
        elif path == "breathing.breaths":
            step = replace(step, duration=None)
    return step


def set_routine_field(routine: Routine, name: str, value: Any) -> Routine:
    if name not in {f.name for f in fields(Routine)}:
        raise KeyError(name)
    return replace(routine, **{name: value})


def _own_motion(routine: Routine, step: Step) -> Step:
    """``step`` carrying the routine's own definition of its movement, as the loader gives
    it one: a save must load back equal, and the preview shows the figure at once."""
    own = next((m for m in routine.movements if m.id == step.movement), None)
    return step if own is step.motion else replace(step, motion=own)


def replace_step(routine: Routine, index: int, step: Step) -> Routine:
    steps = list(routine.steps)
    steps[index] = _own_motion(routine, step)
    return replace(routine, steps=tuple(steps))


def insert_step(routine: Routine, index: int, step: Step) -> Routine:
    steps = list(routine.steps)
    steps.insert(index, _own_motion(routine, step))
    return replace(routine, steps=tuple(steps))


def remove_step(routine: Routine, index: int) -> Routine:
    steps = list(routine.steps)
    del steps[index]
    return replace(routine, steps=tuple(steps))


def move_step(routine: Routine, source: int, target: int) -> Routine:
    """The step at ``source`` moved so that it ends up at index ``target``."""
    steps = list(routine.steps)
    steps.insert(target, steps.pop(source))
    return replace(routine, steps=tuple(steps))
