"""Recovery copies: written while there are unsaved changes, offered back after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from editor_support import add_step, make_editor, retype
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.loader import load_routine
from routineplayer.core.model import Routine, StepKind
from routineplayer.gui.editor import recovery
from routineplayer.gui.editor.editor_window import SAVE


def test_a_copy_is_kept_only_while_there_are_unsaved_changes(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    window.keeper.write_now()
    assert recovery.pending() == []  # nothing unsaved yet
    retype(qtbot, window.page.title, "Changed")
    window.keeper.write_now()
    [found] = recovery.pending()
    assert window.draft is not None
    assert found.routine == window.draft.routine
    assert found.path == window.draft.path
    window.save()
    assert recovery.pending() == []


def test_the_timer_writes_the_copy(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.new_routine()
    retype(qtbot, window.page.title, "Half-made")
    window.keeper.timer.start(50)
    qtbot.waitUntil(lambda: len(recovery.pending()) == 1)
    assert recovery.pending()[0].routine.title == "Half-made"


def test_restore_an_unsaved_new_routine_that_the_loader_would_refuse(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.new_routine()
    add_step(window, StepKind.REPS)
    retype(qtbot, window.page.step_form.rows["title"].input, "Squats")
    retype(qtbot, window.page.title, "")  # the loader refuses an empty title
    assert window.draft is not None and not window.draft.findings.ok
    unsaved = window.draft.routine
    window.keeper.write_now()

    again, dialogs = make_editor(qtbot)
    dialogs.answers.append("Restore")
    assert again.offer_recovery()
    assert again.draft is not None and again.draft.routine == unsaved
    assert again.dirty and again.draft.path is None
    again.stack.undo()  # the restore itself can be undone
    assert again.draft.routine == Routine("New routine", ())


def test_discarding_the_offer_removes_the_copy(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    retype(qtbot, window.page.title, "Changed")
    window.keeper.write_now()
    again, dialogs = make_editor(qtbot)
    dialogs.answers.append("Discard")
    assert not again.offer_recovery()
    assert recovery.pending() == []


CHILD = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from routineplayer.gui.editor import EditorWindow, recovery

    app = QApplication(sys.argv)
    window = EditorWindow()
    window.show()
    window.duplicate_builtin("warm-up")
    window.keeper.timer.start(100)
    QTest.keyClicks(window.page.title, " after a crash")
    window.page.steps.setCurrentRow(0)
    say = window.page.step_form.rows["say"].input
    QTest.keyClick(say, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(say, " Keep going.")

    def ready() -> None:
        if recovery.pending():
            print("READY", flush=True)
        else:
            QTimer.singleShot(50, ready)

    QTimer.singleShot(0, ready)
    app.exec()
    """
)


def test_the_copy_is_offered_back_after_the_editor_is_killed(qtbot: QtBot) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True, env=env
    ) as child:
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "READY"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
    assert child.returncode == -signal.SIGKILL
    copy = paths.user_routines_dir() / "10-minute-warm-up-my-copy.yaml"
    saved = load_routine(copy)
    assert saved.title == "10-minute warm-up (my copy)"  # the edits never reached the file

    window, dialogs = make_editor(qtbot)
    dialogs.answers.append("Restore")
    assert window.offer_recovery()
    assert window.draft is not None and window.draft.path == copy
    restored = window.draft.routine
    assert restored.title == "10-minute warm-up (my copy) after a crash"
    assert restored.steps[0].say.endswith("Keep going.")
    assert restored.steps[1:] == saved.steps[1:]
    assert window.dirty

    dialogs.answers.append(SAVE)
    with qtbot.waitSignal(window.saved) as done:
        assert window.close()
    assert load_routine(done.args[0]) == restored
    assert recovery.pending() == []
