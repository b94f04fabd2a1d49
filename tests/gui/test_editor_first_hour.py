"""Issue 14's rough edges in the editor: what a new user met in their first hour."""

from __future__ import annotations

from pathlib import Path

from editor_support import add_step, field_input, field_message, make_editor, retype, shortcut
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine
from routineplayer.core.model import StepKind
from routineplayer.gui.editor.import_export import KEEP_BOTH
from routineplayer.gui.window_actions import WindowActions

BROKEN = Path(__file__).parent.parent / "data" / "broken"
CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_s_never_saves_over_text_that_is_not_a_duration(qtbot: QtBot) -> None:
    """Item 3: the unreadable text stays, the footer says why, and nothing is written."""
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    assert window.draft is not None and window.draft.path is not None
    saved = window.draft.path.read_bytes()
    window.page.steps.setCurrentRow(0)
    duration = field_input(window, "duration")

    retype(qtbot, duration, "abc")
    message = field_message(window, "duration")
    assert message
    footer = window.page.problems.text()
    assert footer.startswith("Not ready to save") and message in footer

    shortcut(qtbot, window, Qt.Key.Key_S, CTRL)
    assert window.draft.path.read_bytes() == saved
    assert dialogs.informed[-1][0] == "Not saved yet" and message in dialogs.informed[-1][1]
    assert duration.text() == "abc" and field_message(window, "duration") == message

    retype(qtbot, window.page.title, "Renamed")  # another edit redraws the form
    assert duration.text() == "abc" and "Not ready to save" in window.page.problems.text()

    retype(qtbot, duration, "4m")
    assert window.page.problems.text() == "Ready to save."
    assert window.save() and load_routine(window.draft.path).steps[0].duration == 240.0


def test_keep_both_gives_the_copy_a_title_of_its_own(qtbot: QtBot, tmp_path: Path) -> None:
    """Item 11: two cards never share a title, and the question is about titles."""
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    assert window.draft is not None
    title = window.draft.routine.title
    shared = tmp_path / "shared.yaml"
    assert window.export_file(shared) == shared

    dialogs.answers.append(KEEP_BOTH)
    imported = window.import_file(shared)
    assert imported is not None
    _, question, _ = dialogs.asked[-1]
    assert f"“{title}”" in question and f"“{title} (2)”" in question
    assert ".yaml" not in question and "shared" not in question
    assert load_routine(imported).title == f"{title} (2)"
    library = Library()
    titles = [library.resolve(e.name).title for e in library.entries() if not e.shadowed]
    assert len(titles) == len(set(titles))


def test_import_problems_name_the_step_from_one_in_a_warning(qtbot: QtBot) -> None:
    """Item 12: 'Step 1 “Reach”: duration: …' first; file, line and column in the details."""
    window, dialogs = make_editor(qtbot)
    assert window.import_file(BROKEN / "bad-duration.yaml") is None
    assert not dialogs.informed
    title, text, details = dialogs.warned[-1]
    assert title == "Not imported"
    assert "Step 1 “Reach”: duration: expected a duration" in text
    assert "steps[0]" not in text
    assert "bad-duration.yaml:5:15: steps[0].duration:" in details


def test_a_count_out_of_range_is_kept_and_explained(qtbot: QtBot) -> None:
    """Item 13: 0 reps or a minus sign is shown as typed, with what is allowed."""
    window, _ = make_editor(qtbot)
    window.new_routine()
    add_step(window, StepKind.REPS)
    reps = field_input(window, "reps")
    assert window.draft is not None
    before = window.draft.routine.steps[0].reps

    for typed in ("0", "-3"):
        retype(qtbot, reps, typed)
        window.page.title.setFocus()  # leaving the field changes nothing either
        assert reps.text() == typed  # type: ignore[attr-defined]
        assert "a whole number from 1 to" in field_message(window, "reps")
        assert "Not ready to save" in window.page.problems.text()
        assert window.draft.routine.steps[0].reps == before

    retype(qtbot, reps, "5")
    assert field_message(window, "reps") == ""
    assert window.draft.routine.steps[0].reps == 5


def test_add_step_has_a_shortcut_named_in_its_tooltip(qtbot: QtBot) -> None:
    """Item 14: a key for Add step, which opens the kinds to choose from."""
    window, _ = make_editor(qtbot)
    window.new_routine()
    key = window.add_step_action.shortcut().toString()
    assert key and key in window.page.add_button.toolTip()
    shortcut(qtbot, window, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    menu = window.page.add_menu
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_Return)  # the first kind is chosen for you
    assert window.draft is not None and len(window.draft.routine.steps) == 1


def test_editor_shortcuts_mean_nothing_else_in_the_main_window(qtbot: QtBot) -> None:
    """Item 14: Ctrl+H is History in the main window, so "hear" has a key of its own."""
    window, _ = make_editor(qtbot)
    main = QMainWindow()
    qtbot.addWidget(main)
    WindowActions(main)
    taken = {a.shortcut().toString() for a in main.actions() if not a.shortcut().isEmpty()}
    assert "Ctrl+H" in taken
    for action in (window.hear_action, window.add_step_action):
        key = action.shortcut().toString()
        assert key and key not in taken, f"{action.text()}: {key} is taken"
        assert key in action.toolTip()
    editor_keys = [a.shortcut() for a in window.actions() if not a.shortcut().isEmpty()]
    assert len(editor_keys) == len({k.toString() for k in editor_keys})
    assert QKeySequence("Ctrl+H") not in editor_keys


def test_a_breathing_step_has_one_control_for_its_length(qtbot: QtBot) -> None:
    """Item 15: a time or a number of breaths, chosen in one place, one undo step."""
    window, _ = make_editor(qtbot)
    window.new_routine()
    add_step(window, StepKind.BREATHING)
    form = window.page.step_form
    assert form.rows["breathing.breaths"].isHidden()
    length = form.length_kind
    assert length.isVisibleTo(window)

    length.setCurrentIndex(length.findData("breaths"))
    assert window.draft is not None
    step = window.draft.routine.steps[0]
    assert step.duration is None and step.breathing is not None and step.breathing.breaths == 6
    assert window.draft.findings.ok
    assert form.rows["duration"].isHidden() and not form.rows["breathing.breaths"].isHidden()

    window.stack.undo()  # back to the length in time, in one step
    step = window.draft.routine.steps[0]
    assert step.duration == 60.0 and step.breathing is not None and step.breathing.breaths is None
    assert length.currentData() == "time"

    window.stack.redo()
    retype(qtbot, field_input(window, "breathing.breaths"), "12")
    step = window.draft.routine.steps[0]
    assert step.duration is None and step.breathing is not None and step.breathing.breaths == 12

    add_step(window, StepKind.TIMED)  # other kinds have no choice to make
    assert not length.isVisibleTo(window)


def test_an_export_names_no_schema_file_it_cannot_find(qtbot: QtBot, tmp_path: Path) -> None:
    """Item 22: the repository's relative schema path means nothing where a file goes."""
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    written = window.export_file(tmp_path / "for-my-physio.yaml")
    assert written is not None
    assert "$schema" not in written.read_text(encoding="utf-8")
    mine = next(paths.user_routines_dir().glob("*.yaml"))
    assert "$schema" not in mine.read_text(encoding="utf-8")


def test_up_and_down_count_within_the_range(qtbot: QtBot) -> None:
    """Item 13: a count field still steps like a spin box, never past what is allowed."""
    window, _ = make_editor(qtbot)
    window.new_routine()
    add_step(window, StepKind.TIMED)
    sets = field_input(window, "sets")
    sets.setFocus()
    qtbot.keyClick(sets, Qt.Key.Key_Down)  # already 1, the least
    qtbot.keyClick(sets, Qt.Key.Key_Up)
    qtbot.keyClick(sets, Qt.Key.Key_Up)
    assert window.draft is not None and window.draft.routine.steps[0].sets == 3
    assert window.stack.count() == 2  # the step, then one edit of the sets
