"""The movement assessment walked by key presses, to a rehab routine saved in My routines
that loads and plays; and the boundary cases of the rule, through the view."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from journal_support import fake_driver, play_driver
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.assessment import MOVEMENTS, PAIN_QUESTION
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine
from routineplayer.core.rating_prompts import movement_prompt
from routineplayer.core.session import State
from routineplayer.core.timeline import expand
from routineplayer.gui.journal.assessment_view import AssessmentView

KEY_FOR = {n: getattr(Qt.Key, f"Key_{n}") for n in range(10)} | {10: Qt.Key.Key_T}


class Sink:
    def __init__(self) -> None:
        self.said: list[str] = []

    def play(self, text: str, priority: int, chime: str | None) -> None:
        self.said.append(text)


def shown_view(qtbot: QtBot, sink: Sink | None = None) -> AssessmentView:
    view = AssessmentView(sink=sink, today=lambda: date(2025, 3, 14))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def rate_all(qtbot: QtBot, view: AssessmentView, ratings: list[int | None]) -> None:
    """Enter to begin, then one key per movement (None: S, not tried)."""
    qtbot.keyClick(view, Qt.Key.Key_Return)
    for rating in ratings:
        qtbot.keyClick(view, Qt.Key.Key_S if rating is None else KEY_FOR[rating])


def user_routines() -> list[Path]:
    return sorted(paths.user_routines_dir().glob("*.yaml"))


def test_walks_every_movement_by_keys_and_speaks_each(qtbot: QtBot) -> None:
    sink = Sink()
    view = shown_view(qtbot, sink)
    assert sink.said[0].startswith("Try each movement slowly")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.name.text() == MOVEMENTS[0].name
    assert sink.said[-1] == movement_prompt(MOVEMENTS[0])
    assert PAIN_QUESTION in sink.said[-1]
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert view.name.text() == MOVEMENTS[1].name
    assert "Pain 2 noted." in sink.said
    qtbot.keyClick(view, Qt.Key.Key_Backspace)  # back to re-rate the first one
    assert view.name.text() == MOVEMENTS[0].name
    assert view.rating.buttons[2].isChecked()
    qtbot.keyClick(view, Qt.Key.Key_T)
    assert view.ratings == {MOVEMENTS[0].key: 10}


def test_four_pain_free_with_one_at_exactly_3_builds_a_routine_that_plays(
    qtbot: QtBot,
) -> None:
    view = shown_view(qtbot)
    saved: list[Path] = []
    view.routine_saved.connect(saved.append)
    rate_all(qtbot, view, [0, 3, 4, 2, 9, 1, None, 7, 5, 6])
    assert "Press Enter to build" in view.outcome.text()
    qtbot.keyClick(view, Qt.Key.Key_Return)

    plan = view.plan
    assert plan is not None and plan.built and plan.qualifying == 4
    assert [p.movement.key for p in plan.chosen] == [
        "hip-mobility",
        "cat-camel",  # pain exactly 3 counts as pain-free
        "beast-walk",
        "hip-bridge",
    ]
    assert "Do it 3 times a day" in view.outcome.text()
    assert view.saved_path is not None and saved == [view.saved_path]
    assert user_routines() == [view.saved_path]
    assert view.saved_path.name == "my-rehab-routine.yaml"

    routine = load_routine(view.saved_path)
    assert [s.title for s in routine.steps] == [p.movement.name for p in plan.chosen]
    assert "14 March 2025" in routine.summary
    library = Library()
    timeline = expand(routine, library.resolve)
    driver, clock = fake_driver(timeline)
    play_driver(driver, clock)
    assert driver.session.state is State.FINISHED
    summary = driver.session.summary()
    assert summary.finished and summary.sets_completed == sum(p.sets for p in plan.chosen)


@pytest.mark.parametrize(
    ("ratings", "opening"),
    [
        ([3, 3, 3, 4, 4, 9, 9, 9, 9, 9], "Only 3 of the movements"),  # 4 is not pain-free
        ([None] * 10, "None of the movements"),  # nothing tried
        ([10] * 10, "None of the movements"),
    ],
)
def test_fewer_than_4_pain_free_builds_nothing_and_says_see_a_professional(
    qtbot: QtBot, ratings: list[int | None], opening: str
) -> None:
    view = shown_view(qtbot)
    saved: list[Path] = []
    view.routine_saved.connect(saved.append)
    rate_all(qtbot, view, ratings)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.plan is not None and not view.plan.built
    text = view.outcome.text()
    assert opening in text
    assert "so no routine was built" in text
    assert "physiotherapist or a doctor" in text
    assert saved == [] and user_routines() == []
    assert not view.build_button.isEnabled()


def test_a_second_assessment_never_overwrites_the_first_routine(qtbot: QtBot) -> None:
    view = shown_view(qtbot)
    rate_all(qtbot, view, [1] * 10)
    view.build()
    first = view.saved_path
    view.restart()
    rate_all(qtbot, view, [2, 2, 2, 2, 9, 9, 9, 9, 9, 9])
    view.build()
    assert first is not None and view.saved_path is not None
    assert [p.name for p in user_routines()] == ["my-rehab-routine-2.yaml", "my-rehab-routine.yaml"]
    assert load_routine(first) != load_routine(view.saved_path)


def test_esc_asks_to_close(qtbot: QtBot) -> None:
    view = shown_view(qtbot)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    with qtbot.waitSignal(view.close_requested):
        qtbot.keyClick(view, Qt.Key.Key_Escape)
