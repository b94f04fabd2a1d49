"""The player fits the window at 800 × 600 and at 1920 × 1080: nothing is cut off.

A routine of the longest texts the app plays (the longest step title, instruction, side and
summary among routines/*.yaml and the movements of the rehab routine the assessment builds)
is played into each page of the player, in the window at each size, and then:

- every visible widget lies inside the window;
- every visible label shows all of its text: a word-wrapped one is at least as tall as its
  text at its width, any other at least as wide as its text (the big auto-fitting labels,
  gui.countdown.FitLabel, scale their font to fit: for those the text drawn in their font
  must be no wider than they are);
- every visible button is at least as large as its text and icon (its size hint).

A failure names each widget cut off (class, accessible name, object name, text) and by how
much, for every state and size at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.assessment import MOVEMENTS
from routineplayer.core.loader import load_routine
from routineplayer.core.model import Breathing, Check, Routine, Step, StepKind
from routineplayer.core.paths import builtin_routines_dir
from routineplayer.core.routine_files import user_path_for
from routineplayer.core.saver import save_routine
from routineplayer.core.session import State
from routineplayer.gui import app as app_module
from routineplayer.gui.countdown import FitLabel
from routineplayer.gui.main_window import MainWindow
from routineplayer.gui.player_view import Page

SIZES = [(800, 600), (1920, 1080)]
Player = Any  # conftest.Player: a started routine, its clock and its keys
TOLERANCE = 1  # px: rounding in heightForWidth
K = Qt.Key


# -- the longest texts the app plays -------------------------------------------------------------


def _longest(texts: Iterator[str]) -> str:
    return max((" ".join(t.split()) for t in texts if t), key=len)


@dataclass(frozen=True)
class LongTexts:
    routine_title: str
    summary: str
    step_title: str
    instruction: str
    sides: tuple[str, str]


def long_texts() -> LongTexts:
    shipped = [load_routine(path) for path in sorted(builtin_routines_dir().glob("*.yaml"))]
    steps = [step for routine in shipped for step in routine.steps if step.include is None]
    summaries = [r.summary for r in shipped]
    titles = [s.title for s in steps] + [m.name for m in MOVEMENTS]
    says = [s.say for s in steps] + [m.instruction for m in MOVEMENTS]
    pairs = [s.sides for s in steps if len(s.sides) == 2] + [
        m.sides for m in MOVEMENTS if len(m.sides) == 2
    ]
    left, right = max(pairs, key=lambda pair: max(len(side) for side in pair))
    return LongTexts(
        routine_title=_longest(r.title for r in shipped),
        summary=_longest(iter(summaries)),
        step_title=_longest(iter(titles)),
        instruction=_longest(iter(says)),
        sides=(left, right),
    )


def long_routine() -> Routine:
    """One step of each kind the player shows, all with the longest texts."""
    t = long_texts()
    common = {"title": t.step_title, "say": t.instruction, "sides": t.sides, "sets": 2}
    return Routine(
        title=t.routine_title,
        summary=t.summary,
        steps=(
            Step(StepKind.TIMED, duration=60.0, rest_between_sets=15.0, check=Check(), **common),
            Step(StepKind.REPS, reps=10, tempo=3.0, check=Check(), **common),  # "Rep 3 of 10"
            Step(StepKind.REPS, reps=10, **common),  # waits for "done"
            Step(
                StepKind.BREATHING,
                title=t.step_title,
                say=t.instruction,
                duration=300.0,
                breathing=Breathing(inhale=4.0, exhale=6.0),
            ),
        ),
    )


# -- reaching each state --------------------------------------------------------------------------


def _working_on(player: Player, step: int) -> None:
    for _ in range(40):
        segment = player.session.segment
        if player.session.state is State.WORKING and segment.step_index == step:
            return
        player.key(K.Key_Right)
    raise AssertionError(f"never reached step {step}; at {player.session.state}")


def _opening(player: Player) -> None:
    assert player.session.state is State.LEAD_IN  # the routine's own get-ready


def _get_ready(player: Player) -> None:
    player.key(K.Key_Right)  # the first step's get-ready
    assert player.session.state is State.LEAD_IN
    player.advance(3.0)


def _timed(player: Player) -> None:
    _working_on(player, 0)
    player.advance(20.0)


def _rep(player: Player) -> None:
    _working_on(player, 1)
    player.advance(7.0)
    assert player.window.player_view.rep.text() == "Rep 3 of 10"


def _wait_done(player: Player) -> None:
    player.skip_until(State.WAITING_DONE, limit=40)


def _paused(player: Player) -> None:
    _timed(player)
    player.key(K.Key_Space)
    assert player.session.state is State.PAUSED


def _check(player: Player) -> None:
    player.until_check()


def _resets_used_up(player: Player) -> None:
    for _ in range(3):  # a yes, the reset, the set again: twice; the third yes is too many
        player.until_check(limit=40)
        player.key(K.Key_Y)
        if player.session.state is State.RESETTING:
            player.advance(player.session.remaining() or 1.0)
    assert player.session.resets_exhausted


def _reset(player: Player) -> None:
    player.until_check()
    player.key(K.Key_Y)
    assert player.session.state is State.RESETTING
    player.advance(30.0)


def _rest(player: Player) -> None:
    player.until_check()
    player.key(K.Key_N)
    assert player.session.state is State.RESTING
    player.advance(3.0)


def _breathing(player: Player) -> None:
    _working_on(player, 3)
    player.advance(2.5)
    assert player.window.player_view.current_page() is Page.BREATHING


def _audio_only(player: Player) -> None:
    _timed(player)
    player.key(K.Key_A)
    assert player.window.audio_only


STATES: dict[str, Callable[[Player], None]] = {
    "opening": _opening,
    "get-ready": _get_ready,
    "timed": _timed,
    "rep": _rep,
    "wait-done": _wait_done,
    "paused": _paused,
    "check": _check,
    "check-resets-used-up": _resets_used_up,
    "rest-and-reset": _reset,
    "rest": _rest,
    "breathing": _breathing,
    "audio-only": _audio_only,
}


# -- what is cut off ------------------------------------------------------------------------------


def describe(widget: QWidget) -> str:
    parts = [type(widget).__name__]
    if widget.accessibleName():
        parts.append(f"'{widget.accessibleName()}'")
    if widget.objectName():
        parts.append(f"#{widget.objectName()}")
    text = widget.text() if isinstance(widget, (QLabel, QPushButton)) else ""
    if text:
        short = " ".join(text.split())
        parts.append(f"text={short[:70] + '…' if len(short) > 70 else short!r}")
    return " ".join(parts)


def _in_a_scroll_area(widget: QWidget, window: QWidget) -> bool:
    """Inside a scroll area's viewport, being cut off at its edge is what scrolling is for."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        if isinstance(parent.parentWidget(), QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped(window: QWidget) -> list[str]:
    problems = []
    bounds = window.rect()
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.isWindow() or _in_a_scroll_area(widget, window):
            continue
        name = describe(widget)
        area = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not bounds.contains(area):
            problems.append(f"{name}: at {_rect(area)}, outside the window {_rect(bounds)}")
        if isinstance(widget, FitLabel):
            advance = QFontMetrics(widget.font()).horizontalAdvance(widget.text())
            if advance > widget.width():
                problems.append(f"{name}: text {advance} px wide in {widget.width()} px")
        elif isinstance(widget, QLabel):
            if widget.wordWrap():
                needed = widget.heightForWidth(widget.width())
                if needed > widget.height() + TOLERANCE:
                    problems.append(
                        f"{name}: needs {needed} px of height at {widget.width()} px wide, "
                        f"has {widget.height()}"
                    )
            elif widget.sizeHint().width() > widget.width():
                problems.append(
                    f"{name}: needs {widget.sizeHint().width()} px of width, has {widget.width()}"
                )
        elif isinstance(widget, QPushButton):
            hint = widget.sizeHint()
            if hint.width() > widget.width() or hint.height() > widget.height():
                problems.append(
                    f"{name}: needs {hint.width()}x{hint.height()}, "
                    f"has {widget.width()}x{widget.height()}"
                )
    return problems


def _rect(r: QRect) -> str:
    return f"({r.x()}, {r.y()}) {r.width()}x{r.height()}"


def settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(10)


# -- the test -------------------------------------------------------------------------------------


@pytest.fixture
def app_look(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The application's own style, palette and style sheet, as create_application sets
    them when the app starts (the test's QApplication is pytest-qt's), in the light theme;
    the test's look put back afterwards."""
    style, palette, sheet = qapp.style().name(), qapp.palette(), qapp.styleSheet()
    monkeypatch.setenv("ROUTINEPLAYER_THEME", "light")
    app_module.apply_style(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setStyle(style)


@pytest.fixture
def long_player(app_look: None, window: MainWindow, start: Callable[[str], Player]) -> Player:
    routine = long_routine()
    save_routine(routine, user_path_for(routine.title))
    window.reload_library()
    return start(routine.title)


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_nothing_is_cut_off(
    long_player: Player, qtbot: QtBot, state: str, width: int, height: int
) -> None:
    window = long_player.window
    STATES[state](long_player)
    if window.isFullScreen():  # audio-only: as on a screen of this size
        window.showNormal()
    window.resize(width, height)
    settle(qtbot)
    assert (window.width(), window.height()) == (width, height)
    problems = clipped(window)
    assert not problems, f"cut off at {width}x{height} ({state}):\n" + "\n".join(problems)
