"""The library in a real X window, by keys alone: after F1's help is closed the arrow keys and
Enter still work, and typing a word from the middle of a title finds the routine."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from test_real_window import ROUTINEPLAYER, WAIT_S, press, wait_for_window, xdotool

from routineplayer.core.library import Library


def _titles_in_order() -> list[str]:
    library = Library()
    return sorted((library.resolve(name).title for name in library.names()), key=str.casefold)


@pytest.mark.xvfb
@pytest.mark.slow
def test_keys_work_after_help_and_type_ahead_finds_a_word(xvfb: str, tmp_path: Path) -> None:
    assert ROUTINEPLAYER.exists(), f"{ROUTINEPLAYER} is missing: pip install -e . into the venv"
    first, second = _titles_in_order()[:2]
    jellyfish = Library().resolve("jellyfish-breathing").title
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen([str(ROUTINEPLAYER)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
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
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=30)
        log.close()
    output = (tmp_path / "app.log").read_text()
    assert "Traceback" not in output, output
