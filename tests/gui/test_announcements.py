"""What the player tells a screen reader: one polite announcement per new moment, the time
at whole minutes only, the focus on the answers when the check appears, and content labels
that are read as their own words. The real AT-SPI path is tests/xvfb/test_screen_reader.py
(this file has another basename: pytest imports test modules by basename)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel

from routineplayer.core.session import State
from routineplayer.gui import player_controller
from routineplayer.gui.library_view import RoutineCard
from routineplayer.gui.player_view import Page

SLIDES = "Upper-back slides"
WARM_UP = "Warm-up"
K = Qt.Key


@pytest.fixture
def told(monkeypatch) -> Iterator[list[str]]:
    """Announcements, as a screen reader would get them, with one said to be listening."""
    said: list[str] = []
    monkeypatch.setattr(player_controller, "announce", lambda widget, text: said.append(text))
    QAccessible.setActive(True)
    yield said
    QAccessible.setActive(False)


def test_each_moment_is_announced_once(start, told) -> None:
    player = start(SLIDES)
    assert told == ["Get ready: Upper-back slides. Starts in 11"], "the opening words"
    player.key(K.Key_Right)
    assert told[-1].startswith("Get ready: Forward reach slides")
    count = len(told)
    player.advance(1.0)
    player.advance(1.0)
    assert len(told) == count, "the same moment is not announced again on each tick"
    player.skip_until(State.WORKING)
    assert told[-1].startswith("Forward reach slides")
    assert "Rep 1 of" in told[-1]
    count = len(told)
    player.advance(6.0)
    assert len(told) == count, "no announcement each second"
    player.key(K.Key_Space)
    assert told[-1].startswith("Paused")
    player.key(K.Key_Space)
    player.until_check()
    assert told[-1] == "Did your lower belly disconnect? Yes or no."
    player.key(K.Key_Y)
    assert told[-1].startswith("Rest and reset, 2:00.")
    assert "scoop up from your lower belly" in told[-1]


def test_the_time_is_announced_at_whole_minutes_only(start, told) -> None:
    player = start(SLIDES)
    player.until_check()
    player.key(K.Key_Y)  # a two-minute rest and reset
    count = len(told)
    player.advance(30.0)
    assert len(told) == count
    player.advance(31.0)
    assert told[count:] == ["1 minute left"]


def test_the_check_takes_the_focus_for_a_screen_reader(start, told, qtbot) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is player.window)
    player.until_check()
    assert QApplication.focusWidget() is view.check.yes_button
    qtbot.keyClick(view.check.yes_button, K.Key_Tab)
    assert QApplication.focusWidget() is view.check.no_button
    qtbot.keyClick(view.check.no_button, K.Key_Return)  # "no": carry on
    assert player.session.state is not State.CHECKING
    assert QApplication.focusWidget() is view, "the focus goes back to the player"


def test_without_a_screen_reader_the_focus_stays_with_the_player(start, qtbot) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    player.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is player.window)
    player.until_check()
    assert QApplication.focusWidget() is view  # Enter keeps its meaning there


def test_content_labels_are_read_as_their_words(start) -> None:
    player = start(WARM_UP)
    player.skip_until(State.WORKING)
    view = player.window.player_view
    assert view.current_page() is Page.TIMER
    for label in (view.title, view.instruction, view.set_info, view.next_step):
        assert isinstance(label, QLabel)
        # No name of its own: a label's name is then its text, which is what is read.
        assert label.accessibleName() == "", label.accessibleDescription()
        assert label.accessibleDescription(), "what the words are, for review keys"
    check = view.check
    assert check.question.accessibleName() == ""


def test_a_library_item_is_named_by_title_and_length() -> None:
    card = RoutineCard(
        key="warm-up",
        title="Warm-up",
        length="9 min of exercise · about 11 min in all",
        summary="Wakes up the heart, shoulders, hips and spine before exercise.",
        equipment=("A chair or a wall",),
    )
    assert card.spoken_name == "Warm-up, 9 min of exercise · about 11 min in all"
    assert "Wakes up the heart" in card.spoken_description
    assert "A chair or a wall" in card.spoken_description
