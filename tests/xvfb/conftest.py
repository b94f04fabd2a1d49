"""A private Xvfb server per test, on a display number the server picks itself (-displayfd)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from real_app import AT_SPI_BUS_LAUNCHER, AT_SPI_REGISTRYD, SYSTEM_PYTHON, WalkerError, walker

SCREEN = "1280x800x24"


@pytest.fixture
def xvfb(require_command: Callable[[str, str], str], tmp_path: Path) -> Iterator[str]:
    """Start Xvfb and yield its DISPLAY (":N"); fails naming the package when it is missing."""
    binary = require_command("Xvfb", "xvfb")
    require_command("xdotool", "xdotool")
    read_fd, write_fd = os.pipe()
    log = (tmp_path / "xvfb.log").open("w")
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    os.close(write_fd)
    # Xvfb writes the display number once it accepts connections: no polling, no sleeps.
    with os.fdopen(read_fd) as ready:
        number = ready.readline().strip()
    if not number:
        server.kill()
        server.wait()
        pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()}", pytrace=False)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


# -- the accessibility bus, for tests that read the app over AT-SPI (test_atspi_walk.py) ----


def require_file(path: Path, package: str) -> None:
    """Fail (never skip) naming the Debian package when a program off PATH is missing."""
    if not os.access(path, os.X_OK):
        pytest.fail(
            f"{path} is missing: install the Debian package {package} "
            f"(sudo apt-get install {package}, or run scripts/bootstrap.sh as root)",
            pytrace=False,
        )


def require_pyatspi() -> None:
    """pyatspi comes from Debian (python3-pyatspi) for Debian's python3, not from the venv."""
    require_file(SYSTEM_PYTHON, "python3")
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import gi; gi.require_version('Atspi', '2.0'); import pyatspi"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        pytest.fail(
            f"{SYSTEM_PYTHON} cannot import pyatspi: install the Debian package "
            "python3-pyatspi (sudo apt-get install python3-pyatspi, or run scripts/bootstrap.sh "
            f"as root)\n{probe.stderr.strip()}",
            pytrace=False,
        )


def _end_group(process: subprocess.Popen[bytes]) -> None:
    """End a process started in a session of its own, and what it started (the launcher's
    bus and registry), by its process group id."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # children it left behind


@pytest.fixture
def atspi_bus(
    xvfb: str,
    require_command: Callable[[str, str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[dict[str, str]]:
    """A private session D-Bus and, on it, the AT-SPI bus (at-spi-bus-launcher, which starts
    the accessibility bus and at-spi2-registryd); the environment is set so that the app the
    test starts (real_app.running_app) registers there, and so is the returned dict (for
    atspi_walker.py). Fails naming the Debian package when a part is missing."""
    dbus_daemon = require_command("dbus-daemon", "dbus-daemon")
    require_file(AT_SPI_BUS_LAUNCHER, "at-spi2-core")
    require_file(AT_SPI_REGISTRYD, "at-spi2-core")
    require_pyatspi()

    log = (tmp_path / "dbus.log").open("w")
    read_fd, write_fd = os.pipe()
    daemon = subprocess.Popen(
        [dbus_daemon, "--session", "--nofork", "--nopidfile", f"--print-address={write_fd}"],
        pass_fds=(write_fd,),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.close(write_fd)
    # The daemon prints its address once it listens, as Xvfb does its display.
    with os.fdopen(read_fd) as ready:
        address = ready.readline().strip()
    launcher: subprocess.Popen[bytes] | None = None
    runtime: Path | None = None
    try:
        if not address:
            pytest.fail(
                f"dbus-daemon did not start: {(tmp_path / 'dbus.log').read_text()}",
                pytrace=False,
            )
        env = {
            **os.environ,
            "DISPLAY": xvfb,
            "DBUS_SESSION_BUS_ADDRESS": address,
            # Qt bridges to AT-SPI only when asked (or when a screen reader says it runs).
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "QT_ACCESSIBILITY": "1",
        }
        env.pop("NO_AT_BRIDGE", None)
        # The launcher puts the accessibility bus's socket in $XDG_RUNTIME_DIR/at-spi (else
        # in ~/.cache/at-spi): a short private folder, as sockets paths are short.
        runtime = Path(tempfile.mkdtemp(prefix="atspi-"))
        launcher = subprocess.Popen(
            [str(AT_SPI_BUS_LAUNCHER), "--launch-immediately"],
            env={**env, "XDG_RUNTIME_DIR": str(runtime)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            walker(env, "bus-ready")
        except WalkerError as exc:
            pytest.fail(
                f"the AT-SPI bus did not start: {exc}\n{(tmp_path / 'dbus.log').read_text()}",
                pytrace=False,
            )
        for name in ("DBUS_SESSION_BUS_ADDRESS", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON"):
            monkeypatch.setenv(name, env[name])
        monkeypatch.setenv("QT_ACCESSIBILITY", "1")
        monkeypatch.delenv("NO_AT_BRIDGE", raising=False)
        yield env
    finally:
        if launcher is not None:
            _end_group(launcher)
        _end_group(daemon)
        if runtime is not None:
            shutil.rmtree(runtime, ignore_errors=True)
        log.close()
