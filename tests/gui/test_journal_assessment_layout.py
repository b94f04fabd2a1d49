"""The assessment's pages use the window: no big empty band, and nothing drawn over another."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.assessment import MOVEMENTS
from routineplayer.gui.journal.assessment_view import AssessmentView

SIZES = [(800, 600), (1920, 1080)]
MAX_EMPTY = 0.3  # of the view's height, in one band with nothing in it


def parts(view: AssessmentView) -> list[QRect]:
    page = view.pages.currentWidget()
    found = [
        w
        for w in page.findChildren(QWidget)
        if isinstance(w, (QLabel, QPushButton)) and w.isVisible() and w.parent() is not None
    ]
    # Only the outermost: a label inside a button is part of the button.
    found = [w for w in found if not isinstance(w.parentWidget(), QPushButton)]
    return [QRect(w.mapTo(view, w.rect().topLeft()), w.size()) for w in found]


def assert_fills(view: AssessmentView) -> None:
    areas = parts(view)
    edges = sorted([(0, 0)] + [(r.top(), r.bottom()) for r in areas] + [(view.height(), 0)])
    reached, largest = 0, 0
    for top, bottom in edges:
        largest = max(largest, top - reached)
        reached = max(reached, bottom)
    assert largest <= MAX_EMPTY * view.height(), f"{largest} px empty of {view.height()}"
    for n, a in enumerate(areas):
        for b in areas[n + 1 :]:
            assert not a.intersects(b), (a, b)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_page_fills_the_window(qtbot: QtBot, width: int, height: int) -> None:
    view = AssessmentView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    assert_fills(view)  # the introduction
    view.begin()
    qtbot.wait(10)
    assert_fills(view)  # a movement
    for _ in MOVEMENTS:
        view.rate(2)
    qtbot.wait(10)
    assert_fills(view)  # the ratings
    view.build()
    qtbot.wait(10)
    assert_fills(view)  # the plan, saved
