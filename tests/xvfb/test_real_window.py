"""The installed `routineplayer` in a real X window: started, played and stopped by keys alone,
from the first-launch safety notice to the pain rated after the routine, found in the journal."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from real_app import WAIT_S, press, running_app, wait_for_window, xdotool

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome


@pytest.mark.xvfb
@pytest.mark.slow
def test_warm_up_plays_from_the_keyboard(xvfb: str, tmp_path: Path) -> None:
    with running_app(xvfb, tmp_path) as app:
        main = wait_for_window(xvfb, "^routineplayer$")
        notice = wait_for_window(xvfb, "^When to see a doctor$")  # the first launch only
        press(xvfb, notice, "Return")
        # Type-ahead in the library picks the warm-up; Enter opens "Before you start".
        xdotool(xvfb, "windowfocus", "--sync", main)
        xdotool(xvfb, "type", "--delay", "60", "warm")
        press(xvfb, main, "Return")
        prestart = wait_for_window(xvfb, "^Before you start: Warm-up$")
        press(xvfb, prestart, "Return")  # Start is the default button
        pain = wait_for_window(xvfb, "^Pain before you start$")
        press(xvfb, pain, "s")  # skipped: one key

        playing = wait_for_window(xvfb, "^Playing: Warm-up")
        assert playing == main
        press(xvfb, main, "space")
        wait_for_window(xvfb, "^Paused: Warm-up")
        press(xvfb, main, "space")
        wait_for_window(xvfb, "^Playing: Warm-up")
        shot = tmp_path / "playing.png"
        subprocess.run(
            ["import", "-display", xvfb, "-window", main, str(shot)], check=True, timeout=WAIT_S
        )
        assert shot.stat().st_size > 10_000, "the window looks empty"

        press(xvfb, main, "Escape")  # asks first
        confirm = wait_for_window(xvfb, "^Stop the routine\\?$")
        press(xvfb, confirm, "Return")
        summary = wait_for_window(xvfb, "^Stopped: Warm-up$")
        assert xdotool(xvfb, "getwindowname", main) == "routineplayer"
        press(xvfb, summary, "Return")
        pain = wait_for_window(xvfb, "^Pain after the routine$")
        press(xvfb, pain, "3", "Return")  # a rating, then Enter: no note
        press(xvfb, main, "ctrl+q")
        assert app.wait(timeout=WAIT_S) == 0
    with Journal.open(paths.journal_path()) as journal:
        (session,) = journal.sessions()
    assert (session.routine_title, session.outcome) == ("Warm-up", Outcome.STOPPED)
    assert (session.pain_before, session.pain_after) == (None, 3)
