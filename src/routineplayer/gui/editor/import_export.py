"""Sharing routines as files: import one into My routines, export one to a chosen place.

An import is checked by the loader, includes and all, against the library it joins (not the
folder it came from: once copied, its neighbours are no longer there). Nothing is written
unless it is a good routine, and a name that is taken is never overwritten without asking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from routineplayer.core import paths
from routineplayer.core.library import Library
from routineplayer.core.loader import include_problems, load_routine
from routineplayer.core.model import Routine
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.routine_files import SUFFIX, existing_routine, free_name, slugify
from routineplayer.core.saver import save_routine

Ask = Callable[[str, str, tuple[str, ...]], str]

KEEP_BOTH = "Keep both"
REPLACE = "Replace mine"
CANCEL = "Cancel"


@dataclass(frozen=True)
class ImportResult:
    path: Path | None = None  # where it was copied; None if not imported
    problems: tuple[Problem, ...] = ()

    @property
    def message(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def check_import(source: Path, library: Library) -> tuple[Routine | None, tuple[Problem, ...]]:
    """The routine in ``source`` and every problem the loader finds in it.

    Includes are checked as ``routineplayer validate`` does (next to the file too, so a loop
    between two shared files is named as one), then in the library alone, where it will live.
    """
    try:
        routine = load_routine(source)
    except RoutineError as exc:
        return None, exc.problems
    problems = include_problems(routine, library.with_dir(source.parent)) or include_problems(
        routine, library
    )
    return (None, tuple(problems)) if problems else (routine, ())


def import_routine(source: Path, library: Library, ask: Ask) -> ImportResult:
    """Copy a good routine file into My routines; a taken name is resolved by asking."""
    routine, problems = check_import(source, library)
    if routine is None:
        return ImportResult(problems=problems)
    name = slugify(source.stem)
    taken = existing_routine(name)
    if taken is not None:
        free = free_name(name)
        mine = taken.parent.resolve() == paths.user_routines_dir().resolve()
        choices = (KEEP_BOTH, REPLACE, CANCEL) if mine else (KEEP_BOTH, CANCEL)
        whose = "One of your routines" if mine else "A built-in routine"
        answer = ask(
            "A routine has this name",
            f"{whose} is already called “{name}”. Import this one as “{free}”"
            + (", or replace yours?" if mine else "?"),
            choices,
        )
        if answer == CANCEL:
            return ImportResult()
        if answer == KEEP_BOTH:
            name = free
    target = paths.user_routines_dir() / f"{name}{SUFFIX}"
    save_routine(replace(routine, source=""), target)
    return ImportResult(path=target)


def export_routine(routine: Routine, target: Path) -> Path:
    """Write ``routine`` to ``target`` (a .yaml suffix is added when it has none)."""
    if target.suffix.lower() not in (".yaml", ".yml"):
        target = target.with_name(target.name + SUFFIX)
    save_routine(routine, target)
    return target
