"""Where the window gets routines: library entries as cards, and a name as a playable timeline."""

from __future__ import annotations

from routineplayer.core.library import Library, LibraryEntry
from routineplayer.core.loader import include_problems
from routineplayer.core.model import Routine
from routineplayer.core.problems import RoutineError
from routineplayer.core.timeline import IncludeError, Timeline, expand
from routineplayer.gui.library_view import RoutineCard
from routineplayer.gui.view_text import length_text


class RoutineSource:
    def __init__(self, library: Library | None = None) -> None:
        self.library = library or Library()

    def load(self, name: str) -> tuple[Routine, Timeline]:
        """The routine and its timeline; raises RoutineError or LookupError with the reason."""
        routine = self.library.resolve(name)
        problems = include_problems(routine, self.library)
        if problems:
            raise RoutineError(problems)
        return routine, expand(routine, self.library.resolve)

    def card(self, entry: LibraryEntry) -> RoutineCard:
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
            length_text(timeline.total),
            routine.summary,
            routine.equipment,
            own=own,
        )

    def cards(self) -> list[RoutineCard]:
        return [self.card(entry) for entry in self.library.entries()]
