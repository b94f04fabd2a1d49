"""The installed `routineplayer` in a real X window: started, played and stopped by keys alone,
from the first-launch safety notice to the pain rated after the routine, found in the journal."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from real_app import ROUTINEPLAYER, WAIT_S, press, running_app, wait_for_window, xdotool

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome
from routineplayer.gui.single_instance import socket_path


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


# -- one app per user ------------------------------------------------------------------------


def _launch_again(display: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Another ``routineplayer`` on ``display``, as a second click on the menu entry is."""
    return subprocess.run(
        [str(ROUTINEPLAYER), *args],
        env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=False,
    )


@pytest.mark.xvfb
def test_a_second_launch_raises_the_first_and_starts_no_other(xvfb: str, tmp_path: Path) -> None:
    with running_app(xvfb, tmp_path) as first:
        main = wait_for_window(xvfb, "^routineplayer$")
        notice = wait_for_window(xvfb, "^When to see a doctor$")
        press(xvfb, notice, "Return")
        windows = xdotool(xvfb, "search", "--onlyvisible", "--name", "^routineplayer$")
        assert socket_path().exists(), "the first instance does not listen"
        second = _launch_again(xvfb)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr
        assert first.poll() is None, "the first instance must keep running"
        # Still one window: the second launch showed none of its own.
        again = xdotool(xvfb, "search", "--onlyvisible", "--name", "^routineplayer$")
        assert again == windows
        press(xvfb, main, "ctrl+q")
        assert first.wait(timeout=WAIT_S) == 0
    assert not socket_path().exists(), "a clean quit leaves its socket behind"


@pytest.mark.xvfb
def test_playing_a_routine_from_a_second_launch_starts_it_in_the_first(
    xvfb: str, tmp_path: Path
) -> None:
    with running_app(xvfb, tmp_path) as first:
        main = wait_for_window(xvfb, "^routineplayer$")
        notice = wait_for_window(xvfb, "^When to see a doctor$")
        press(xvfb, notice, "Return")
        second = _launch_again(xvfb, "play", "warm-up")
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stderr
        prestart = wait_for_window(xvfb, "^Before you start: Warm-up$")  # in the first
        assert first.poll() is None
        press(xvfb, prestart, "Escape")
        press(xvfb, main, "ctrl+q")
        assert first.wait(timeout=WAIT_S) == 0
    assert not socket_path().exists()
