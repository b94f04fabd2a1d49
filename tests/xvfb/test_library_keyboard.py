"""The library in a real X window, by keys alone: after F1's help is closed the arrow keys and
Enter still work, and typing a word from the middle of a title finds the routine."""

from __future__ import annotations

from pathlib import Path

import pytest
from real_app import WAIT_S, press, running_app, wait_for_window, xdotool

from routineplayer.core.library import Library


def _titles_in_order() -> list[str]:
    library = Library()
    return sorted((library.resolve(name).title for name in library.names()), key=str.casefold)


@pytest.mark.xvfb
@pytest.mark.slow
def test_keys_work_after_help_and_type_ahead_finds_a_word(xvfb: str, tmp_path: Path) -> None:
    first, second = _titles_in_order()[:2]
    jellyfish = Library().resolve("jellyfish-breathing").title
    with running_app(xvfb, tmp_path) as app:
        main = wait_for_window(xvfb, "^routineplayer$")
        notice = wait_for_window(xvfb, "^When to see a doctor$")  # the first launch only
        press(xvfb, notice, "Return")
        press(xvfb, main, "F1", "Escape")  # help, opened and closed
        press(xvfb, main, "Down", "Return")  # the second routine, by title
        prestart = wait_for_window(xvfb, f"^Before you start: {second}$")
        assert first != second
        press(xvfb, prestart, "Escape")  # not now: back to the library
        xdotool(xvfb, "windowfocus", "--sync", main)
        xdotool(xvfb, "type", "--delay", "60", "relax")  # the title's third word
        press(xvfb, main, "Return")
        prestart = wait_for_window(xvfb, f"^Before you start: {jellyfish}$")
        press(xvfb, prestart, "Escape")
        press(xvfb, main, "ctrl+q")
        assert app.wait(timeout=WAIT_S) == 0
