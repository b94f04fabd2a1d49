"""The library from the keyboard: focus comes back after help, dialogs and other pages;
type-ahead finds any word of a title; F1 lists the library's own keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.gui.library_view import LibraryView, RoutineCard
from routineplayer.gui.main_window import MainWindow

K = Qt.Key


def _focus() -> QWidget | None:
    return QApplication.focusWidget()


def _arrow_moves_the_selection(window: MainWindow, qtbot: QtBot) -> None:
    view = window.library_view
    before = view.current_card()
    focus = _focus()
    assert focus is not None
    qtbot.keyClick(focus, K.Key_Down)
    assert view.current_card() != before


def _ready(window: MainWindow, qtbot: QtBot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: _focus() is window.library_view.list)


def test_keys_reach_the_library_after_help_is_closed(window: MainWindow, qtbot: QtBot) -> None:
    _ready(window, qtbot)
    qtbot.keyClick(window.library_view.list, K.Key_F1)
    assert window.help.isVisible()
    qtbot.keyClick(window.help, K.Key_Escape)
    assert not window.help.isVisible()
    assert _focus() is window.library_view.list
    _arrow_moves_the_selection(window, qtbot)


def test_question_mark_opens_help_rather_than_searching(window: MainWindow, qtbot: QtBot) -> None:
    _ready(window, qtbot)
    qtbot.keyClick(window.library_view.list, K.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert window.help.isVisible()


def test_help_hands_focus_back_to_the_widget_that_had_it(window: MainWindow, qtbot: QtBot) -> None:
    _ready(window, qtbot)
    start = window.library_view.start_button
    start.setFocus()
    window.toggle_help()
    window.toggle_help()
    assert _focus() is start


def test_focus_follows_the_page_shown(window: MainWindow, qtbot: QtBot) -> None:
    _ready(window, qtbot)
    history = window.show_history()
    assert _focus() is history.table
    window.reload_library()  # a routine saved meanwhile must not pull the keys off the page
    assert _focus() is history.table
    window.show_page(window.library_view)
    assert _focus() is window.library_view.list
    _arrow_moves_the_selection(window, qtbot)


def test_a_dialog_from_the_library_hands_focus_back(
    window: MainWindow, asker, qtbot: QtBot
) -> None:  # type: ignore[no-untyped-def]
    _ready(window, qtbot)

    def answer(dialog: QDialog) -> bool:
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda: _focus() is not None and _focus().window() is dialog)
        dialog.reject()
        return False

    asker.answer = answer
    window.menu_actions.safety.trigger()
    assert asker.dialogs
    qtbot.waitUntil(lambda: _focus() is window.library_view.list)
    _arrow_moves_the_selection(window, qtbot)


def _shown_texts(widget: QWidget) -> set[str]:
    return {label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)}


def test_help_in_the_library_lists_its_keys_then_the_players(window: MainWindow) -> None:
    window.toggle_help()
    shown = _shown_texts(window.help)
    native = QKeySequence.SequenceFormat.NativeText
    for action in (window.menu_actions.new, window.menu_actions.history):
        assert action.shortcut().toString(native) in shown
    assert window.help.player_heading.isVisibleTo(window.help)
    window.toggle_help()


def test_help_over_another_page_lists_only_the_players_keys(window: MainWindow) -> None:
    window.show_history()
    window.toggle_help()
    shown = _shown_texts(window.help)
    native = QKeySequence.SequenceFormat.NativeText
    assert window.menu_actions.new.shortcut().toString(native) not in shown
    assert "Space, Play/Pause" in shown


CARDS = [
    RoutineCard("warm", "10-minute warm-up", "9 min"),
    RoutineCard("slides", "2-minute upper-back slides", "2 min"),
    RoutineCard("cool", "cool-down", "10 min"),
]


def _typed(view: LibraryView, qtbot: QtBot, text: str) -> str | None:
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new search, not a continued one
    qtbot.keyClicks(view.list, text)
    card = view.current_card()
    return card.key if card else None


def test_type_ahead_matches_the_start_of_any_word(qtbot: QtBot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_cards(CARDS)
    assert _typed(view, qtbot, "warm") == "warm"
    assert _typed(view, qtbot, "upper") == "slides"
    assert _typed(view, qtbot, "COOL") == "cool"
    assert _typed(view, qtbot, "back") == "slides"  # after a hyphen, a word too
    assert _typed(view, qtbot, "10-minute w") == "warm"  # across words
    assert _typed(view, qtbot, "inute") == "warm"  # not a word start: nothing moves


def test_cards_are_listed_by_title_whatever_the_file_name(qtbot: QtBot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.set_cards(
        [
            RoutineCard("a-file", "Zebra stretch", "2 min"),
            RoutineCard("b-file", "apple breathing", "2 min"),
            RoutineCard("c-file", "Morning", "2 min"),
        ]
    )
    assert [c.title for c in view.cards()] == ["apple breathing", "Morning", "Zebra stretch"]
