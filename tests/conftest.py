"""Settings shared by every test: isolated per-user dirs, headless Qt, system requirements.

Area conftests (tests/gui, tests/audio, ...) add their own fixtures on top of these.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from routineplayer.runtime.main_thread_gc import (
    collect_due,
    collect_on_this_thread,
    freeze_what_lives,
)

# Set before anything can create a QApplication; pytest_configure below honours --onscreen.
if os.environ.get("ROUTINEPLAYER_ONSCREEN") != "1":
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

# Commands each marker's tests need, with the Debian package that provides them.
MARKER_COMMANDS: dict[str, list[tuple[str, str]]] = {
    "audio": [
        ("pulseaudio", "pulseaudio"),
        ("pactl", "pulseaudio-utils"),
        ("parec", "pulseaudio-utils"),
    ],
    "speech": [("espeak-ng", "espeak-ng")],
    "xvfb": [("Xvfb", "xvfb"), ("xauth", "xauth"), ("xdotool", "xdotool")],
    "notifications": [
        ("dbus-daemon", "dbus-daemon"),
        ("dbus-send", "dbus-bin"),  # dunstctl and the tests ask the bus through it
        ("dunst", "dunst"),
        ("dunstctl", "dunst"),
    ],
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--onscreen",
        action="store_true",
        help="show Qt windows on the real display instead of the offscreen platform",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--onscreen"):
        os.environ["ROUTINEPLAYER_ONSCREEN"] = "1"
        os.environ.pop("QT_QPA_PLATFORM", None)


def require_command(name: str, package: str) -> str:
    """Return the path of `name`, or fail the test naming the Debian package to install.

    Missing system components fail rather than skip, so CI cannot go green without them.
    """
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"'{name}' is not installed: install the Debian package {package} "
            f"(sudo apt-get install {package}, or run scripts/bootstrap.sh as root)",
            pytrace=False,
        )
    return path


def require_debian_package(package: str) -> None:
    """Fail the test unless the Debian package (e.g. a library used via ctypes) is installed."""
    require_command("dpkg-query", "dpkg")
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status}", package],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if status != "installed":
        pytest.fail(
            f"the Debian package {package} is not installed "
            f"(sudo apt-get install {package}, or run scripts/bootstrap.sh as root)",
            pytrace=False,
        )


@pytest.fixture(autouse=True, scope="session")
def _collect_cycles_on_the_main_thread() -> Iterator[None]:
    """As the app does (runtime/main_thread_gc.py): no cycle collection on the audio, speech
    or journal threads, where it would destroy QObjects off their thread. The collected
    suite (~107,000 objects) is frozen as the app freezes its start-up: a full collection
    of it took 70-80 ms with the GIL held, long enough to starve the audio feeder."""
    gc.disable()
    freeze_what_lives()
    yield
    gc.unfreeze()
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    if {"qtbot", "qapp"} & set(request.fixturenames):
        # During a Qt test too, as in the app: a long test that waits in many short event
        # loops (qtbot.waitUntil makes a loop and a timer every 10 ms) leaves cycles that
        # must not pile up until its end.
        collect_on_this_thread(request.getfixturevalue("qapp"))
    yield
    collect_due()


@pytest.fixture(autouse=True)
def routineplayer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every per-user dir (data, journal, cache, config) at a fresh temporary dir.

    An environment variable rather than a patched function, so subprocesses (the CLI, the
    speech worker) are isolated too.
    """
    home = tmp_path / "routineplayer-home"
    home.mkdir()
    monkeypatch.setenv("ROUTINEPLAYER_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _marker_requirements(request: pytest.FixtureRequest) -> None:
    """Fail tests marked audio/speech/xvfb/notifications up front when their system commands
    are missing."""
    for marker, commands in MARKER_COMMANDS.items():
        if request.node.get_closest_marker(marker):
            for name, package in commands:
                require_command(name, package)


@pytest.fixture(name="require_command")
def _require_command_fixture() -> Callable[[str, str], str]:
    """`require_command(name, package)` for tests, without importing conftest."""
    return require_command


@pytest.fixture(name="require_debian_package")
def _require_debian_package_fixture() -> Callable[[str], None]:
    return require_debian_package


# tests/unit is pure logic: real engines, sound servers and X servers have folders of their own.
_NOT_IN_UNIT = set(MARKER_COMMANDS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unit = Path(__file__).resolve().parent / "unit"
    misplaced = []
    for item in items:
        marks = sorted({m.name for m in item.iter_markers()} & _NOT_IN_UNIT)
        if marks and item.path.is_relative_to(unit):
            misplaced.append(f"{item.nodeid} ({', '.join(marks)})")
    if misplaced:
        raise pytest.UsageError(
            "tests/unit is for logic only; move these to tests/speech, tests/audio or "
            "tests/xvfb: " + "; ".join(misplaced)
        )
