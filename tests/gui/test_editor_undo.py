"""Undo and redo: every edit made through the UI goes back, step by step, to the start."""

from __future__ import annotations

from editor_support import add_step, copy_of, field_input, make_editor, retype, shortcut
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QGroupBox
from pytestqt.qtbot import QtBot

from routineplayer.core.model import Routine, StepKind
from routineplayer.gui.editor import EditorWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def _routine(window: EditorWindow) -> Routine:
    assert window.draft is not None
    return window.draft.routine


def _drop(window: EditorWindow, source: int, onto: int, below: bool) -> None:
    """Drop the step at ``source`` on the upper or lower half of row ``onto``.

    Qt's offscreen platform has no drag manager (QDrag.exec returns at once), and a drop
    event sent through the application is refused without the drag it belongs to; so the
    drop is handed to the list's own drop handler, as the drag machinery would.
    """
    steps = window.page.steps
    steps.setCurrentRow(source)
    rect = steps.visualRect(steps.model().index(onto, 0))
    y = rect.bottom() - 2 if below else rect.top() + 2
    point = QPointF(QPoint(rect.center().x(), y))
    event = QDropEvent(
        point,
        Qt.DropAction.MoveAction,
        QMimeData(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    steps.dropEvent(event)


def test_undo_and_redo_every_kind_of_edit(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    page = window.page
    states = [_routine(window)]

    def record() -> None:
        assert _routine(window) != states[-1], "the edit changed nothing"
        states.append(_routine(window))

    retype(qtbot, page.title, "My morning routine")  # one command for the whole word
    record()
    page.steps.setCurrentRow(1)
    retype(qtbot, field_input(window, "duration"), "2m")
    record()
    retype(qtbot, field_input(window, "say"), "Big slow circles.")
    record()
    page.steps.setFocus()
    qtbot.keyClick(page.steps, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    record()
    assert page.steps.currentRow() == 2  # the moved step stays selected
    _drop(window, source=0, onto=3, below=True)  # Light cardio to after step 4
    record()
    assert _routine(window).steps[3].title == "Light cardio"
    page.steps.setCurrentRow(0)
    page.steps.setFocus()
    qtbot.keyClick(page.steps, Qt.Key.Key_Delete)
    record()
    qtbot.mouseClick(page.duplicate_button, Qt.MouseButton.LeftButton)
    record()
    add_step(window, StepKind.REPS)
    record()
    retype(qtbot, field_input(window, "reps"), "12")
    record()
    page.step_form.kind.setCurrentIndex(0)
    page.step_form.kind.activated.emit(0)  # what choosing "Timed exercise" in the box does
    record()
    check = page.step_form.check
    assert isinstance(check, QGroupBox)
    check.setFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    record()
    page.tabs.setCurrentIndex(1)
    retype(qtbot, page.routine_form.rows["equipment"].input, "A mat\nA chair")
    record()
    assert window.dirty and window.isWindowModified()

    for expected in reversed(states[:-1]):
        shortcut(qtbot, window, Qt.Key.Key_Z, CTRL)
        assert _routine(window) == expected
    assert not window.stack.canUndo()
    assert not window.dirty  # back to what was saved
    assert page.title.text() == states[0].title

    for expected in states[1:]:
        shortcut(qtbot, window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
        assert _routine(window) == expected
    assert not window.stack.canRedo()


def test_ctrl_z_in_a_text_field_undoes_through_the_stack(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    title = window.page.title
    retype(qtbot, title, "Evening")
    assert window.stack.count() == 1  # typed letters merged into one command
    qtbot.keyClick(title, Qt.Key.Key_Z, CTRL)  # the focus is still in the field
    copy, _ = copy_of("warm-up")
    assert _routine(window).title == copy
    assert title.text() == copy
    assert not window.dirty


def test_typing_a_value_back_leaves_no_edit(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    title = window.page.title
    original = title.text()
    retype(qtbot, title, "x")
    retype(qtbot, title, original)
    assert window.stack.count() == 0
    assert not window.dirty
