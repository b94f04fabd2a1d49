"""Sharing routines as files: import one into My routines, export one to a chosen place.

An import is checked by the loader, includes and all, against the library it joins (not the
folder it came from: once copied, its neighbours are no longer there). Nothing is written
unless it is a good routine, and a name that is taken is never overwritten without asking.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from routineplayer.core import paths
from routineplayer.core.library import Library
from routineplayer.core.loader import include_problems, load_routine, step_titles
from routineplayer.core.model import Routine
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.routine_files import SUFFIX, free_name, is_user_routine, slugify
from routineplayer.core.saver import save_routine
from routineplayer.gui.editor.validation import describe_at

Ask = Callable[[str, str, tuple[str, ...]], str]

KEEP_BOTH = "Keep both"
REPLACE = "Replace mine"
CANCEL = "Cancel"
_NUMBERED = re.compile(r" \(\d+\)$")  # the " (2)" that tells two titles apart


@dataclass(frozen=True)
class ImportResult:
    path: Path | None = None  # where it was copied; None if not imported
    problems: tuple[Problem, ...] = ()
    titles: tuple[str, ...] = ()  # the file's step titles, to name the steps with problems

    @property
    def summary(self) -> str:
        """Each problem in words, steps counted from 1: 'Step 1 “Reach”: duration: …'."""
        return "\n".join(_in_words(p, self.titles) for p in self.problems)

    @property
    def message(self) -> str:
        """Each problem as ``routineplayer validate`` prints it: file:line:column: key: ..."""
        return "\n".join(str(p) for p in self.problems)


def _in_words(problem: Problem, titles: Sequence[str]) -> str:
    text = describe_at(problem, titles)
    if problem.key_path or (problem.line, problem.column) == (1, 1):
        return text
    # Nothing but the place in the file names where it is (a YAML syntax error).
    return f"Line {problem.line}, column {problem.column}: {text}"


def _fold(title: str) -> str:
    return " ".join(title.split()).casefold()


def library_titles(library: Library) -> dict[str, Path]:
    """Each routine's title (as a person tells titles apart: case and spacing aside) and its
    file: built-ins first, then mine."""
    titles: dict[str, Path] = {}
    for entry in library.entries():
        if entry.shadowed:
            continue
        try:
            titles.setdefault(_fold(library.resolve(entry.name).title), entry.path)
        except (LookupError, RoutineError):
            continue  # a broken file shows no card to tell apart
    return titles


def free_title(title: str, taken: Collection[str]) -> str:
    """``title (2)``, ``(3)``, ...: the first not in ``taken`` (folded titles)."""
    base = _NUMBERED.sub("", title)
    number = 2
    while _fold(candidate := f"{base} ({number})") in taken:
        number += 1
    return candidate


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
    """Copy a good routine file into My routines; a title that is taken is resolved by asking.

    A file name is never a question: the copy takes a free one. What a person tells apart
    is titles, so two routines never end up with the same one.
    """
    routine, problems = check_import(source, library)
    if routine is None:
        return ImportResult(problems=problems, titles=step_titles(source))
    target = paths.user_routines_dir() / f"{free_name(slugify(source.stem))}{SUFFIX}"
    titles = library_titles(library)
    taken = titles.get(_fold(routine.title))
    if taken is not None:
        other = free_title(routine.title, titles)
        mine = is_user_routine(taken)
        if mine:
            question = (
                f"You already have a routine called “{routine.title}”. "
                f"Import this one as “{other}”, or replace yours?"
            )
        else:
            question = (
                f"A built-in routine is called “{routine.title}”. Import this one as “{other}”?"
            )
        choices = (KEEP_BOTH, REPLACE, CANCEL) if mine else (KEEP_BOTH, CANCEL)
        answer = ask("This title is taken", question, choices)
        if answer == CANCEL:
            return ImportResult()
        if answer == KEEP_BOTH:
            routine = replace(routine, title=other)
        else:
            target = taken
    save_routine(replace(routine, source=""), target)
    return ImportResult(path=target)


def export_routine(routine: Routine, target: Path) -> Path:
    """Write ``routine`` to ``target`` (a .yaml suffix is added when it has none)."""
    if target.suffix.lower() not in (".yaml", ".yml"):
        target = target.with_name(target.name + SUFFIX)
    save_routine(routine, target)
    return target
