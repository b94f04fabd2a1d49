"""The routine being edited: an immutable Routine swapped whole on each edit, and its findings.

Undo commands call ``set_routine``; everything the window shows (list, forms, total time,
messages) is redrawn from the ``changed`` signal, so there is one path from an edit to the
screen whether the edit is new, undone or redone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from routineplayer.core.library import Library
from routineplayer.core.model import Routine
from routineplayer.core.problems import RoutineError
from routineplayer.core.timeline import IncludeError, expand
from routineplayer.gui.editor.validation import Findings, draft_name, validate

KEEP_SELECTION = -1


class Draft(QObject):
    """``changed(select)``: the routine changed; select that step afterwards (-1: keep)."""

    changed = Signal(int)

    def __init__(
        self,
        routine: Routine,
        library: Library,
        path: Path | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.library = library
        self.path = path  # the file it was opened from and is saved to; None until saved
        self.read_only = read_only
        self._routine = routine
        self.findings = self._validate()

    @property
    def routine(self) -> Routine:
        return self._routine

    @property
    def name(self) -> str:
        return draft_name(self.path, self._routine.title)

    def set_routine(self, routine: Routine, select: int = KEEP_SELECTION) -> None:
        self._routine = routine
        self.findings = self._validate()
        self.changed.emit(select)

    def revalidate(self) -> None:
        """Check again after something around the draft changed (a saved include, a name)."""
        self.set_routine(self._routine)

    def _validate(self) -> Findings:
        return validate(self._routine, self.library, self.name)

    def totals(self) -> tuple[float, float] | None:
        """(whole length, exercise time) in seconds as planned, or None if it cannot be planned."""
        try:
            timeline = expand(self._routine, self.library.resolve)
        except (IncludeError, LookupError, RoutineError):
            return None
        return timeline.total, timeline.work_seconds
