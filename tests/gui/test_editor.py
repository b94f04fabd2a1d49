"""The editor driven like a person would: keys and clicks build a routine that saves and loads."""

from __future__ import annotations

from pathlib import Path

from editor_support import add_step, field_input, field_message, make_editor, retype, shortcut
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QGroupBox, QTableWidget
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind
from routineplayer.gui.editor.cue_table import CueTable

EXPECTED = Routine(
    title="My morning routine",
    summary="Gentle start to the day.",
    steps=(
        Step(
            StepKind.TIMED,
            title="Cat-cow",
            say="On hands and knees, round and arch your back.",
            duration=90.0,
            sets=2,
            rest_between_sets=20.0,
            check=Check(),
            cues=(Cue(45.0, "Slow and easy."),),
        ),
        Step(StepKind.REPS, title="Bird-dog", reps=6, tempo=4.0, sides=("left", "right")),
        Step(StepKind.REST, duration=30.0),
        Step(
            StepKind.BREATHING,
            title="Breathing",
            duration=120.0,
            breathing=Breathing(inhale=4.0, exhale=6.0),
        ),
        Step(StepKind.INCLUDE, include="cool-down"),
    ),
)


def _edit_cue_cell(qtbot: QtBot, table: QTableWidget, row: int, column: int, text: str) -> None:
    table.setFocus()
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert editor is not table
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits the cell on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_build_a_routine_from_nothing_save_and_reload_it(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    qtbot.mouseClick(window.empty.new_button, Qt.MouseButton.LeftButton)
    page = window.page
    retype(qtbot, page.title, "My morning routine")
    assert "at least one step" in page.problems.text()  # a new routine is not ready yet

    add_step(window, StepKind.TIMED)
    retype(qtbot, field_input(window, "title"), "Cat-cow")
    retype(qtbot, field_input(window, "say"), "On hands and knees, round and arch your back.")
    retype(qtbot, field_input(window, "duration"), "1m30s")
    retype(qtbot, field_input(window, "sets"), "2")
    retype(qtbot, field_input(window, "rest_between_sets"), "20s")
    check = page.step_form.check
    assert isinstance(check, QGroupBox)
    check.setFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    cues = field_input(window, "cues")
    assert isinstance(cues, CueTable)
    qtbot.mouseClick(cues.add_button, Qt.MouseButton.LeftButton)
    _edit_cue_cell(qtbot, cues.table, 0, 0, "45s")
    _edit_cue_cell(qtbot, cues.table, 0, 1, "Slow and easy.")

    add_step(window, StepKind.REPS)
    retype(qtbot, field_input(window, "title"), "Bird-dog")
    retype(qtbot, field_input(window, "reps"), "6")
    retype(qtbot, field_input(window, "tempo"), "4")
    retype(qtbot, field_input(window, "sides"), "left, right")

    add_step(window, StepKind.REST)
    add_step(window, StepKind.BREATHING)
    retype(qtbot, field_input(window, "duration"), "2m")
    add_step(window, StepKind.INCLUDE)
    include = page.step_form.include
    include.setFocus()
    include.lineEdit().selectAll()
    qtbot.keyClicks(include.lineEdit(), "cool-down")

    page.tabs.setCurrentIndex(1)
    retype(qtbot, page.routine_form.rows["summary"].input, "Gentle start to the day.")

    assert page.problems.text() == "Ready to save."
    with qtbot.waitSignal(window.saved) as saved:
        shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    path = Path(saved.args[0])
    assert path == paths.user_routines_dir() / "my-morning-routine.yaml"
    assert load_routine(path) == EXPECTED
    assert window.draft is not None and window.draft.routine == EXPECTED
    assert not window.dirty and not dialogs.asked and not dialogs.informed

    # Opened again in a fresh editor, it is the same routine, with nothing to save.
    again, _ = make_editor(qtbot)
    assert again.open_routine(path)
    assert again.draft is not None and again.draft.routine == EXPECTED
    assert not again.dirty


def test_messages_beside_fields_and_total_time_follow_typing(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    page = window.page
    page.steps.setCurrentRow(0)  # Light cardio, 3m with cues at 1m and 2m
    before = page.total.text()
    duration = field_input(window, "duration")

    retype(qtbot, duration, "4m")
    assert page.total.text() != before
    assert "exercise 10m" in page.total.text()

    retype(qtbot, duration, "abc")  # not a duration: said beside it, the draft keeps 4m
    assert "expected a duration such as 45s" in field_message(window, "duration")
    assert window.draft is not None and window.draft.routine.steps[0].duration == 240.0

    retype(qtbot, duration, "0")  # the loader's rule, in the loader's words
    assert "a duration of zero is not allowed" in field_message(window, "duration")
    assert "Not ready to save" in page.problems.text()
    assert page.steps.item(0).toolTip()  # the step is marked in the list too

    retype(qtbot, duration, "90s")  # the cue at 2m is now after the end
    assert field_message(window, "duration") == ""
    assert "cue 2:" in field_message(window, "cues")
    assert "not within the step" in field_message(window, "cues")

    retype(qtbot, duration, "3m")
    assert field_message(window, "cues") == ""
    retype(qtbot, page.title, "")
    assert "empty" in page.title_row.error.text()
    assert page.problems.text().startswith("Not ready to save")


def test_an_include_of_itself_is_a_loop(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    assert window.draft is not None
    own = window.draft.name
    add_step(window, StepKind.INCLUDE)
    include = window.page.step_form.include
    include.lineEdit().selectAll()
    qtbot.keyClicks(include.lineEdit(), own)
    assert "include loop" in field_message(window, "include")


def test_my_morning_routine_from_the_warm_up_is_found_again(qtbot: QtBot) -> None:
    """The issue's story: copy the warm-up, change two exercises, add the check, save,
    close, and find it in the library again, all without touching a text file."""
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")  # what "Copy a built-in routine > warm-up" does
    page = window.page
    retype(qtbot, page.title, "My morning routine")
    page.steps.setCurrentRow(3)  # Cat-cow: longer
    retype(qtbot, field_input(window, "duration"), "2m")
    page.steps.setCurrentRow(5)  # Bodyweight squats: counted, with the check
    page.step_form.kind.setCurrentIndex(1)
    page.step_form.kind.activated.emit(1)  # choosing "Repetitions" in the box
    retype(qtbot, field_input(window, "reps"), "10")
    check = page.step_form.check
    check.setFocus()
    qtbot.keyClick(check, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.saved) as saved:
        shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.close()
    assert dialogs.asked == []

    [mine] = [e for e in Library().entries() if not e.builtin]
    assert mine.name == "my-morning-routine" and str(mine.path) == saved.args[0]
    routine = Library().resolve(mine.name)
    squats = routine.steps[5]
    assert routine.title == "My morning routine"
    assert routine.steps[3].duration == 120.0
    assert (squats.kind, squats.reps, squats.check) == (StepKind.REPS, 10, Check())
    assert routine.steps[:3] == Library().resolve("warm-up").steps[:3]


def test_an_edit_that_makes_the_routine_too_large_is_refused_and_explained(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    page = window.page
    page.steps.setCurrentRow(0)  # Light cardio, 3m
    duration = field_input(window, "duration")
    retype(qtbot, duration, "24h")  # allowed alone: one step of a day is within the format
    retype(qtbot, field_input(window, "sets"), "100")  # but 100 of them is 2,400 hours

    assert "Not ready to save" in page.problems.text()
    assert "the routine is too large: it would last" in page.problems.text()
    assert page.steps.item(0).toolTip()  # said at the step that crosses the bound
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    (saved,) = paths.user_routines_dir().glob("*.yaml")  # the copy, as duplicated
    assert load_routine(saved).steps[0].duration == 180.0  # the bad edit was never saved
