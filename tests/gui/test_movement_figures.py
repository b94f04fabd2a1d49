"""The movement figure where it shows: the player (timed by the session), the next step's
preview, the screen before the start, the assessment and the editor's library."""

from __future__ import annotations

import pytest
from editor_support import field_input, make_editor
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from routineplayer.core.model import StepKind
from routineplayer.core.motion import phase_at
from routineplayer.core.motion_library import all_builtin_motions, library_motion
from routineplayer.core.session import State
from routineplayer.gui.dialogs import PrestartDialog
from routineplayer.gui.editor.movement_picker import MovementPicker
from routineplayer.gui.figure_widget import FigureWidget

K = Qt.Key
WARM_UP = "Warm-up"
SLIDES = "Upper-back slides"


def _until_step(player, title: str, state: State = State.WORKING) -> None:
    for _ in range(60):
        segment = player.session.segment
        if segment is not None and segment.title == title and player.session.state is state:
            return
        player.key(K.Key_Right)
    raise AssertionError(f"never reached {title} ({state})")


def test_the_player_shows_the_steps_figure_and_it_moves_with_the_session(start) -> None:
    player = start(WARM_UP)
    figure = player.window.player_view.figure
    _until_step(player, "Light cardio")
    assert figure.isVisible()
    assert figure.motion is not None and figure.motion.id == "walk-on-the-spot"
    player.advance(0.3, step=0.3)
    expected = phase_at(figure.motion.cycle, player.session.elapsed_in_segment())
    assert figure.phase == pytest.approx(expected, abs=1e-6)
    assert figure.phase > 0
    # Paused, it holds still.
    player.key(K.Key_Space)
    assert player.session.state is State.PAUSED
    held = figure.phase
    player.advance(0.7, step=0.35)
    player.controller.animate()
    assert figure.phase == held


def test_a_rep_step_draws_one_cycle_per_rep_in_time_with_the_count(start) -> None:
    player = start(SLIDES)
    figure = player.window.player_view.figure
    _until_step(player, "Forward reach slides")
    assert figure.motion is not None and figure.motion.id == "forward-reach-slide"
    tempo = player.controller.timeline.steps[player.session.segment.step_index].tempo
    assert tempo == 5.0
    for t in (1.25, 2.5, 5.0, 6.25):  # a quarter rep, half, a whole rep, one and a quarter
        player.advance(t - player.session.elapsed_in_segment(), step=0.25)
        player.controller.animate()
        elapsed = player.session.elapsed_in_segment()
        assert figure.phase == pytest.approx((elapsed / tempo) % 1.0, abs=1e-6)
    # The start of each rep is the cycle's start: the pose the count begins with.
    assert phase_at(tempo, 5.0) == pytest.approx(0.0)


def test_the_second_side_is_the_figure_mirrored(start) -> None:
    player = start(WARM_UP)
    figure = player.window.player_view.figure
    _until_step(player, "Leg swings")
    assert player.session.segment.side == "left leg"
    assert not figure.mirror
    player.advance(player.session.remaining() + 0.1, step=0.5)
    while player.session.segment.side != "right leg" or player.session.state is not State.WORKING:
        player.key(K.Key_Right)
    assert figure.isVisible() and figure.mirror


def test_a_cue_hands_the_set_over_to_another_movement(start) -> None:
    player = start(WARM_UP)
    figure = player.window.player_view.figure
    _until_step(player, "Arm circles")
    assert figure.motion is not None and figure.motion.id == "arm-circles-forwards"
    player.advance(30.5, step=0.5)
    assert figure.motion is not None and figure.motion.id == "arm-circles-backwards"


def test_the_next_step_and_the_screen_before_the_start_show_their_movements(start, asker) -> None:
    player = start(WARM_UP)
    prestart = asker.dialogs[0]
    assert isinstance(prestart, PrestartDialog)
    assert prestart.first_figure.motion is not None
    assert prestart.first_figure.motion.id == "walk-on-the-spot"
    _until_step(player, "Light cardio")
    preview = player.window.player_view.next_figure
    assert preview.isVisible()
    assert preview.motion is not None and preview.motion.id == "arm-circles-forwards"


def test_checks_and_audio_only_show_no_figure(start) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.until_check()
    assert not view.figure.isVisible()
    player.key(K.Key_N)
    player.key(K.Key_A)
    window = player.window
    assert window.audio_only
    assert not view.isVisible()
    assert not window.audio_view.findChildren(FigureWidget)
    assert not player.controller._frame.isActive()


def test_the_figure_is_drawn_and_not_blank(start) -> None:
    player = start(WARM_UP)
    figure = player.window.player_view.figure
    _until_step(player, "Bird-dog")
    image = figure.grab().toImage()
    background = image.pixelColor(0, 0)
    drawn = sum(
        image.pixelColor(x, y) != background
        for x in range(0, image.width(), 4)
        for y in range(0, image.height(), 4)
    )
    assert drawn > 50, "the figure painted nothing"


def test_the_editor_adds_a_step_from_the_movement_library(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    qtbot.mouseClick(window.empty.new_button, Qt.MouseButton.LeftButton)
    wanted = library_motion("bird-dog")
    assert wanted is not None
    chosen: list[MovementPicker] = []

    def pick() -> None:
        picker = QApplication.activeModalWidget()
        assert isinstance(picker, MovementPicker)
        chosen.append(picker)
        picker.list.setCurrentRow(picker.motions.index(wanted))
        assert picker.figure.motion == wanted
        assert "6 reps" in picker.step_line.text()
        qtbot.keyClick(picker.list, Qt.Key.Key_Return)

    QTimer.singleShot(0, pick)
    window.add_movement_action.trigger()
    assert chosen, "the movement library did not open"
    assert window.draft is not None
    (step,) = window.draft.routine.steps
    assert step.kind is StepKind.REPS
    assert (step.title, step.movement, step.reps, step.tempo) == ("Bird-dog", "bird-dog", 6, 4.0)
    assert step.sides == wanted.defaults.sides
    # The step form shows it, figure and all; choosing none takes it away.
    movement = field_input(window, "movement")
    assert movement.value() == "bird-dog"
    assert movement.figure.isVisible()
    movement.combo.setCurrentIndex(0)
    movement.combo.activated.emit(0)
    assert window.draft.routine.steps[0].movement == ""
    assert not movement.figure.isVisible()


def test_the_library_picker_lists_every_movement_with_its_figure(qtbot: QtBot) -> None:
    picker = MovementPicker()
    qtbot.addWidget(picker)
    motions = all_builtin_motions()
    assert picker.list.count() == len(motions)
    for row in range(picker.list.count()):
        assert not picker.list.item(row).icon().isNull()


def test_each_assessment_page_shows_its_movement_moving(qtbot: QtBot) -> None:
    from datetime import date

    from routineplayer.core.assessment import MOVEMENTS
    from routineplayer.gui.journal.assessment_view import AssessmentView

    view = AssessmentView(today=lambda: date(2025, 3, 14))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    for movement in MOVEMENTS:
        assert view.name.text() == movement.name
        assert view.figure.isVisible()
        assert view.figure.motion is not None and view.figure.motion.id == movement.key
        start = view.figure.phase
        qtbot.waitUntil(lambda s=start: view.figure.phase != s, timeout=2000)
        qtbot.keyClick(view, Qt.Key.Key_1)
    # Past the last movement, the results page: the figure stops (hidden, no frames).
    assert not view.figure.isVisible()
    assert not view.figure._timer.isActive()
