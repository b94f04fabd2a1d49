"""Real sound: a private PulseAudio server, the routineplayer_test null sink, parec on its monitor.

The server is private to this pytest process (its own PULSE_RUNTIME_PATH), so nothing
else on the machine, such as another test run or a benchmark, plays into the recording;
it is set up when this conftest is imported, before any test of the session has touched
QtMultimedia (whose PulseAudio connection is process-wide and made once). The daemon is
started by scripts/start-audio.sh, as in CI and by hand, and killed at the end by the pid
it wrote. Missing system packages fail the tests that need them, naming the package; they
are never skipped.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from recording import MONITOR, Recorder

REPO = Path(__file__).resolve().parents[2]
START_AUDIO = REPO / "scripts" / "start-audio.sh"
PACKAGES = {"pulseaudio": "pulseaudio", "pactl": "pulseaudio-utils", "parec": "pulseaudio-utils"}

_runtime = Path(tempfile.mkdtemp(prefix="routineplayer-pulse-"))
os.environ["PULSE_RUNTIME_PATH"] = str(_runtime)
os.environ["PULSE_STATE_PATH"] = str(_runtime)
os.environ.pop("PULSE_SERVER", None)
os.environ.pop("PULSE_SINK", None)


def start_audio() -> str:
    """Run scripts/start-audio.sh (idempotent); return the monitor source, or raise."""
    result = subprocess.run(
        ["sh", str(START_AUDIO)], capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or "scripts/start-audio.sh failed")
    return result.stdout.strip().splitlines()[-1]


def _missing_package() -> str | None:
    for command, package in PACKAGES.items():
        if shutil.which(command) is None:
            return f"'{command}' is not installed: install the Debian package {package}"
    return None


_setup_error = _missing_package()
if _setup_error is None:
    try:
        start_audio()
    except (RuntimeError, subprocess.SubprocessError) as exc:
        _setup_error = f"could not start PulseAudio with the null sink: {exc}"


def server_pid() -> int | None:
    try:
        return int((_runtime / "pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


@atexit.register
def _stop_private_server() -> None:
    pid = server_pid()
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 3.0
            while time.monotonic() < deadline:  # it tidies its runtime dir as it exits
                os.kill(pid, 0)
                time.sleep(0.05)
    shutil.rmtree(_runtime, ignore_errors=True)


def pactl(*args: str) -> str:
    return subprocess.run(
        ["pactl", *args], capture_output=True, text=True, timeout=30, check=True
    ).stdout


@pytest.fixture
def audio_sink() -> str:
    """The null sink is the default output; returns its monitor source name."""
    if _setup_error is not None:
        pytest.fail(_setup_error, pytrace=False)
    try:
        return start_audio()  # again: a test may have unloaded the sink or stopped the server
    except RuntimeError as exc:
        pytest.fail(f"could not start PulseAudio with the null sink: {exc}", pytrace=False)


@pytest.fixture
def recorder(audio_sink: str) -> Iterator[Recorder]:
    """parec on the sink's monitor, already delivering samples when the test starts."""
    rec = Recorder(audio_sink if audio_sink else MONITOR)
    rec.wait_started()
    yield rec
    rec.close()
