"""The library page: cards for built-in and own routines, kept in a cache that follows files."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from routineplayer.core.paths import user_cache_dir, user_routines_dir
from routineplayer.gui.dialogs import PrestartDialog
from routineplayer.gui.library_view import CARD_ROLE, LibraryView, RoutineCard
from routineplayer.gui.routine_source import CACHE_NAME, RoutineSource

OWN = """\
format: 1
title: My morning
summary: Two gentle minutes.
equipment: [A mat]
steps:
  - title: Knee rocks
    duration: {seconds}s
"""


def test_cards_show_title_length_summary_and_equipment() -> None:
    cards = {card.title: card for card in RoutineSource().cards()}
    warm_up = cards["Warm-up"]
    assert warm_up.key == "warm-up"
    assert warm_up.length == "9 min of exercise · about 11 min in all"
    assert warm_up.summary.startswith("Wakes up the heart")
    assert "A chair or a wall to hold during leg swings" in warm_up.equipment
    assert not warm_up.own and not warm_up.problem


def test_cards_are_cached_until_a_routine_file_changes() -> None:
    own = user_routines_dir() / "my-morning.yaml"
    own.write_text(OWN.format(seconds=120), encoding="utf-8")
    first = RoutineSource().cards()
    cache = user_cache_dir() / CACHE_NAME
    assert [c["title"] for c in json.loads(cache.read_text())["cards"]] == [c.title for c in first]
    assert RoutineSource().cards() == first  # read back from the cache, the same cards

    own.write_text(OWN.format(seconds=300), encoding="utf-8")
    mine = next(c for c in RoutineSource().cards() if c.title == "My morning")
    assert mine.own and mine.equipment == ("A mat",)
    assert mine.length != next(c for c in first if c.title == "My morning").length


@pytest.mark.parametrize("damage", ["{not json", "[" * 100_000 + "]" * 100_000])
def test_a_damaged_cache_is_rebuilt(damage: str) -> None:
    cache = user_cache_dir() / CACHE_NAME
    cache.write_text(damage, encoding="utf-8")  # deep nesting raised RecursionError
    assert len(RoutineSource().cards()) >= 5
    assert json.loads(cache.read_text())["cards"]


def test_a_broken_routine_is_listed_with_its_problem_and_cannot_start(window) -> None:
    (user_routines_dir() / "broken.yaml").write_text("format: 1\ntitle: [", encoding="utf-8")
    window.reload_library()
    view = window.library_view
    items = [view.list.item(i) for i in range(view.count())]
    broken = next(item for item in items if item.text() == "broken")
    card = broken.data(Qt.ItemDataRole.UserRole + 1)
    assert card.problem.startswith("Cannot be played:")
    assert not broken.flags() & Qt.ItemFlag.ItemIsEnabled


def test_double_click_starts_with_the_prestart_notes(window, asker, qtbot) -> None:
    view = window.library_view.list
    rows = [view.item(i).text() for i in range(view.count())]
    item = view.item(rows.index("Jellyfish breathing relaxation"))
    rect = view.visualItemRect(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert isinstance(asker.dialogs[0], PrestartDialog)
    assert window.controller is not None
    assert window.controller.timeline.routine.title == "Jellyfish breathing relaxation"


def test_prestart_shows_the_length_the_card_shows(window, asker) -> None:
    card = next(c for c in window.library_view.cards() if c.key == "warm-up")
    window.start_card(card)
    prestart = asker.last(PrestartDialog)
    assert card.length in {label.text() for label in prestart.findChildren(QLabel)}
    assert card.length == window.controller.timeline.length


def test_a_card_without_a_summary_leaves_no_blank_line(qtbot) -> None:
    view = LibraryView()
    qtbot.addWidget(view)
    view.resize(600, 500)
    view.set_cards(
        [RoutineCard("a", "Said", "2 min", "A few words."), RoutineCard("b", "Unsaid", "2 min")]
    )
    items = [view.list.item(i) for i in range(view.count())]
    rects = {
        item.data(CARD_ROLE).key: view.list.visualItemRect(item)
        for item in items
        if item.data(CARD_ROLE) is not None
    }
    line = view.list.fontMetrics().lineSpacing()
    assert rects["a"].height() - rects["b"].height() >= line
