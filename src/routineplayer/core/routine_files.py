"""The user's routine files: names from titles, clashes, and delete-with-undo via a trash folder.

A routine's *name* is its file stem (``my-morning.yaml`` is included as ``my-morning``), so
names are made from titles as slugs, and a new file never silently takes an existing name:
a built-in or another of the user's routines. Deleting moves the file into a trash folder in
the user data dir (same file system, so the move is one atomic rename) from which it can be
put back; old trash is purged after a month.
"""

from __future__ import annotations

import os
import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from routineplayer.core import paths

SUFFIX = ".yaml"
MAX_SLUG = 60
TRASH_KEEP_SECONDS = 30 * 24 * 3600
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """A file-name-safe, lower-case name for a title: 'My morning (v2)' -> 'my-morning-v2'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:MAX_SLUG].strip("-")
    return slug or "routine"


def trash_dir() -> Path:
    path = paths.user_data_dir() / "trash"
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_user_routine(path: Path) -> bool:
    """True for a file in My routines (the only place the editor writes)."""
    return path.resolve().parent == paths.user_routines_dir().resolve()


def existing_routine(name: str) -> Path | None:
    """The file that already answers to ``name``: one of the user's, or a built-in."""
    for directory in (paths.user_routines_dir(), paths.builtin_routines_dir()):
        candidate = directory / f"{name}{SUFFIX}"
        if candidate.exists():
            return candidate
    return None


def free_name(wanted: str, keep: Path | None = None) -> str:
    """``wanted`` if no routine has that name yet (or only ``keep``), else ``wanted-2``, ..."""
    name, n = wanted, 1
    while (found := existing_routine(name)) is not None and not _same(found, keep):
        n += 1
        name = f"{wanted}-{n}"
    return name


def user_path_for(title: str, keep: Path | None = None) -> Path:
    """Where a user routine with this title is saved: a free name made from the title.

    ``keep`` is the routine's current file, which does not count as a clash with itself.
    """
    return paths.user_routines_dir() / f"{free_name(slugify(title), keep)}{SUFFIX}"


def _same(a: Path, b: Path | None) -> bool:
    return b is not None and a.resolve() == b.resolve()


@dataclass(frozen=True)
class Trashed:
    """A deleted routine: where it was, and where it waits in the trash."""

    original: Path
    trashed: Path


def move_to_trash(path: Path) -> Trashed:
    """Move a user routine into the trash; ``restore`` puts it back."""
    target = trash_dir() / f"{path.stem}.{time.time_ns()}{path.suffix}"
    os.replace(path, target)
    os.utime(target)  # the purge counts from the deletion, not from the last edit
    return Trashed(path, target)


def restore(entry: Trashed) -> Path:
    """Put a trashed routine back; if its name was taken meanwhile, under a free name."""
    target = entry.original
    if target.exists():
        target = target.with_name(f"{free_name(target.stem)}{target.suffix}")
    os.replace(entry.trashed, target)
    return target


def purge_trash(now: float | None = None) -> list[Path]:
    """Remove trashed files older than TRASH_KEEP_SECONDS; returns what was removed."""
    limit = (time.time() if now is None else now) - TRASH_KEEP_SECONDS
    removed = []
    for item in trash_dir().iterdir():
        if item.is_file() and item.stat().st_mtime < limit:
            item.unlink()
            removed.append(item)
    return removed
