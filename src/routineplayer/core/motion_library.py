"""The movement library: the movements shipped in ``assets/movements/``, by id.

Ids are file stems (``bird-dog.yaml`` is ``bird-dog``). A broken built-in file is an
install fault: it raises RoutineError naming the file, as a broken routine does.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

from routineplayer.core import paths
from routineplayer.core.motion_reader import load_motion_file
from routineplayer.core.problems import RoutineError

if TYPE_CHECKING:
    from routineplayer.core.model import Step
    from routineplayer.core.motion import Motion

SUFFIX = ".yaml"


def movements_dir() -> Path:
    return paths.assets_dir() / "movements"


def builtin_motion_ids() -> frozenset[str]:
    """Every built-in movement's id; none when the folder is missing (a broken install
    shows no figures, and the routines still play)."""
    try:
        return _ids(movements_dir())
    except (paths.DataNotFoundError, OSError):
        return frozenset()


@functools.cache
def _ids(directory: Path) -> frozenset[str]:
    return frozenset(p.stem for p in directory.glob(f"*{SUFFIX}") if p.is_file())


def builtin_motion(motion_id: str) -> Motion:
    """A built-in movement; KeyError when there is none with that id."""
    if motion_id not in builtin_motion_ids():
        raise KeyError(motion_id)
    return _load(movements_dir() / f"{motion_id}{SUFFIX}")


@functools.cache
def _load(path: Path) -> Motion:
    return load_motion_file(path)


def all_builtin_motions() -> tuple[Motion, ...]:
    """Every built-in movement, by name."""
    motions = (builtin_motion(i) for i in builtin_motion_ids())
    return tuple(sorted(motions, key=lambda m: m.name.casefold()))


def library_motion(motion_id: str) -> Motion | None:
    """The library's movement with this id; None for none, or for a built-in file that
    cannot be read (a broken install shows no figure there, and everything still plays)."""
    try:
        return builtin_motion(motion_id) if motion_id else None
    except (KeyError, RoutineError):
        return None


def motion_for(step: Step) -> Motion | None:
    """The movement a step shows: its routine's own, else the library's; None for none."""
    return step.motion if step.motion is not None else library_motion(step.movement)
