"""Every control Tab can reach, without the pages losing their own keys (issue: a new user's
first hour, keyboard first). The real AT-SPI walk is tests/xvfb/test_atspi_walk.py."""

from __future__ import annotations

from editor_support import make_editor
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolBar, QWidget
from pytestqt.qtbot import QtBot
from test_journal_history import journal, view_of  # noqa: F401 (journal is a fixture)

from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import When
from routineplayer.gui.journal.pain_prompt import PainPrompt

K = Qt.Key


def tab_stops(qtbot: QtBot, start: QWidget, presses: int = 40) -> list[QWidget]:
    start.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is start.window())
    start.setFocus()
    stops: list[QWidget] = []
    for _ in range(presses):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, K.Key_Tab)
        stops.append(QApplication.focusWidget())
    return stops


def test_tab_leaves_the_history_table_for_its_buttons(qtbot: QtBot, journal) -> None:  # noqa: F811
    view = view_of(qtbot, journal)
    stops = tab_stops(qtbot, view.table, presses=8)
    names = {w.accessibleName() or getattr(w, "text", lambda: "")() for w in stops}
    assert any("CSV" in name for name in names), names
    assert any("Close" in name for name in names), names


def test_tab_reaches_the_editor_toolbar(qtbot: QtBot) -> None:
    window, _ = make_editor(qtbot)
    bar = window.findChild(QToolBar, "editor-toolbar")
    buttons = [bar.widgetForAction(a) for a in bar.actions() if not a.isSeparator()]
    assert buttons and all(b.focusPolicy() & Qt.FocusPolicy.TabFocus for b in buttons)
    assert all(b.accessibleName() for b in buttons)


def test_pain_answers_take_tab_and_keep_the_prompts_keys(qtbot: QtBot) -> None:
    prompt = PainPrompt(When.BEFORE, location=PainLocation.LOWER_BACK)
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.waitExposed(prompt)
    stops = set(tab_stops(qtbot, prompt, presses=30))
    answers = {*prompt.rating.buttons, *prompt.location_buttons.values(), prompt.skip_button}
    assert answers <= stops, [b.accessibleName() for b in answers - stops]
    # Enter on a focused rating presses it: a screen-reader user rates without digits.
    seven = prompt.rating.buttons[7]
    seven.setFocus()
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(seven, K.Key_Return)
    assert answered.args[0].level == 7
