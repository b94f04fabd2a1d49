"""The installed `routineplayer` in a real X window, driven by xdotool: shared by the xvfb tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


def wait_for_shown_window(display: str, title_regex: str) -> str:
    """As wait_for_window, among mapped windows only: Qt also makes an unmapped window
    titled like the main one (its client leader), which cannot take the focus."""
    found = xdotool(display, "search", "--sync", "--onlyvisible", "--name", title_regex)
    return found.splitlines()[0]


# -- reading the app over AT-SPI (test_atspi_walk.py) ----------------------------------------

# pyatspi is Debian's (python3-pyatspi), for Debian's python3: the walker runs there.
SYSTEM_PYTHON = Path("/usr/bin/python3")
WALKER = Path(__file__).with_name("atspi_walker.py")
AT_SPI_BUS_LAUNCHER = Path("/usr/libexec/at-spi-bus-launcher")  # at-spi2-core
AT_SPI_REGISTRYD = Path("/usr/libexec/at-spi2-registryd")  # at-spi2-core


class WalkerError(AssertionError):
    """atspi_walker.py could not do what it was asked (not an accessibility finding)."""


def walker(
    env: dict[str, str], command: str, *args: str, timeout: float = WAIT_S
) -> dict[str, Any]:
    """Run ``atspi_walker.py command args`` under the system python; its JSON answer."""
    done = subprocess.run(
        [str(SYSTEM_PYTHON), str(WALKER), command, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise WalkerError(
            f"atspi_walker.py {command} {' '.join(args)} exited {done.returncode}:\n"
            f"{done.stdout}{done.stderr}"
        ) from None
    if done.returncode != 0 or "error" in answer:
        raise WalkerError(
            f"atspi_walker.py {command}: {answer.get('error', answer)}\n{done.stderr}".rstrip()
        )
    return answer
