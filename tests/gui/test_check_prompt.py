"""The belly check's two answers: equal, large touch targets whose words fit, at any size."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from routineplayer.gui.check_prompt import CheckPrompt

SIZES = [(800, 600), (1920, 1080)]


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_yes_and_no_are_equal_large_targets(qtbot: QtBot, width: int, height: int) -> None:
    prompt = CheckPrompt()
    qtbot.addWidget(prompt)
    prompt.ask("Did your lower belly disconnect?")
    prompt.resize(width, height)
    prompt.show()
    qtbot.waitExposed(prompt)
    yes, no = prompt.yes_button, prompt.no_button
    assert yes.size() == no.size()
    assert yes.width() >= 0.35 * width and yes.height() >= 120
    for button in (yes, no):
        for label in button.findChildren(QLabel):  # every word shown, none cut off
            assert button.rect().contains(label.geometry())
            assert label.sizeHint().width() <= label.width() or label.wordWrap()
            assert label.heightForWidth(label.width()) <= label.height()
