"""Writing a routine back to YAML: stable human key order, defaults left out, atomic writes.

``load_routine_text(dump_routine(r)) == r`` for every valid routine, and ``save_routine``
never leaves a half-written file: it writes a temporary file in the same folder, flushes
it to disk and renames it over the old one (one atomic step on the same file system).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.durations import format_duration
from routineplayer.core.figure import JOINTS, NEUTRAL, Keyframe, from_angles
from routineplayer.core.loader import DEFAULT_SIDES, load_routine_text
from routineplayer.core.model import DEFAULT_LEAD_IN, Check, Cue, Routine, Step, StepKind
from routineplayer.core.motion import Motion, MotionDefaults, Prop

LINE_WIDTH = 80
FOLD_OVER = 100  # longer single-line texts are written folded (>-) over several lines


class _Flow(list[str]):
    """A short list written on one line: sides: [left leg, right leg]."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("steps:\n  - title: ..."), as people write them.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = None
    if "\n" in text:
        style = "|"
    elif len(text) > FOLD_OVER:
        style = ">"
    # PyYAML falls back to a quoted style by itself when a block style cannot hold the text.
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_flow(dumper: yaml.SafeDumper, items: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_Flow, _represent_flow)


def _check_data(check: Check) -> bool | dict[str, Any]:
    defaults = Check()
    if check == defaults:
        return True
    data: dict[str, Any] = {}
    if check.question != defaults.question:
        data["question"] = check.question
    if check.reset != defaults.reset:
        data["reset"] = format_duration(check.reset)
    if check.reset_cue != defaults.reset_cue:
        data["reset_cue"] = check.reset_cue
    if check.max_resets != defaults.max_resets:
        data["max_resets"] = check.max_resets
    return data


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value


def motion_data(motion: Motion) -> dict[str, Any]:
    """A movement as docs/movement-format.md writes it, less ``format``: each keyframe
    names only what changed since the one before (the first, since standing)."""
    data: dict[str, Any] = {"name": motion.name, "description": motion.description}
    if motion.say:
        data["say"] = motion.say
    data["view"] = motion.view.value
    data["cycle"] = format_duration(motion.cycle)
    if motion.props:
        data["props"] = [_prop_data(p) for p in motion.props]
    d = motion.defaults
    if d != MotionDefaults():
        defaults: dict[str, Any] = {}
        if d.duration is not None:
            defaults["duration"] = format_duration(d.duration)
        if d.reps is not None:
            defaults["reps"] = d.reps
        if d.tempo is not None:
            defaults["tempo"] = format_duration(d.tempo)
        if d.sides:
            defaults["sides"] = _Flow(d.sides)
        if d.check:
            defaults["check"] = True
        data["defaults"] = defaults
    before = Keyframe(0.0, from_angles(NEUTRAL))
    frames = []
    for frame in motion.keyframes:
        entry: dict[str, Any] = {"at": _number(frame.at)}
        for name in ("x", "lift"):
            if getattr(frame.pose, name) != getattr(before.pose, name):
                entry[name] = _number(getattr(frame.pose, name))
        for joint, old, new in zip(JOINTS, before.pose.values, frame.pose.values, strict=True):
            if new != old:
                entry[joint] = _number(new)
        frames.append(entry)
        before = frame
    data["keyframes"] = frames
    return data


def _prop_data(prop: Prop) -> str | dict[str, Any]:
    plain = Prop(prop.kind)
    if prop == plain:
        return prop.kind.value
    data: dict[str, Any] = {"prop": prop.kind.value}
    if prop.x != plain.x:
        data["x"] = _number(prop.x)
    if prop.height != plain.height:
        data["height"] = _number(prop.height)
    if prop.side != plain.side:
        data["side"] = prop.side
    return data


def _cue_data(cue: Cue) -> dict[str, Any]:
    data: dict[str, Any] = {"at": format_duration(cue.at), "say": cue.say}
    if cue.movement:
        data["movement"] = cue.movement
    return data


def _step_data(step: Step) -> dict[str, Any]:
    if step.kind is StepKind.INCLUDE:
        return {"include": step.include}
    data: dict[str, Any] = {}
    if step.title:
        data["title"] = step.title
    if step.say:
        data["say"] = step.say
    if step.movement:
        data["movement"] = step.movement
    if step.kind is StepKind.REST:
        data["rest"] = format_duration(step.duration or 0.0)
    elif step.kind is StepKind.REPS:
        data["reps"] = step.reps
    elif step.duration is not None:
        data["duration"] = format_duration(step.duration)
    if step.tempo is not None:
        data["tempo"] = format_duration(step.tempo)
    if step.sets != 1:
        data["sets"] = step.sets
    if step.rest_between_sets:
        data["rest_between_sets"] = format_duration(step.rest_between_sets)
    if step.sides:
        data["sides"] = True if step.sides == DEFAULT_SIDES else _Flow(step.sides)
    if step.breathing is not None:
        b = step.breathing
        breathing: dict[str, Any] = {"inhale": format_duration(b.inhale)}
        if b.hold_in:
            breathing["hold_in"] = format_duration(b.hold_in)
        breathing["exhale"] = format_duration(b.exhale)
        if b.hold_out:
            breathing["hold_out"] = format_duration(b.hold_out)
        if b.breaths is not None:
            breathing["breaths"] = b.breaths
        if b.imagery:
            breathing["imagery"] = b.imagery
        data["breathing"] = breathing
    if step.check is not None:
        data["check"] = _check_data(step.check)
    if step.cues:
        data["cues"] = [_cue_data(c) for c in step.cues]
    return data


def routine_data(routine: Routine) -> dict[str, Any]:
    """The routine as plain YAML data, keys in the order people read them."""
    data: dict[str, Any] = {"format": routine.format, "title": routine.title}
    for key in ("summary", "credit", "position"):
        if getattr(routine, key):
            data[key] = getattr(routine, key)
    if routine.equipment:
        data["equipment"] = list(routine.equipment)
    if routine.safety:
        data["safety"] = list(routine.safety)
    if routine.lead_in != DEFAULT_LEAD_IN:
        data["lead_in"] = format_duration(routine.lead_in)
    if routine.movements:
        data["movements"] = {m.id: motion_data(m) for m in routine.movements}
    data["steps"] = [_step_data(step) for step in routine.steps]
    return data


def dump_routine(routine: Routine) -> str:
    """The routine as YAML text.

    No ``$schema`` comment: every file written here lives outside the repository (My
    routines, an export, a shared copy), where a relative path to assets/ names nothing, and
    the schema has no address that is valid wherever a file goes.
    """
    text: str = yaml.dump(
        routine_data(routine),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=LINE_WIDTH,
        indent=2,
    )
    return text


def save_routine(routine: Routine, path: str | Path) -> None:
    """Write ``routine`` to ``path`` atomically.

    Writes nothing and raises RoutineError when the routine would not load back (e.g. an
    empty title from an editor form), or ValueError if it would load back different.
    """
    text = dump_routine(routine)
    if load_routine_text(text, str(path)) != routine:
        raise ValueError(f"saving {routine.title!r} would not load back the same routine")
    write_atomic(Path(path), text.encode("utf-8"))
