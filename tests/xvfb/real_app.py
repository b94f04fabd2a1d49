"""The installed `routineplayer` in a real X window, driven by xdotool: shared by the xvfb tests."""

from __future__ import annotations

import json
import math
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
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


def offender_line(offender: dict[str, str]) -> str:
    """One offender of a walk, as the tests print it: role 'name' (Qt class): problem [path]."""
    qt = f" ({offender['qt']})" if offender["qt"] else ""
    return (
        f"  {offender['role']} {offender['name']!r}{qt}: {offender['problem']}"
        f"  [{offender['path']}]"
    )


def install_routine(home: Path, file_name: str, text: str) -> None:
    """Put a routine in the test's own ROUTINEPLAYER_HOME, where the library finds it."""
    routines = home / "data" / "routines"
    routines.mkdir(parents=True, exist_ok=True)
    (routines / file_name).write_text(text)


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


class Walker:
    """atspi_walker.py on one running app: waits for a page, walks it, keeps what it found
    (each walk also as PAGE.json in ``tmp_path``)."""

    def __init__(self, env: dict[str, str], pid: int, tmp_path: Path) -> None:
        self.env, self.pid, self.tmp_path = env, str(pid), tmp_path
        self.results: list[dict[str, Any]] = []

    def wait(self, title: str, *showing: str, press: str = "", **options: str) -> None:
        """Until the window ``title`` shows every ROLE:NAME[=TEXT] in ``showing``; pressing
        ``press`` meanwhile (options: window, every, max_presses, timeout)."""
        args = ["--pid", self.pid, "--title", title]
        args += [arg for spec in showing for arg in ("--showing", spec)]
        if press:
            args += ["--press", press]
        for name, value in options.items():
            args += [f"--{name.replace('_', '-')}", value]
        walker(self.env, "wait", *args)

    def walk(
        self,
        page: str,
        title: str,
        window: str,
        *expect: str,
        menus: bool = False,
        content: Sequence[str] = (),
        generic_names: bool = False,
        items: str = "",
        item_description: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Walk the page, which must show every ROLE:NAME[=TEXT] in ``expect`` throughout;
        with ``content`` (texts some showing object must expose), ``generic_names`` and
        ``items`` (a list, ROLE:NAME, whose items' names to judge), what a screen reader
        can read there too."""
        args = ["--page", page, "--pid", self.pid, "--title", title, "--window", window]
        args += [arg for spec in expect for arg in ("--expect", spec)]
        args += [arg for text in content for arg in ("--content", text)]
        args += ["--generic-names"] if generic_names else []
        args += ["--items", items] if items else []
        args += [arg for pair in item_description for arg in ("--item-description", pair)]
        args += ["--menus"] if menus else []
        result = walker(self.env, "walk", *args, timeout=180)
        (self.tmp_path / f"walk-{page}.json").write_text(json.dumps(result, indent=1))
        self.results.append(result)
        return result


class EventLog:
    """``atspi_walker.py listen`` on one app, running while the test drives it: the app's
    AT-SPI events (announcements, focus, name changes) as they come, each stamped with
    time.monotonic(), which is one clock for every process on the machine."""

    def __init__(self, env: dict[str, str], pid: int, path: Path) -> None:
        self.path = path
        self._stderr = path.with_suffix(".stderr").open("w")
        self.process = subprocess.Popen(
            [str(SYSTEM_PYTHON), str(WALKER), "listen", "--pid", str(pid), "--out", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], WAIT_S)
        line = self.process.stdout.readline() if ready else ""
        if '"ready"' not in line:
            self.close()
            raise WalkerError(
                f"atspi_walker.py listen did not start: {line}"
                f"{path.with_suffix('.stderr').read_text()}"
            )

    def events(self, since: float = 0.0, until: float = math.inf) -> list[dict[str, Any]]:
        """The events recorded from ``since`` to ``until`` (time.monotonic())."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                event = json.loads(line)
            except json.JSONDecodeError:  # the line being written
                continue
            if since <= event["t"] <= until:
                found.append(event)
        return found

    def wait_for(
        self, wanted: Callable[[dict[str, Any]], bool], since: float, timeout: float
    ) -> dict[str, Any] | None:
        """The first event from ``since`` on that is ``wanted``, waiting up to ``timeout``
        seconds for it; None if none came."""
        deadline = time.monotonic() + timeout
        while True:
            hit = next((e for e in self.events(since) if wanted(e)), None)
            if hit is not None:
                return hit
            self.check()
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)

    def check(self) -> None:
        """Fail as a problem of the test, not of the app, if the listener has stopped: what
        it did not hear then says nothing about the app."""
        if self.process.poll() is not None:
            raise WalkerError(
                f"atspi_walker.py listen stopped (exit {self.process.returncode}): "
                f"{self.path.with_suffix('.stderr').read_text()}"
            )

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.communicate(timeout=10)
        self._stderr.close()


@contextmanager
def listening(env: dict[str, str], pid: int, path: Path) -> Iterator[EventLog]:
    """An EventLog on the app ``pid`` for the length of the block."""
    log = EventLog(env, pid, path)
    try:
        yield log
    finally:
        log.close()
