"""The list of a routine's steps, reordered by drag and drop (or Alt+Up / Alt+Down).

The list is only a view of the draft: a drop is not carried out by the widget but emitted
as ``move_requested(source, target)``, so that the move goes through the undo stack and the
list is then redrawn from the draft like after any other edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDropEvent, QIcon
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QStyle

from routineplayer.core.durations import format_duration
from routineplayer.core.model import Step, StepKind
from routineplayer.core.timeline import dose_text


def step_summary(step: Step) -> str:
    """One line under the title: how much of it, in the words the player speaks."""
    if step.kind is StepKind.INCLUDE:
        return "another routine, played in full"
    if step.kind is StepKind.REST:
        return f"rest {format_duration(step.duration or 0)}"
    text = dose_text(step)
    if step.kind is StepKind.REPS:
        text += f", {format_duration(step.tempo)} each" if step.tempo else ", at your own pace"
    if step.check is not None:
        text += ", with the check"
    return text


class StepList(QListWidget):
    move_requested = Signal(int, int)  # source row, target row

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Steps")
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setSpacing(1)

    def show_steps(self, steps: Sequence[Step], problems: Mapping[int, str]) -> None:
        """Redraw from the draft, keeping the current row; rows with problems get a mark."""
        current = self.currentRow()
        self.blockSignals(True)
        try:
            while self.count() > len(steps):
                self.takeItem(self.count() - 1)
            while self.count() < len(steps):
                self.addItem(QListWidgetItem())
            warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            for row, step in enumerate(steps):
                item = self.item(row)
                item.setText(f"{row + 1}. {step.display_title}\n     {step_summary(step)}")
                message = problems.get(row, "")
                item.setIcon(warning if message else QIcon())
                item.setToolTip(message)
            self.setCurrentRow(min(current, len(steps) - 1))
        finally:
            self.blockSignals(False)

    def dropEvent(self, event: QDropEvent) -> None:  # Qt API name
        source = self.currentRow()
        target = self._drop_row(event)
        # The widget must not move the item itself: the draft is the one truth.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        # External drags never get here: InternalMove refuses them on entering.
        if source >= 0 and target != source:
            self.move_requested.emit(source, target)

    def _drop_row(self, event: QDropEvent) -> int:
        """The row the dragged step ends up at, once it has left its old place."""
        point = event.position().toPoint()
        index = self.indexAt(point)
        if not index.isValid():
            return self.count() - 1
        below = point.y() >= self.visualRect(index).center().y()
        slot = (
            index.row() + 1 if below else index.row()
        )  # the gap it is dropped into, before removal
        return slot - 1 if slot > self.currentRow() else slot
