"""Where the window gets routines: library entries as cards, and a name as a playable timeline.

Cards are kept in a small JSON file in the cache dir, valid while no routine file has
changed (every file's size and mtime, and the app version, make its key). Then opening the
window lists the library without importing the YAML loader or expanding a single timeline;
a change anywhere rebuilds every card, since an include can change another routine's length.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from routineplayer import __version__, core
from routineplayer.core import safe_json
from routineplayer.core.library import Library, LibraryEntry
from routineplayer.core.paths import user_cache_dir
from routineplayer.gui.library_view import RoutineCard

if TYPE_CHECKING:
    from routineplayer.core.model import Routine
    from routineplayer.core.timeline import Timeline

log = logging.getLogger(__name__)
CACHE_NAME = "library-cards.json"


class RoutineSource:
    def __init__(self, library: Library | None = None, cache: Path | None = None) -> None:
        self.library = library or Library()
        self.cache = cache or user_cache_dir() / CACHE_NAME

    def load(self, name: str) -> tuple[Routine, Timeline]:
        """The routine and its timeline; raises RoutineError or LookupError with the reason."""
        from routineplayer.core.loader import include_problems
        from routineplayer.core.problems import RoutineError
        from routineplayer.core.timeline import expand

        routine = self.library.resolve(name)
        problems = include_problems(routine, self.library)
        if problems:
            raise RoutineError(problems)
        return routine, expand(routine, self.library.resolve)

    def card(self, entry: LibraryEntry) -> RoutineCard:
        from routineplayer.core.problems import RoutineError
        from routineplayer.core.timeline import IncludeError

        own = not entry.builtin
        if entry.shadowed:
            problem = f"Hidden by the built-in routine '{entry.name}': rename {entry.path}"
            return RoutineCard(entry.name, entry.name, "", own=own, problem=problem)
        try:
            routine, timeline = self.load(entry.name)
        except (RoutineError, LookupError, IncludeError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problem = f"Cannot be played: {first}"
            return RoutineCard(entry.name, entry.name, "", own=own, problem=problem)
        return RoutineCard(
            entry.name,
            routine.title,
            timeline.length,
            routine.summary,
            routine.equipment,
            own=own,
        )

    def cards(self) -> list[RoutineCard]:
        entries = self.library.entries()
        key = _fingerprint(entries)
        cached = self._read_cache(key) if key else None
        if cached is not None:
            return cached
        cards = [self.card(entry) for entry in entries]
        if key:
            self._write_cache(key, cards)
        return cards

    def _read_cache(self, key: str) -> list[RoutineCard] | None:
        try:
            data = safe_json.loads(safe_json.read_text(self.cache))  # ours, but maybe damaged
            if data.get("key") != key:
                return None
            return [RoutineCard(**{**c, "equipment": tuple(c["equipment"])}) for c in data["cards"]]
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None  # missing, old or damaged: build the cards again

    def _write_cache(self, key: str, cards: list[RoutineCard]) -> None:
        temp = self.cache.with_name(f".{self.cache.name}.{os.getpid()}.tmp")
        try:
            temp.write_text(
                json.dumps({"key": key, "cards": [asdict(c) for c in cards]}), encoding="utf-8"
            )
            os.replace(temp, self.cache)  # readers see the old file or the new one, whole
        except OSError as exc:
            log.info("cannot keep the library cards in %s: %s", self.cache, exc)
            temp.unlink(missing_ok=True)


def _fingerprint(entries: list[LibraryEntry]) -> str:
    """What the cards depend on: each file, and the code that reads and times them."""
    parts = [__version__]
    code = [Path(core.__file__).with_name(f"{module}.py") for module in ("loader", "timeline")]
    for path in [*code, *(entry.path for entry in entries)]:
        try:
            stat = path.stat()
        except OSError:
            return ""  # gone since listed, or running from a zip: no cache
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    parts.extend(entry.name for entry in entries if entry.shadowed)
    return "\n".join(parts)
