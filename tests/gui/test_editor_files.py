"""Built-ins stay read-only; copies, renames, deletes with undo, imports and exports."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from editor_support import copy_of, make_editor, retype, shortcut
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.control_chars import escape_controls
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine, validate_file
from routineplayer.core.routine_files import trash_dir
from routineplayer.gui.editor.editor_page import ROUTINE_TAB
from routineplayer.gui.editor.editor_window import DISCARD
from routineplayer.gui.editor.import_export import CANCEL, KEEP_BOTH, REPLACE, export_routine

BROKEN = sorted((Path(__file__).parent.parent / "data" / "broken").glob("*.yaml"))


def _my_routines() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(paths.user_routines_dir().iterdir())}


def test_a_builtin_opens_read_only_and_copies_into_my_routines(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    builtin = paths.builtin_routines_dir() / "warm-up.yaml"
    before = builtin.read_bytes()
    assert window.open_routine(builtin)
    assert window.draft is not None and window.draft.read_only
    assert not window.save_action.isEnabled()
    assert window.page.title.isReadOnly()
    window.page.steps.setCurrentRow(0)
    assert not window.page.step_form.isEnabled()
    assert window.banner.isVisible()

    with qtbot.waitSignal(window.saved) as saved:
        qtbot.mouseClick(window.banner.button, Qt.MouseButton.LeftButton)
    copy = Path(saved.args[0])
    assert copy.parent == paths.user_routines_dir()
    assert load_routine(copy).steps == load_routine(builtin).steps
    assert load_routine(copy).title == copy_of("warm-up")[0]
    assert window.draft.path == copy and not window.draft.read_only
    assert builtin.read_bytes() == before


def test_rename_renames_the_file(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    dialogs.texts.append("My morning routine")
    with qtbot.waitSignal(window.saved) as saved:
        window.rename_action.trigger()
    assert Path(saved.args[0]).name == "my-morning-routine.yaml"
    assert list(_my_routines()) == ["my-morning-routine.yaml"]
    assert not window.dirty


def test_delete_and_undo_the_delete(qtbot: QtBot) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    assert window.draft is not None and window.draft.path is not None
    path = window.draft.path
    content = path.read_bytes()

    dialogs.answers.append("Delete")
    assert window.delete_routine()
    assert not path.exists()
    assert len(list(trash_dir().iterdir())) == 1
    assert window.draft is None and window.pages.currentWidget() is window.empty
    assert window.banner.button.text() == "Undo"

    qtbot.mouseClick(window.banner.button, Qt.MouseButton.LeftButton)
    assert path.read_bytes() == content
    assert window.draft is not None and window.draft.path == path
    assert list(trash_dir().iterdir()) == []


@pytest.mark.parametrize("broken", BROKEN, ids=[p.stem for p in BROKEN])
def test_importing_a_broken_file_shows_its_error_and_changes_nothing(
    qtbot: QtBot, broken: Path
) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    before = _my_routines()
    expected = validate_file(broken, Library())
    assert expected, f"{broken.name} should be broken"

    assert window.import_file(broken) is None
    assert _my_routines() == before
    assert dialogs.asked == []
    title, text, details = dialogs.warned[-1]
    assert title == "Not imported"
    assert escape_controls(expected[0].message) in text
    assert f"{broken.name}:{expected[0].line}:{expected[0].column}:" in details
    assert window.draft is not None and window.draft.routine.title == copy_of("warm-up")[0]


def test_import_asks_when_the_title_is_taken(qtbot: QtBot, tmp_path: Path) -> None:
    window, dialogs = make_editor(qtbot)
    shared = tmp_path / "warm-up.yaml"  # the title (and name) of a built-in
    builtin = Library().resolve("warm-up")
    export_routine(builtin, shared)

    dialogs.answers.append(CANCEL)
    assert window.import_file(shared) is None
    assert dialogs.asked[-1][2] == (KEEP_BOTH, CANCEL)  # a built-in is never replaced

    dialogs.answers.append(KEEP_BOTH)
    first = window.import_file(shared)
    assert first == paths.user_routines_dir() / "warm-up-2.yaml"  # a free file name
    assert load_routine(first) == replace(
        load_routine(shared), title=f"{builtin.title} (2)", source=str(first)
    )

    mine = tmp_path / "mine.yaml"  # now the title of one of mine
    window.page.tabs.setCurrentIndex(ROUTINE_TAB)
    retype(qtbot, window.page.routine_form.rows["summary"].input, "Changed copy")
    window.export_file(mine)
    dialogs.answers.extend([REPLACE, DISCARD])  # opening the import asks about my edit
    assert window.import_file(mine) == first
    assert load_routine(first).summary == "Changed copy"


def test_export_writes_a_file_that_loads_equal(qtbot: QtBot, tmp_path: Path) -> None:
    window, dialogs = make_editor(qtbot)
    window.duplicate_builtin("jellyfish-breathing")
    dialogs.paths.append(tmp_path / "for-my-physio")
    written = window.export_file()
    assert written == tmp_path / "for-my-physio.yaml"
    assert window.draft is not None
    assert load_routine(written) == window.draft.routine


def test_play_from_the_selected_step(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    window.page.steps.setCurrentRow(2)
    with qtbot.waitSignal(window.play_requested) as played:
        shortcut(qtbot, window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    routine, index = played.args
    assert index == 2
    assert window.draft is not None and routine == window.draft.routine
    assert routine.source == str(window.draft.path)
