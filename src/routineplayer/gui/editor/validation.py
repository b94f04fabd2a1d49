"""Live validation by the loader's own rules, with each message routed to its field.

The draft is written out exactly as a save would write it (core.saver.dump_routine) and read
back by core.loader, includes and all: so the editor can never accept what the loader would
refuse, nor refuse what it accepts. The loader names each problem by key path
(``steps[2].breathing.inhale``); this module turns those paths into the form's fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from routineplayer.core.control_chars import escape_controls
from routineplayer.core.library import Library
from routineplayer.core.loader import include_problems, load_routine_text
from routineplayer.core.model import Routine
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.routine_files import slugify
from routineplayer.core.saver import dump_routine

_STEP_PATH = re.compile(r"^steps\[(\d+)\](?:\.(.+))?$")
_INDEXED = re.compile(r"^(\w+)\[(\d+)\](?:\.(.+))?$")
# Step keys whose problems belong to a field with another name in the form.
_STEP_FIELD_ALIASES = {"rest": "duration"}
# Problems about these parts as a whole go to the top of the step form.
_STEP_WHOLE = {"breathing", "check"}
# Routine keys named as the form names them.
_ROUTINE_FIELD_NAMES = {"lead_in": "get-ready time"}


@dataclass
class Findings:
    """Every problem, by where the form shows it. Empty means the routine can be saved."""

    routine: dict[str, str] = field(default_factory=dict)  # routine field -> message
    steps: dict[int, dict[str, str]] = field(default_factory=dict)  # "" = the whole step
    general: list[str] = field(default_factory=list)
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def step_summary(self, index: int) -> str:
        return "\n".join(self.steps.get(index, {}).values())

    def _add(self, where: dict[str, str], key: str, message: str) -> None:
        where[key] = f"{where[key]}\n{message}" if key in where else message


def _step_field(path: str) -> tuple[str, str]:
    """(form field, prefix for the message) for a key path inside a step."""
    if not path or path in _STEP_WHOLE:
        return "", ""
    match = _INDEXED.match(path)
    if match:  # cues[1].at, sides[0]: the list's field, naming which item
        name, index, _ = match.groups()
        item = "cue" if name == "cues" else name.rstrip("s")
        return name, f"{item} {int(index) + 1}: "
    return _STEP_FIELD_ALIASES.get(path, path), ""


def describe(problem: Problem, routine: Routine) -> str:
    return describe_at(problem, [step.display_title for step in routine.steps])


def describe_at(problem: Problem, titles: Sequence[str]) -> str:
    """A problem in words, its step counted from 1 and named by ``titles`` (each step's):
    'Step 2 “Bird-dog”: reps: expected a whole number …', 'Get-ready time: …'."""
    match = _STEP_PATH.match(problem.key_path)
    if match:
        index = int(match.group(1))
        title = titles[index] if index < len(titles) else ""
        name, prefix = _step_field(match.group(2) or "")
        where = f"Step {index + 1} “{title}”" if title else f"Step {index + 1}"
        field = prefix.rstrip(": ") or name.replace("_", " ").replace(".", " ")
        text = f"{where}: {field}: {problem.message}" if field else f"{where}: {problem.message}"
    elif problem.key_path:
        top = problem.key_path.split("[")[0].split(".")[0]
        name = _ROUTINE_FIELD_NAMES.get(top, top.replace("_", " ")).capitalize()
        text = f"{name}{problem.key_path[len(top) :]}: {problem.message}"
    else:
        text = problem.message
    return escape_controls(text)


def sort_problems(problems: tuple[Problem, ...], routine: Routine) -> Findings:
    findings = Findings(problems=problems)
    for problem in problems:
        match = _STEP_PATH.match(problem.key_path)
        if match:
            index = int(match.group(1))
            name, prefix = _step_field(match.group(2) or "")
            findings._add(findings.steps.setdefault(index, {}), name, prefix + problem.message)
            continue
        top = problem.key_path.split("[")[0].split(".")[0]
        if top and top != "steps" and hasattr(routine, top):
            findings._add(findings.routine, top, problem.message)
        else:
            findings.general.append(problem.text)
    return findings


def validate(routine: Routine, library: Library, name: str = "routine") -> Findings:
    """What the loader says about ``routine`` once saved as ``name``.yaml in My routines."""
    filename = f"{name}.yaml"
    try:
        text = dump_routine(routine)
    except (TypeError, ValueError) as exc:  # a value the format cannot hold
        problem = Problem(filename, 1, 1, "", f"cannot be written as a routine: {exc}")
        return Findings(general=[problem.text], problems=(problem,))
    try:
        loaded = load_routine_text(text, filename)
    except RoutineError as exc:
        return sort_problems(exc.problems, routine)
    # The source names the draft's own file, so including itself is found as a loop.
    source = str((library.user_dir / filename).resolve())
    return sort_problems(tuple(include_problems(replace(loaded, source=source), library)), routine)


def draft_name(path: Path | None, title: str) -> str:
    """The name a draft will have: its file's, or one made from its title."""
    return path.stem if path is not None else slugify(title)
