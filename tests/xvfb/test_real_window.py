"""The installed `routineplayer` in a real X window: started, played and stopped by keys alone,
from the first-launch safety notice to the pain rated after the routine, found in the journal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome

ROUTINEPLAYER = Path(sys.executable).parent / "routineplayer"
WAIT_S = 60


def xdotool(display: str, *args: str) -> str:
    """Run xdotool on ``display``; --sync searches wait for their window, within WAIT_S."""
    done = subprocess.run(
        ["xdotool", *args],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=True,
    )
    return done.stdout.strip()


def wait_for_window(display: str, title_regex: str) -> str:
    return xdotool(display, "search", "--sync", "--name", title_regex).splitlines()[0]


def press(display: str, window: str, *keys: str) -> None:
    # No window manager runs here, so give the window the keyboard focus ourselves.
    xdotool(display, "windowfocus", "--sync", window)
    xdotool(display, "key", "--delay", "80", *keys)


@pytest.mark.xvfb
@pytest.mark.slow
def test_warm_up_plays_from_the_keyboard(xvfb: str, tmp_path: Path) -> None:
    assert ROUTINEPLAYER.exists(), f"{ROUTINEPLAYER} is missing: pip install -e . into the venv"
    env = {**os.environ, "DISPLAY": xvfb, "QT_QPA_PLATFORM": "xcb"}
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen([str(ROUTINEPLAYER)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
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
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=30)
        log.close()
    output = (tmp_path / "app.log").read_text()
    assert "Traceback" not in output, output
    with Journal.open(paths.journal_path()) as journal:
        (session,) = journal.sessions()
    assert (session.routine_title, session.outcome) == ("Warm-up", Outcome.STOPPED)
    assert (session.pain_before, session.pain_after) == (None, 3)
