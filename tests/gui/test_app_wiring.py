"""The editor and the journal wired into the real main window: the library's actions, pain
before and after play, the journal file, the safety notice, the history and "play from
this step". Dialogs go through the window's ``ask`` seam (conftest.Asker) and are answered
with the keys a person would press; routines play on the fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from editor_support import ScriptedDialogs, add_step, field_input, retype
from journal_support import play_driver
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox, QToolButton
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome, SessionRecord, SetRecord
from routineplayer.core.model import Routine, Step, StepKind
from routineplayer.core.pain import PainLocation
from routineplayer.core.session import State
from routineplayer.gui.dialogs import PrestartDialog, SummaryDialog
from routineplayer.gui.editor import recovery
from routineplayer.gui.editor.editor_window import EditorWindow
from routineplayer.gui.editor.import_export import KEEP_BOTH
from routineplayer.gui.journal.history_view import HistoryView
from routineplayer.gui.journal.pain_prompt import PainDialog
from routineplayer.gui.journal.safety_dialog import SafetyDialog
from routineplayer.gui.library_view import BUILTIN_HEADING, HEADING_ROLE, OWN_HEADING
from routineplayer.gui.main_window import MainWindow

K = Qt.Key
SLIDES = "Upper-back slides"
WARM_UP = "Warm-up"


class Rater:
    """Answers the pain dialogs with keys, like a person: ``before`` and ``after`` are the
    keys for the next ratings (the note after is typed, then Enter)."""

    def __init__(self) -> None:
        self.before: list[Qt.Key] = [K.Key_S]
        self.after: list[Qt.Key] = [K.Key_S]
        self.note = ""
        self.safety: Callable[[SafetyDialog], bool] = lambda dialog: True
        self.asked: list[str] = []  # "before"/"after", each with audio-only on or off

    def __call__(self, dialog: QDialog, window: MainWindow) -> bool:
        if isinstance(dialog, PainDialog):
            after = dialog.prompt.interview.when == "after"
            self.asked.append(
                ("after" if after else "before") + (" audio-only" * window.audio_only)
            )
            for key in self.after if after else self.before:
                QTest.keyClick(dialog.prompt, key)
            if dialog.prompt.note.isVisibleTo(dialog.prompt):
                QTest.keyClicks(dialog.prompt.note, self.note)
                QTest.keyClick(dialog.prompt.note, K.Key_Return)
            return dialog.result() == QDialog.DialogCode.Accepted
        if isinstance(dialog, SafetyDialog):
            return self.safety(dialog)
        return True


@pytest.fixture
def rater(window: MainWindow, asker) -> Rater:
    rater = Rater()
    asker.answer = lambda dialog: rater(dialog, window)
    return rater


@pytest.fixture
def editor(window: MainWindow, qtbot: QtBot) -> Iterator[tuple[EditorWindow, ScriptedDialogs]]:
    """The window's own editor, with scripted questions; left clean so closing asks nothing."""
    editor = window.editing.editor
    dialogs = ScriptedDialogs()
    editor.dialogs = dialogs  # type: ignore[assignment]
    editor.keeper.timer.stop()
    qtbot.addWidget(editor, before_close_func=lambda w: w.stack.setClean())
    yield editor, dialogs
    editor.stack.setClean()


def journal_sessions() -> list[tuple[SessionRecord, list[SetRecord]]]:
    with Journal.open(paths.journal_path()) as journal:
        return [(s, journal.sets(s.id)) for s in journal.sessions()]


def select(window: MainWindow, title: str) -> None:
    view = window.library_view.list
    rows = [view.item(i).text() for i in range(view.count())]
    view.setCurrentRow(rows.index(title))


def own_titles(window: MainWindow) -> list[str]:
    """The titles listed under the "My routines" heading (up to the next heading)."""
    view = window.library_view.list
    rows = [view.item(i) for i in range(view.count())]
    start = [item.text() for item in rows].index(OWN_HEADING) + 1
    titles = []
    for item in rows[start:]:
        if item.data(HEADING_ROLE) in (BUILTIN_HEADING, OWN_HEADING):
            break
        titles.append(item.text())
    return titles


def headings(window: MainWindow) -> list[str]:
    view = window.library_view.list
    found = (view.item(i).data(HEADING_ROLE) for i in range(view.count()))
    return [text for text in found if text in (BUILTIN_HEADING, OWN_HEADING)]


def play_to_the_end(window: MainWindow, clock, qtbot: QtBot, *, yes_to_first: bool) -> None:
    controller = window.controller
    assert controller is not None, "no routine is playing"
    with qtbot.waitSignal(controller.ended, timeout=5000):
        play_driver(controller.driver, clock, answer=lambda n: yes_to_first and n == 0)
    assert window.recorder.flush()  # the journal's writer thread has written the session


# -- the library and the editor ----------------------------------------------------------------


def test_duplicate_puts_a_copy_in_my_routines(window: MainWindow, editor) -> None:
    assert own_titles(window) == [
        "None yet: New routine starts one, Duplicate copies the selected routine here."
    ]
    assert headings(window) == [BUILTIN_HEADING, OWN_HEADING]  # the built-ins lead, for now
    select(window, WARM_UP)
    assert window.menu_actions.edit.isEnabled() and window.menu_actions.duplicate.isEnabled()
    window.menu_actions.duplicate.trigger()
    assert own_titles(window) == [f"{WARM_UP} (my copy)"]
    assert headings(window) == [OWN_HEADING, BUILTIN_HEADING]  # mine first, once there are any
    card = window.library_view.current_card()
    assert card is not None and card.own and card.title == f"{WARM_UP} (my copy)"
    assert editor[0].isVisible() and editor[0].draft is not None
    assert not editor[0].draft.read_only


def test_edit_of_a_built_in_offers_to_duplicate(window: MainWindow, asker, editor) -> None:
    select(window, SLIDES)
    asker.answer = lambda dialog: False  # "Cancel"
    window.menu_actions.edit.trigger()
    offer = asker.last(QMessageBox)
    assert "cannot be changed" in offer.text()
    assert not editor[0].isVisible() and own_titles(window)[0].startswith("None yet")
    asker.answer = lambda dialog: True  # "Duplicate"
    window.menu_actions.edit.trigger()
    assert own_titles(window) == [f"{SLIDES} (my copy)"]
    assert editor[0].isVisible()


def test_new_routine_saved_in_the_editor_is_listed_and_plays(
    window: MainWindow, editor, qtbot: QtBot, rater: Rater, clock
) -> None:
    qtbot.keyClick(window.library_view.list, K.Key_N, Qt.KeyboardModifier.ControlModifier)
    edit, _dialogs = editor
    assert edit.isVisible() and edit.draft is not None
    retype(qtbot, edit.page.title, "Evening stretch")
    add_step(edit, StepKind.TIMED)
    retype(qtbot, field_input(edit, "title"), "Knee hugs")
    retype(qtbot, field_input(edit, "duration"), "40s")
    assert edit.save()

    assert own_titles(window) == ["Evening stretch"]
    card = window.library_view.current_card()
    assert card is not None and card.title == "Evening stretch" and card.own
    qtbot.keyClick(window.library_view.list, K.Key_Return)
    assert window.controller is not None
    assert window.controller.timeline.routine.title == "Evening stretch"
    play_to_the_end(window, clock, qtbot, yes_to_first=False)
    (session, sets), *_ = journal_sessions()
    assert session.routine_title == "Evening stretch" and session.outcome is Outcome.FINISHED
    assert session.routine_source.endswith("evening-stretch.yaml")
    assert [s.step_title for s in sets] == ["Knee hugs"]


def test_play_from_a_step_in_the_editor(window: MainWindow, editor, asker, rater: Rater) -> None:
    select(window, WARM_UP)
    window.menu_actions.duplicate.trigger()
    edit, _dialogs = editor
    routine = edit.draft.routine
    edit.page.steps.setCurrentRow(3)
    edit.play_action.trigger()
    assert isinstance(asker.dialogs[0], PrestartDialog)
    controller = window.controller
    assert controller is not None
    timeline = controller.timeline
    assert [s.title for s in timeline.steps] == [s.title for s in routine.steps[3:]]
    first = next(s for s in timeline.segments if s.step_index >= 0)  # after the opening
    assert first.title == routine.steps[3].title == "Cat-cow"
    assert controller.session.state is not State.IDLE


# -- the journal ---------------------------------------------------------------------------------


def test_a_session_with_pain_before_and_after_is_in_the_journal(
    window: MainWindow, start, rater: Rater, asker, clock, qtbot: QtBot
) -> None:
    rater.before = [K.Key_5, K.Key_L]  # no place known yet: rated, then where
    rater.after = [K.Key_3]
    rater.note = "easier than yesterday"
    start(SLIDES)
    play_to_the_end(window, clock, qtbot, yes_to_first=True)
    summary = asker.last(SummaryDialog)
    assert asker.dialogs.index(summary) < len(asker.dialogs) - 1, "pain after the summary"

    rater.before = [K.Key_6]  # one key: the place is remembered from last time
    rater.after = [K.Key_4]
    rater.note = ""
    start(SLIDES)
    play_to_the_end(window, clock, qtbot, yes_to_first=False)
    assert rater.asked == ["before", "after", "before", "after"]

    (second, _), (first, sets) = journal_sessions()  # newest first
    assert (first.pain_before, first.pain_before_location) == (5, PainLocation.LOWER_BACK)
    assert (first.pain_after, first.pain_after_note) == (3, "easier than yesterday")
    assert (second.pain_before, second.pain_before_location) == (6, PainLocation.LOWER_BACK)
    assert second.pain_after == 4
    assert first.outcome is Outcome.FINISHED and first.routine_kind == "builtin"
    # Two steps of two sets, a check after each; the first "yes" repeated its set once.
    assert [(s.step_title, s.set_number, s.check_answer, s.resets_taken) for s in sets] == [
        ("Forward reach slides", 1, False, 1),
        ("Forward reach slides", 2, False, 0),
        ("One-arm sweep slides", 1, False, 0),
        ("One-arm sweep slides", 2, False, 0),
    ]


def test_history_lists_the_session_and_esc_goes_back(
    window: MainWindow, start, rater: Rater, clock, qtbot: QtBot
) -> None:
    rater.before = [K.Key_2, K.Key_U]
    start(SLIDES)
    play_to_the_end(window, clock, qtbot, yes_to_first=False)
    window.activateWindow()  # the offscreen platform loses it while the player shows
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.library_view.list, K.Key_H, Qt.KeyboardModifier.ControlModifier)
    history = window.stack.currentWidget()
    assert isinstance(history, HistoryView)
    assert history.table.rowCount() == 1
    assert history.table.item(0, 1).text() == SLIDES
    assert history.table.item(0, 3).text() == "2 (upper back)"
    assert window.menu_actions.new.isEnabled()  # the menus stay usable here
    qtbot.keyClick(history.table, K.Key_Escape)
    assert window.stack.currentWidget() is window.library_view


def test_high_pain_shows_the_notice_again_and_enter_does_not_start(
    window: MainWindow, start, rater: Rater, asker, qtbot: QtBot
) -> None:
    def press_enter(dialog: SafetyDialog) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        with qtbot.waitSignal(dialog.finished):
            qtbot.keyClick(dialog, K.Key_Return)
        return dialog.result() == QDialog.DialogCode.Accepted

    rater.before = [K.Key_8, K.Key_B]
    rater.safety = press_enter
    select(window, SLIDES)
    qtbot.keyClick(window.library_view.list, K.Key_Return)
    notice = asker.last(SafetyDialog)
    assert notice.asks_to_start and "You rated your pain 8" in notice.body.text()
    assert window.controller is None
    assert window.stack.currentWidget() is window.library_view
    assert journal_sessions() == []


def test_first_launch_shows_the_safety_notice_once(qtbot: QtBot, asker) -> None:
    shown = []
    for _ in range(2):
        window = MainWindow(ask=asker, speech=False)
        qtbot.addWidget(window)
        window.start_up()
        shown.append(sum(isinstance(d, SafetyDialog) for d in asker.dialogs))
        window.close()
    assert shown == [1, 1], "shown at the first start only"
    notice = asker.last(SafetyDialog)
    assert not notice.asks_to_start and "not a medical device" in notice.body.text()
    window = MainWindow(ask=asker, speech=False)
    qtbot.addWidget(window)
    window.show_safety_notice()  # Help > Safety notice: any time
    assert sum(isinstance(d, SafetyDialog) for d in asker.dialogs) == 2


def test_in_audio_only_the_pain_after_is_asked_before_the_summary(
    window: MainWindow, start, rater: Rater, asker, clock, qtbot: QtBot
) -> None:
    player = start(SLIDES)
    player.key(K.Key_A)
    assert window.audio_only
    rater.after = [K.Key_2]
    play_to_the_end(window, clock, qtbot, yes_to_first=False)
    assert rater.asked == ["before", "after audio-only"]
    assert isinstance(asker.dialogs[-1], SummaryDialog)
    assert not window.audio_only and window.stack.currentWidget() is window.library_view
    ((session, _),) = journal_sessions()
    assert session.pain_after == 2


def test_actions_are_named_and_off_while_a_routine_plays(
    window: MainWindow, start, rater: Rater
) -> None:
    names = [b.accessibleName() for b in window.library_view.findChildren(QToolButton)]
    assert names == [
        "New routine",
        "Duplicate",
        "Edit",
        "Import",
        "Export",
        "History",
        "Assessment",
        "Safety notice",
    ]
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["Routines", "Journal", "Settings", "Help"]
    start(SLIDES)
    assert not window.menu_actions.new.isEnabled() and not window.menu_actions.history.isEnabled()
    assert not window.menu_actions.voice_settings.isEnabled()
    assert not window.menuBar().isVisible()


def test_import_and_export_through_file_dialogs(
    window: MainWindow, editor, asker, tmp_path: Path
) -> None:
    shared = tmp_path / "shared.yaml"

    def choose(path: Path) -> Callable[[QDialog], bool]:
        def answer(dialog: QDialog) -> bool:
            dialog.selectFile(str(path))  # type: ignore[attr-defined]
            return True

        return answer

    select(window, SLIDES)
    asker.answer = choose(shared)
    window.menu_actions.export.trigger()
    assert shared.read_text(encoding="utf-8").count("title:") >= 3
    assert "Exported" in window.library_view.hint.text()

    asker.answer = choose(shared)
    editor[1].answers.append(KEEP_BOTH)  # the built-in has that title: the copy gets its own
    window.menu_actions.import_.trigger()
    assert own_titles(window) == [f"{SLIDES} (2)"]
    assert editor[0].isVisible()


def test_start_up_offers_back_what_a_crash_left_unsaved(window: MainWindow, editor, asker) -> None:
    edit, dialogs = editor
    draft = Routine("Half-made routine", (Step(StepKind.TIMED, title="Bridges", duration=30.0),))
    recovery.write_copy(paths.recovery_dir() / "new-crashed.json", draft, None)
    dialogs.answers.append("Restore")
    window.start_up()
    assert [title for title, _text, _choices in dialogs.asked] == ["Recover unsaved changes"]
    assert edit.isVisible() and edit.draft is not None
    assert edit.draft.routine.title == "Half-made routine" and edit.dirty
    edit.stack.setClean()  # now, before pytest-qt closes the window (and so the editor)


def test_a_damaged_journal_is_reported_at_start_up(qtbot: QtBot, asker) -> None:
    paths.journal_path().write_bytes(b"this is not a database" * 100)
    window = MainWindow(ask=asker, speech=False)
    qtbot.addWidget(window)
    window.start_up()
    message = asker.last(QMessageBox)
    assert message.text() == "Your journal"
    assert "journal" in message.informativeText()
    assert window.recorder.journal is not None  # a new one was started


def test_a_home_that_cannot_be_written_is_said_at_start_up_and_play_goes_on(
    qtbot: QtBot, asker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")  # root may write anywhere; a file in the way stops it too
    monkeypatch.setenv("ROUTINEPLAYER_HOME", str(blocker / "home"))
    monkeypatch.setattr(paths, "_not_kept", {})
    window = MainWindow(ask=asker, speech=False)
    qtbot.addWidget(window)
    window.start_up()
    boxes = [d for d in asker.dialogs if isinstance(d, QMessageBox)]
    assert boxes[0].text() == "Some things will not be kept"
    said = boxes[0].informativeText()
    assert "Your routines, journal and recovery copies will not be kept" in said
    assert str(blocker) in said
    assert window.library_view.count() >= 5  # the built-ins are all there to play
