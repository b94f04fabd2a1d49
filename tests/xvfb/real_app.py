"""The installed `routineplayer` in a real X window, driven by xdotool: shared by the xvfb tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def running_app(display: str, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The app on ``display``; ended if the test did not end it, and its output must hold no
    traceback."""
    assert ROUTINEPLAYER.exists(), f"{ROUTINEPLAYER} is missing: pip install -e . into the venv"
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    log = (tmp_path / "app.log").open("w")
    app = subprocess.Popen([str(ROUTINEPLAYER)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield app
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=30)
        log.close()
    output = (tmp_path / "app.log").read_text()
    assert "Traceback" not in output, output
