"""Recovery copies: written while there are unsaved changes, offered back after a crash."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from editor_support import add_step, copy_of, make_editor, retype
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.loader import load_routine
from routineplayer.core.model import Cue, Routine, Step, StepKind
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
    title, name = copy_of("warm-up")
    copy = paths.user_routines_dir() / name
    saved = load_routine(copy)
    assert saved.title == title  # the edits never reached the file

    window, dialogs = make_editor(qtbot)
    dialogs.answers.append("Restore")
    assert window.offer_recovery()
    assert window.draft is not None and window.draft.path == copy
    restored = window.draft.routine
    assert restored.title == f"{title} after a crash"
    assert restored.steps[0].say.endswith("Keep going.")
    assert restored.steps[1:] == saved.steps[1:]
    assert window.dirty

    dialogs.answers.append(SAVE)
    with qtbot.waitSignal(window.saved) as done:
        assert window.close()
    assert load_routine(done.args[0]) == restored
    assert recovery.pending() == []


# --- hostile copies: one bad file must never hide the others ------------------------------

GOOD = recovery.routine_to_plain(
    Routine(
        "Kept",
        (Step(StepKind.TIMED, "Hold", duration=30.0, cues=(Cue(5.0, "Breathe"),)),),
    )
)
STEP = GOOD["steps"][0]
DEEP = "[" * 100_000 + "]" * 100_000  # json.loads alone raises RecursionError on this


def copy_text(routine: object = GOOD, **top: object) -> str:
    data = {
        "mark": recovery.MARK,
        "version": recovery.VERSION,
        "path": None,
        "written": "2024-05-01T10:00:00+01:00",
        "routine": routine,
        **top,
    }
    return json.dumps(data)


def put(name: str, content: str | bytes) -> Path:
    file = paths.recovery_dir() / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    file.write_bytes(content)
    return file


BAD_COPIES = {
    "a list": "[1, 2]",
    "a string": '"a string"',
    "deep nesting": DEEP,
    "deep nesting inside": copy_text(routine={**GOOD, "steps": json.loads("[" * 500 + "]" * 500)}),
    "not UTF-8": b'{"mark": "\xff\xfe"}',
    "not JSON": "{",
    "no mark": json.dumps({"routine": GOOD}),
    "a number title": copy_text({**GOOD, "title": 5}),
    "steps not a list": copy_text({**GOOD, "steps": "abc"}),
    "a step not an object": copy_text({**GOOD, "steps": ["abc"]}),
    "an unknown step kind": copy_text({**GOOD, "steps": [{**STEP, "kind": "bogus"}]}),
    "an unknown step key": copy_text({**GOOD, "steps": [{**STEP, "colour": "red"}]}),
    "an infinite duration": copy_text({**GOOD, "steps": [{**STEP, "duration": math.inf}]}),
    "a huge count": copy_text({**GOOD, "steps": [{**STEP, "sets": 10**30}]}),
    "a text cue time": copy_text(
        {**GOOD, "steps": [{**STEP, "cues": [{"at": "soon", "say": ""}]}]}
    ),
    "breathing not an object": copy_text({**GOOD, "steps": [{**STEP, "breathing": "fast"}]}),
    "a number path": copy_text(path=3),
    "a NUL in the path": copy_text(path="/home/a\u0000b.yaml"),
    "a path too long": copy_text(path="/home/" + "a" * 300 + ".yaml"),
    "a number time": copy_text(written=5),
    "a naive time": copy_text(written="2024-05-01T10:00:00"),
    "a date that is no date": copy_text(written="yesterday"),
}


@pytest.mark.parametrize("content", BAD_COPIES.values(), ids=BAD_COPIES.keys())
def test_a_bad_copy_is_set_aside_whole_and_the_others_are_still_offered(
    content: str | bytes, caplog: pytest.LogCaptureFixture
) -> None:
    good = put("good.json", copy_text())
    bad = put("bad.json", content)
    [found] = recovery.pending()
    assert found.file == good and found.routine == recovery.routine_from_plain(GOOD)
    assert not bad.exists()
    [aside] = [f for f in paths.recovery_dir().iterdir() if f.name.startswith("bad.json")]
    assert not aside.name.endswith(".json")  # never offered again
    raw = content.encode("utf-8") if isinstance(content, str) else content
    assert aside.read_bytes() == raw  # the user's data is kept as it was
    assert "bad.json" in caplog.text
    assert recovery.pending() == [found]


def test_a_named_pipe_is_set_aside_without_blocking() -> None:
    os.mkfifo(paths.recovery_dir() / "pipe.json")  # reading it would wait for a writer
    good = put("good.json", copy_text())
    assert [r.file for r in recovery.pending()] == [good]
    assert (paths.recovery_dir() / "pipe.json.bad").exists()


def test_naive_and_aware_times_mixed_are_sorted_safely() -> None:
    put("early.json", copy_text(written="2024-05-01T10:00:00+02:00"))  # 08:00 UTC
    put("late.json", copy_text(written="2024-05-01T09:30:00+00:00"))  # 09:30 UTC
    put("naive.json", copy_text(written="2024-05-01T12:00:00"))  # we never write these
    assert [r.file.name for r in recovery.pending()] == ["late.json", "early.json"]
    assert (paths.recovery_dir() / "naive.json.bad").exists()


def test_a_copy_set_aside_never_replaces_one_set_aside_before() -> None:
    put("x.json.bad", "older")
    put("x.json", "[]")
    put("y.json", "[]")
    assert recovery.pending() == []
    put("x.json", "{")
    assert recovery.pending() == []
    kept = sorted(f.read_text() for f in paths.recovery_dir().glob("x.json*"))
    assert kept == ["[]", "older", "{"]


def test_a_bad_copy_that_cannot_be_moved_still_hides_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    good = put("good.json", copy_text())
    put("bad.json", "[]")

    def refuse(*args: object) -> None:
        raise PermissionError("read-only")

    monkeypatch.setattr(os, "rename", refuse)
    assert [r.file for r in recovery.pending()] == [good]
    assert "bad.json" in caplog.text


def test_a_copy_from_a_newer_version_is_left_alone() -> None:
    newer = put("newer.json", copy_text(version=recovery.VERSION + 1, routine=[]))
    assert recovery.pending() == []
    assert newer.exists()


def test_the_editor_offers_the_good_copy_when_another_is_bad(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    window.duplicate_builtin("warm-up")
    retype(qtbot, window.page.title, "Changed")
    window.keeper.write_now()
    put("hostile.json", "[]")

    again, dialogs = make_editor(qtbot)
    dialogs.answers.append("Restore")
    assert again.offer_recovery()
    assert again.draft is not None and again.draft.routine.title == "Changed"
    assert len(dialogs.asked) == 1
