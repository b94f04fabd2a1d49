"""Finding routines by name: the built-in ones, then the user's, then any extra folders.

A routine's *name* is its file stem: ``routines/warm-up.yaml`` is ``warm-up``, which is what
``include: warm-up`` and ``routineplayer plan warm-up`` use. Built-ins are looked up first,
so a user file can never change what a built-in name means (and built-ins are read-only:
the editor saves copies into the user's folder, see routine_files.py).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from routineplayer.core import paths

if TYPE_CHECKING:
    from routineplayer.core.model import Routine

SUFFIX = ".yaml"


class UnknownRoutineError(LookupError):
    """No routine answers to a name; the message suggests the closest one."""


@dataclass(frozen=True)
class LibraryEntry:
    name: str
    path: Path
    builtin: bool
    shadowed: bool = False  # a user file hidden by a built-in of the same name


class Library:
    """Routines by name, from the built-in folder, the user's folder and extra folders.

    Loaded routines are cached per file and re-read when the file changes.
    """

    def __init__(
        self,
        builtin_dir: Path | None = None,
        user_dir: Path | None = None,
        extra_dirs: tuple[Path, ...] = (),
        _cache: dict[Path, tuple[int, int, Routine]] | None = None,
    ) -> None:
        self.builtin_dir = builtin_dir if builtin_dir is not None else paths.builtin_routines_dir()
        self.user_dir = user_dir if user_dir is not None else paths.user_routines_dir()
        self.extra_dirs = extra_dirs
        self._cache = _cache if _cache is not None else {}

    def with_dir(self, directory: Path) -> Library:
        """This library, also finding routines in ``directory`` (after the others)."""
        directory = Path(directory)
        known = {d.resolve() for d in self._dirs()}
        extra = self.extra_dirs if directory.resolve() in known else (*self.extra_dirs, directory)
        return Library(self.builtin_dir, self.user_dir, extra, self._cache)

    def _dirs(self) -> list[Path]:
        return [self.builtin_dir, self.user_dir, *self.extra_dirs]

    def path_of(self, name: str) -> Path | None:
        """The file that ``name`` means, or None."""
        if not name or name != Path(name).name or name.startswith("."):
            return None  # a name, never a path: "../secret" or "a/b" name nothing
        for directory in self._dirs():
            candidate = directory / f"{name}{SUFFIX}"
            try:
                if candidate.is_file():
                    return candidate
            except OSError:  # a name too long for the file system, a folder we may not read
                continue
        return None

    def is_builtin(self, name: str) -> bool:
        path = self.path_of(name)
        return path is not None and path.parent == self.builtin_dir

    def names(self) -> list[str]:
        return sorted({p.stem for d in self._dirs() for p in _routine_files(d)})

    def resolve(self, name: str) -> Routine:
        """The routine called ``name``.

        Raises UnknownRoutineError (a LookupError) with a "did you mean", or RoutineError
        when the file has problems.
        """
        path = self.path_of(name)
        if path is None:
            raise UnknownRoutineError(self._unknown_message(name))
        stat = path.stat()
        cached = self._cache.get(path)
        if cached is not None and cached[:2] == (stat.st_mtime_ns, stat.st_size):
            return cached[2]
        # Imported here: listing the library (the window's start-up) needs no YAML parser.
        from routineplayer.core.loader import load_routine

        routine = load_routine(path)
        self._cache[path] = (stat.st_mtime_ns, stat.st_size, routine)
        return routine

    def _unknown_message(self, name: str) -> str:
        names = self.names()
        stem = Path(name).stem if name.endswith((SUFFIX, ".yml")) else name
        if stem != name and stem in names:
            return f"no routine is named '{name}'; name it without .yaml: '{stem}'"
        close = difflib.get_close_matches(stem, names, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"no routine is named '{name}'{hint}"

    def entries(self) -> list[LibraryEntry]:
        """Every routine file: built-ins first, then the user's and extra folders', by name."""
        out: list[LibraryEntry] = []
        seen: set[str] = set()
        for directory in self._dirs():
            builtin = directory == self.builtin_dir
            for path in _routine_files(directory):
                out.append(LibraryEntry(path.stem, path, builtin, shadowed=path.stem in seen))
                seen.add(path.stem)
        return out


def _routine_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob(f"*{SUFFIX}") if p.is_file())
