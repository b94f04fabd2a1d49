"""The player window over a real session on a fake clock: countdown, keys, clicker, check."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QDialog, QProgressBar

from routineplayer.core.paths import user_routines_dir
from routineplayer.core.session import State
from routineplayer.core.timeline import SegmentKind
from routineplayer.gui.countdown import format_remaining, time_left_text
from routineplayer.gui.dialogs import PrestartDialog, StopDialog, SummaryDialog
from routineplayer.gui.jellyfish_widget import jellyfish_colour
from routineplayer.gui.main_window import MainWindow
from routineplayer.gui.player_view import Page
from routineplayer.runtime.keymap import KEYMAP, Command
from routineplayer.runtime.view_text import time_left

WARM_UP = "Warm-up"
SLIDES = "Upper-back slides"

K = Qt.Key


def test_prestart_shows_position_equipment_and_safety(start, asker) -> None:
    player = start(WARM_UP)
    dialog = asker.dialogs[0]
    assert isinstance(dialog, PrestartDialog)
    routine = player.controller.timeline.routine
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.voice)))
    assert routine.position in texts
    assert all(item in texts for item in routine.equipment)
    assert all(note in texts for note in routine.safety)


def test_cancel_at_prestart_does_not_play(window: MainWindow, asker, start) -> None:
    asker.answer = lambda dialog: False
    view = window.library_view
    view.list.setCurrentRow(0)
    view.start_button.click()
    assert window.controller is None
    assert window.stack.currentWidget() is view


def test_countdown_follows_the_session(start) -> None:
    player = start(WARM_UP)
    view = player.window.player_view
    player.skip_until(State.WORKING)
    assert view.current_page() is Page.TIMER
    first = player.session.remaining()
    assert view.countdown.text() == format_remaining(first)
    player.advance(3.0)
    assert player.session.remaining() == first - 3.0
    assert view.countdown.text() == format_remaining(first - 3.0)
    assert "Playing: Warm-up" in player.window.windowTitle()


def test_countdown_is_at_least_a_quarter_of_the_window(start) -> None:
    player = start(WARM_UP)
    player.skip_until(State.WORKING)
    window = player.window
    assert window.player_view.countdown.height() >= window.height() / 4
    assert window.player_view.countdown.font().pixelSize() >= window.height() / 6


def test_step_shows_title_instruction_set_side_and_next(start) -> None:
    player = start(WARM_UP)
    view = player.window.player_view
    while player.session.segment.title != "Leg swings" or player.session.state is State.LEAD_IN:
        player.key(K.Key_Right)
    assert view.title.text() == "Leg swings"
    assert "Hold a chair" in view.instruction.text()
    assert view.set_info.text() == "Left leg"
    assert view.next_step.text() == "Next: Cat-cow"
    assert 0 < view.progress.value() < view.progress.maximum()


def test_skip_back_and_pause_by_keys(start) -> None:
    player = start(WARM_UP)
    session = player.session
    player.key(K.Key_Right)
    assert session.segment_index == 1
    player.key(K.Key_Right)
    assert session.segment_index == 2 and session.state is State.WORKING
    player.key(K.Key_Left)  # back restarts the step from its lead-in
    assert session.segment_index == 1 and session.state is State.LEAD_IN
    player.key(K.Key_Space)
    assert session.state is State.PAUSED
    assert player.window.player_view.paused.isVisible()
    assert "Paused:" in player.window.windowTitle()
    remaining = session.remaining()
    player.clock.t += 30.0  # time passes while paused; the countdown holds
    player.key(K.Key_Space)
    assert session.state is State.LEAD_IN
    assert session.remaining() == remaining


def test_clicker_and_media_keys(start) -> None:
    player = start(WARM_UP)
    session = player.session
    player.key(K.Key_PageDown)
    player.key(K.Key_PageDown)
    assert session.segment_index == 2
    player.key(K.Key_PageUp)
    assert session.segment_index == 1
    player.key(K.Key_MediaNext)
    assert session.segment_index == 2
    player.key(K.Key_MediaTogglePlayPause)
    assert session.state is State.PAUSED
    player.key(K.Key_MediaPlay)
    assert session.state is State.WORKING
    player.clock.t += 5.0  # a second "back" within 3 s would go to the previous step
    player.key(K.Key_MediaPrevious)
    assert session.segment_index == 1


def test_check_yes_rests_and_resets_then_the_set_again(start) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.until_check()
    checked = player.session.segment
    assert view.current_page() is Page.CHECK
    assert view.check.question.text() == "Did your lower belly disconnect?"
    player.clock.t += 3600.0  # a check never times out into an answer
    player.driver.tick()
    assert player.session.state is State.CHECKING

    player.key(K.Key_Y)
    assert player.session.state is State.RESETTING
    assert view.current_page() is Page.RESET
    assert "scoop up from your lower belly" in view.reset.cue.text()
    assert view.reset.countdown.text() == "2:00"
    player.advance(60.0)
    assert view.reset.countdown.text() == "1:00"
    assert abs(view.reset.ring.fraction - 0.5) < 1e-6

    player.advance(60.0)
    again = player.session.segment
    assert player.session.state is State.WORKING
    assert again.kind is SegmentKind.WORK
    assert (again.step_index, again.set_number) == (checked.step_index, checked.set_number)
    assert view.current_page() is Page.TIMER


def test_check_answered_by_clicker_and_by_mouse(start, qtbot) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.until_check()
    player.key(K.Key_PageUp)  # the clicker's back key: yes
    assert player.session.state is State.RESETTING
    player.until_check()
    player.key(K.Key_PageDown)  # the clicker's next key: no, carry on
    assert player.session.state is not State.CHECKING
    player.until_check()
    qtbot.mouseClick(view.check.yes_button, Qt.MouseButton.LeftButton)
    assert player.session.state is State.RESETTING


def test_stray_y_outside_the_check_does_nothing(start) -> None:
    player = start(SLIDES)
    index = player.session.segment_index
    player.key(K.Key_Y)
    player.key(K.Key_N)
    assert player.session.segment_index == index


def test_audio_only_toggle(start) -> None:
    player = start(WARM_UP)
    window = player.window
    player.key(K.Key_A)
    assert window.audio_only
    assert window.stack.currentWidget() is window.audio_view
    assert window.isFullScreen()
    assert window.audio_view.title.text().startswith("Warm-up")
    # Getting ready reads differently from working, in audio-only mode too.
    left = format_remaining(player.session.remaining())
    assert window.audio_view.countdown.text() == f"Starts in {left}"
    ready_size = window.audio_view.countdown.font().pixelSize()
    for _ in range(5):  # the opening words, then the first step's get-ready
        if player.session.state is State.WORKING:
            break
        player.advance((player.session.remaining() or 0.0) + 0.5)
    assert player.session.state is State.WORKING
    assert window.audio_view.countdown.text() == format_remaining(player.session.remaining())
    assert window.audio_view.countdown.font().pixelSize() > 1.5 * ready_size
    player.driver.back()  # to this step's get-ready again
    assert player.session.state is State.LEAD_IN
    player.key(K.Key_X)  # any key is the primary action: here, pause
    assert player.session.state is State.PAUSED
    player.key(K.Key_Z)
    assert player.session.state is State.LEAD_IN
    player.key(K.Key_Escape)  # leaves the mode; the routine plays on
    assert not window.audio_only
    assert window.stack.currentWidget() is window.player_view
    assert not window.isFullScreen()
    assert player.session.state is State.LEAD_IN


def test_audio_only_answers_the_check_with_y_and_n(start) -> None:
    player = start(SLIDES)
    player.until_check()
    player.key(K.Key_A)
    assert "Did your lower belly disconnect?" in player.window.audio_view.title.text()
    player.key(K.Key_N)
    assert player.session.state is not State.CHECKING


BRIDGES = """\
format: 1
title: Floor bridges
steps:
  - title: Bridges
    say: Lift your hips, then lower them slowly.
    reps: 8
    sets: 2
"""


def test_rep_step_done_by_space_and_by_the_done_button(window, start, qtbot, asker) -> None:
    (user_routines_dir() / "floor-bridges.yaml").write_text(BRIDGES, encoding="utf-8")
    window.reload_library()
    player = start("Floor bridges")
    view = window.player_view
    player.skip_until(State.WAITING_DONE)
    assert view.current_page() is Page.WAIT_DONE
    assert view.reps.text() == "8 reps"
    assert view.done_button.isVisible()
    player.key(K.Key_Space)  # on a rep step, Space means done (not pause)
    assert player.session.state is State.WAITING_DONE
    assert player.session.segment.set_number == 2
    session = player.session
    with qtbot.waitSignal(player.controller.ended):
        qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    assert session.state is State.FINISHED
    summary = asker.last(SummaryDialog)
    assert summary.windowTitle() == "Well done: Floor bridges"
    assert "Sets done: 2 of 2" in summary.body.text()


def test_escape_asks_before_stopping_then_shows_the_summary(start, asker, qtbot) -> None:
    player = start(WARM_UP)
    window = player.window
    asker.answer = lambda dialog: False
    player.key(K.Key_Escape)
    assert asker.kinds()[-1] == "StopDialog"
    assert player.session.state is State.LEAD_IN
    session = player.session
    asker.answer = lambda dialog: True
    with qtbot.waitSignal(player.controller.ended):
        player.key(K.Key_Escape)
    assert session.state is State.FINISHED
    summary = asker.last(SummaryDialog)
    assert "Stopped" in summary.windowTitle()
    assert window.controller is None
    assert window.stack.currentWidget() is window.library_view
    assert window.windowTitle() == "routineplayer"


def test_help_overlay_lists_every_key(start, qtbot) -> None:
    player = start(WARM_UP)
    window = player.window
    player.key(K.Key_F1)
    assert window.help.isVisible()
    labels = [keys for keys, _ in window.help.rows]
    assert "Space, Play/Pause" in labels and "F1, ?" in labels
    qtbot.keyClick(window.help, K.Key_Escape)  # any key closes it, without stopping
    assert not window.help.isVisible()
    assert player.session.state is State.LEAD_IN
    qtbot.keyClick(window.focusWidget(), K.Key_Space)  # keys reach the player again
    assert player.session.state is State.PAUSED


def test_keep_awake_held_while_playing_released_on_pause_and_stop(start, asker) -> None:
    player = start(WARM_UP)
    keep_awake = player.window.keep_awake
    assert keep_awake.wanted
    player.key(K.Key_Space)
    assert not keep_awake.wanted
    player.key(K.Key_Space)
    assert keep_awake.wanted
    player.key(K.Key_Escape)
    assert not keep_awake.wanted


def test_every_control_has_an_accessible_name(start) -> None:
    player = start(SLIDES)
    window = player.window
    controls = [
        *window.findChildren(QAbstractButton),
        *window.findChildren(QProgressBar),
        window.library_view.list,
        window.player_view.breathing.jellyfish,
    ]
    unnamed = [c.objectName() or type(c).__name__ for c in controls if not c.accessibleName()]
    assert not unnamed, f"controls without an accessible name: {unnamed}"
    # The countdown is content: read as its digits (a label's name is its text), and its
    # description says what they are.
    assert window.player_view.countdown.accessibleDescription() == "Time left"


def test_window_remembers_its_size_and_place(qtbot, asker) -> None:
    first = MainWindow(ask=asker, speech=False)
    qtbot.addWidget(first)
    first.resize(700, 500)  # within the offscreen 800x600 screen
    first.move(40, 30)
    first.show()
    qtbot.waitExposed(first)
    first.close()
    second = MainWindow(ask=asker, speech=False)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (700, 500)
    assert second.geometry() == first.geometry()


def test_follows_a_dark_palette(start, qapp) -> None:
    player = start(WARM_UP)
    view = player.window.player_view
    light_next = view.next_step.palette().color(QPalette.ColorRole.WindowText)
    original = qapp.palette()
    dark = QPalette(original)
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Highlight, "#8ab4f8"),
    ):
        dark.setColor(role, QColor(colour))
    try:
        qapp.setPalette(dark)  # what Qt does when the desktop switches to dark
        qapp.processEvents()
        muted = view.next_step.palette().color(QPalette.ColorRole.WindowText)
        assert muted.lightness() > 128 > light_next.lightness()
        colour = jellyfish_colour(view.breathing.jellyfish.palette())
        assert colour.lightness() > jellyfish_colour(original).lightness()
    finally:
        qapp.setPalette(original)


# -- the first hour (issue 14) ------------------------------------------------------------------


def test_after_a_yes_time_left_and_next_count_the_reset(start) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.until_check()
    before = view.time_left.text()
    player.key(K.Key_Y)
    assert player.session.state is State.RESETTING
    assert view.next_step.text() == "Next: the same set again"
    assert view.time_left.text() != before  # 2:00 of rest and the set again were added
    assert view.time_left.text() == time_left_text(time_left(player.session))


def test_get_ready_is_a_smaller_state_than_the_work(start) -> None:
    player = start(WARM_UP)
    view = player.window.player_view
    player.key(K.Key_Right)  # to the first step's get-ready
    assert player.session.state is State.LEAD_IN
    assert view.current_page() is Page.GET_READY
    assert view.get_ready.heading.text() == "Get ready"
    assert (
        view.get_ready.countdown.text()
        == f"Starts in {format_remaining(player.session.remaining())}"
    )
    ready_size = view.get_ready.countdown.font().pixelSize()
    player.key(K.Key_Right)
    assert player.session.state is State.WORKING and view.current_page() is Page.TIMER
    assert ready_size * 2 < view.countdown.font().pixelSize()


def test_a_rep_step_shows_which_rep(start) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.skip_until(State.WORKING)
    assert view.current_page() is Page.TIMER
    assert view.rep.isVisible() and view.rep.text() == "Rep 1 of 6"
    player.advance(11.0)
    assert view.rep.text() == "Rep 3 of 6"
    assert view.rep.font().pixelSize() >= view.countdown.font().pixelSize() / 2
    player.key(K.Key_Right)
    player.skip_until(State.LEAD_IN)
    assert not view.rep.isVisible()


def test_the_stop_question_is_a_large_centred_dialog_with_keys(start, asker, qtbot) -> None:
    player = start(WARM_UP)
    window = player.window
    asker.answer = lambda dialog: False
    player.key(K.Key_Escape)
    dialog = asker.dialogs[-1]
    assert isinstance(dialog, StopDialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= window.width() // 2
    centre = dialog.frameGeometry().center() - window.frameGeometry().center()
    assert abs(centre.x()) <= 2 and abs(centre.y()) <= 2
    assert dialog.heading.font().pointSizeF() > window.font().pointSizeF() * 1.5
    for key, accepted in ((K.Key_Y, True), (K.Key_N, False), (K.Key_Return, True)):
        dialog.setResult(-1)
        dialog.show()
        qtbot.keyClick(dialog, key)
        assert dialog.result() == (
            QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected
        ), key
        assert not dialog.isVisible()
    dialog.show()
    qtbot.keyClick(dialog, K.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert player.session.state is State.LEAD_IN


def test_audio_only_shows_paused(start) -> None:
    player = start(WARM_UP)
    audio = player.window.audio_view
    player.key(K.Key_A)
    assert not audio.paused.isVisible()
    player.key(K.Key_X)  # any key: pause
    assert player.session.state is State.PAUSED
    assert audio.paused.isVisible() and "Paused" in audio.paused.text()
    player.key(K.Key_X)
    assert not audio.paused.isVisible()


def test_the_help_says_what_one_back_press_does(start) -> None:
    """One ← goes to the start of this step, a second one soon after to the step before:
    the help and the button's tip say so (they said "previous step" for one press)."""
    player = start(WARM_UP)
    player.skip_until(State.WORKING)
    player.key(K.Key_Right)
    player.skip_until(State.WORKING)
    session = player.session
    step = session.segment.step_index
    player.key(K.Key_Left)
    assert session.segment.step_index == step, "one press: the start of this step"
    player.key(K.Key_Left)
    assert session.segment.step_index < step, "a second press soon after: the step before"
    back = next(b for b in KEYMAP if b.command is Command.BACK)
    assert "start of this step" in back.action.lower() and "twice" in back.action
    assert "start of this step" in player.window.player_view.back_button.toolTip().lower()
