"""The unsaved-changes guard: closing or switching with unsaved changes asks first."""

from __future__ import annotations

from editor_support import copy_of, make_editor, retype
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.loader import load_routine
from routineplayer.gui.editor.editor_window import CANCEL, DISCARD, SAVE

_, COPY = copy_of("warm-up")


def test_close_with_changes_asks_and_cancel_keeps_the_window(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    saved_text = (paths.user_routines_dir() / COPY).read_text(encoding="utf-8")
    retype(qtbot, window.page.title, "Changed")

    dialogs.answers.append(CANCEL)
    assert not window.close()
    assert window.isVisible() and window.dirty
    assert dialogs.asked[-1][0] == "Unsaved changes"
    assert "Changed" in dialogs.asked[-1][1]

    dialogs.answers.append(DISCARD)
    window.keeper.write_now()
    assert window.keeper.file is not None and window.keeper.file.exists()
    assert window.close()
    assert not window.isVisible()
    assert (paths.user_routines_dir() / COPY).read_text(encoding="utf-8") == saved_text
    assert not window.keeper.file.exists()  # a discard leaves no recovery copy behind


def test_close_with_changes_and_save(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    retype(qtbot, window.page.title, "Evening warm-up")
    dialogs.answers.append(SAVE)
    with qtbot.waitSignal(window.saved):
        assert window.close()
    # The file follows the new title; the old name is gone.
    assert not (paths.user_routines_dir() / COPY).exists()
    assert load_routine(paths.user_routines_dir() / "evening-warm-up.yaml").title == (
        "Evening warm-up"
    )


def test_a_save_that_cannot_happen_keeps_the_window_open(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    retype(qtbot, window.page.title, "")  # the loader refuses an empty title
    dialogs.answers.append(SAVE)
    assert not window.close()
    assert window.isVisible() and window.dirty
    assert dialogs.informed and dialogs.informed[-1][0] == "Not saved yet"
    assert "Title:" in dialogs.informed[-1][1]  # named as the form names it


def test_switching_routines_asks_first(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    retype(qtbot, window.page.title, "Changed")

    dialogs.answers.append(CANCEL)
    assert not window.new_routine()
    assert window.draft is not None and window.draft.routine.title == "Changed"

    dialogs.answers.append(CANCEL)
    assert not window.open_routine(paths.builtin_routines_dir() / "cool-down.yaml")
    assert window.draft.routine.title == "Changed"

    dialogs.answers.append(DISCARD)
    assert window.new_routine()
    assert window.draft.routine.title == "New routine"
    assert not window.dirty
    assert len(dialogs.asked) == 3


def test_nothing_to_save_asks_nothing(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    assert window.open_routine(paths.builtin_routines_dir() / "cool-down.yaml")
    assert window.close()
    assert dialogs.asked == []
