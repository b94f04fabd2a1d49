"""What is wrong with a routine file: each problem with its file, line, column and key path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from routineplayer.core.control_chars import escape_controls


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a routine file. ``line`` and ``column`` are 1-based.

    ``key_path`` names where in the routine (``steps[2].breathing.inhale``; "" for the file
    as a whole) and ``message`` says what was expected there.
    """

    file: str
    line: int
    column: int
    key_path: str
    message: str

    @property
    def text(self) -> str:
        """The message with its key path, without the location; safe to print (a message
        may quote a value or a name from the file, escapes and all)."""
        text = f"{self.key_path}: {self.message}" if self.key_path else self.message
        return escape_controls(text)

    def __str__(self) -> str:
        return f"{escape_controls(self.file)}:{self.line}:{self.column}: {self.text}"


class RoutineError(Exception):
    """A routine file that cannot be used; holds every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
