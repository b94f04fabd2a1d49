"""The pain prompt's layout: the scale's words, its buttons and the note never overlap."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.rating_prompts import When
from routineplayer.gui.journal.pain_prompt import PainDialog, PainPrompt

SIZES = [(800, 600), (1920, 1080)]
ROOM = 24  # px at least between the scale and the note under it


def area(widget: QWidget, within: QWidget) -> QRect:
    return QRect(widget.mapTo(within, widget.rect().topLeft()), widget.size())


def assert_apart(prompt: PainPrompt) -> None:
    row = prompt.rating
    buttons = [area(b, prompt) for b in row.buttons]
    words = [area(label, prompt) for label in row.findChildren(QLabel) if label.isVisible()]
    assert len(words) == 2
    for word in words:
        for button in buttons:
            assert not word.intersects(button), (word, button)
    if prompt.note.isVisible():
        note = area(prompt.note, prompt)
        scale_bottom = max(r.bottom() for r in buttons + words)
        assert note.top() - scale_bottom >= ROOM


@pytest.mark.parametrize(("width", "height"), SIZES)
@pytest.mark.parametrize("when", [When.BEFORE, When.AFTER])
def test_nothing_overlaps_in_a_window(qtbot: QtBot, width: int, height: int, when: When) -> None:
    prompt = PainPrompt(when)
    qtbot.addWidget(prompt)
    prompt.resize(width, height)
    prompt.show()
    qtbot.waitExposed(prompt)
    assert_apart(prompt)
    qtbot.keyClick(prompt, "4")  # after: the note now; before: where
    qtbot.wait(10)
    assert_apart(prompt)


def test_nothing_overlaps_in_the_dialog_at_its_own_size(qtbot: QtBot) -> None:
    dialog = PainDialog(When.AFTER)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert_apart(dialog.prompt)
    qtbot.keyClick(dialog.prompt, "4")
    qtbot.waitUntil(lambda: dialog.prompt.note.isVisible())
    qtbot.wait(10)
    assert_apart(dialog.prompt)
