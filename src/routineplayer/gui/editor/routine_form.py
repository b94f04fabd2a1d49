"""The routine's own fields: summary, position, equipment, safety notes, credit, lead-in.

The title is not here: it sits above the step list, always in view, beside the total time.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QVBoxLayout, QWidget

from routineplayer.core.model import Routine
from routineplayer.gui.editor.fields import (
    DurationInput,
    FieldRow,
    LinesInput,
    TextInput,
    forget_typing,
)

FIELDS: tuple[tuple[str, str, type[TextInput | DurationInput], str], ...] = (
    ("summary", "Summary", TextInput, "What the routine is for, in a sentence or two"),
    ("position", "Position", TextInput, "How to lie, sit or stand at the start"),
    ("equipment", "Equipment", LinesInput, "One item per line"),
    ("safety", "Safety notes", LinesInput, "One note per line, read before you start"),
    ("credit", "Credit", TextInput, "Where the exercises come from"),
    ("lead_in", "Get-ready time", DurationInput, "before each step, e.g. 8s"),
)


class RoutineForm(QWidget):
    edited = Signal(str, object)  # routine field name, new value

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, FieldRow] = {}
        form = QFormLayout()
        for name, label, kind, placeholder in FIELDS:
            widget = kind(placeholder)
            widget.setAccessibleName(label)
            row = FieldRow(widget)
            self.rows[name] = row
            form.addRow(label, row)
            widget.edited.connect(lambda value, n=name: self._edit(n, value))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch()

    def _edit(self, name: str, value: object) -> None:
        if not self.signalsBlocked():
            self.edited.emit(name, value)

    def show_routine(self, routine: Routine) -> None:
        self.blockSignals(True)
        try:
            for name, row in self.rows.items():
                row.input.set_value(getattr(routine, name))  # type: ignore[attr-defined]
        finally:
            self.blockSignals(False)

    def forget_typing(self) -> None:
        """Another routine is about to be shown: text typed for this one is not kept."""
        forget_typing(self.rows.values())

    def set_problems(self, problems: Mapping[str, str]) -> None:
        for name, row in self.rows.items():
            row.set_problem(problems.get(name, ""))
