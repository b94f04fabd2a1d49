"""Undo commands: every edit of a draft is one of these, pushed onto the editor's QUndoStack.

Each command keeps the routine before and after (immutable values, so keeping both is cheap
and exact) and which step to select on either side. Typing in one field merges into one
command, so Ctrl+Z undoes a word typed, not one letter.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from PySide6.QtGui import QUndoCommand

from routineplayer.core.model import Routine, Step, StepKind
from routineplayer.gui.editor import step_edits
from routineplayer.gui.editor.draft import KEEP_SELECTION, Draft

MERGE_ID = 1  # commands merge when their merge keys are equal, not just their ids

FIELD_NAMES = {
    "say": "spoken instruction",
    "rest_between_sets": "rest between sets",
    "lead_in": "get-ready time",
    "check": "check",
}


def field_name(path: str) -> str:
    last = path.split(".")[-1]
    return FIELD_NAMES.get(path, last.replace("_", " "))


class RoutineEdit(QUndoCommand):
    def __init__(
        self,
        draft: Draft,
        after: Routine,
        text: str,
        select_after: int = KEEP_SELECTION,
        select_before: int = KEEP_SELECTION,
        merge_key: Hashable | None = None,
    ) -> None:
        super().__init__(text)
        self.draft = draft
        self.before = draft.routine
        self.after = after
        self.select_before = select_before
        self.select_after = select_after
        self.merge_key = merge_key

    def redo(self) -> None:
        self.draft.set_routine(self.after, self.select_after)

    def undo(self) -> None:
        self.draft.set_routine(self.before, self.select_before)

    def id(self) -> int:
        return MERGE_ID if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # Qt API name
        if not isinstance(other, RoutineEdit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.select_after = other.select_after
        self.setObsolete(self.after == self.before)  # typed and deleted again: no edit left
        return True


class EditStepField(RoutineEdit):
    def __init__(self, draft: Draft, index: int, path: str, value: Any) -> None:
        step = step_edits.set_field(draft.routine.steps[index], path, value)
        super().__init__(
            draft,
            step_edits.replace_step(draft.routine, index, step),
            f"Change {field_name(path)}",
            index,
            index,
            merge_key=("step", index, path),
        )


class ChangeStepKind(RoutineEdit):
    def __init__(self, draft: Draft, index: int, kind: StepKind, include: str = "") -> None:
        step = step_edits.change_kind(draft.routine.steps[index], kind, include)
        after = step_edits.replace_step(draft.routine, index, step)
        super().__init__(draft, after, f"Make step {index + 1} {kind.value}", index, index)


class EditRoutineField(RoutineEdit):
    def __init__(self, draft: Draft, name: str, value: Any) -> None:
        after = step_edits.set_routine_field(draft.routine, name, value)
        label = "Rename" if name == "title" else f"Change {field_name(name)}"
        super().__init__(draft, after, label, merge_key=("routine", name))


class AddStep(RoutineEdit):
    def __init__(self, draft: Draft, index: int, step: Step, current: int) -> None:
        after = step_edits.insert_step(draft.routine, index, step)
        super().__init__(draft, after, f"Add {step.display_title}", index, current)


class DuplicateStep(AddStep):
    def __init__(self, draft: Draft, index: int) -> None:
        super().__init__(draft, index + 1, draft.routine.steps[index], index)
        self.setText(f"Duplicate {draft.routine.steps[index].display_title}")


class RemoveStep(RoutineEdit):
    def __init__(self, draft: Draft, index: int) -> None:
        after = step_edits.remove_step(draft.routine, index)
        title = draft.routine.steps[index].display_title
        select = min(index, len(after.steps) - 1)
        super().__init__(draft, after, f"Remove {title}", select, index)


class MoveStep(RoutineEdit):
    def __init__(self, draft: Draft, source: int, target: int) -> None:
        after = step_edits.move_step(draft.routine, source, target)
        title = draft.routine.steps[source].display_title
        super().__init__(draft, after, f"Move {title}", target, source)


class ReplaceRoutine(RoutineEdit):
    """A whole new routine at once: recovered changes put back after a crash."""

    def __init__(self, draft: Draft, routine: Routine, text: str) -> None:
        super().__init__(draft, routine, text, 0, 0)
