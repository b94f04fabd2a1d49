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
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from recording import MONITOR, PrivateServer, Recorder
from virtual_mic import SOURCE as MIC_SOURCE
from virtual_mic import VirtualMic

PACKAGES = {"pulseaudio": "pulseaudio", "pactl": "pulseaudio-utils", "parec": "pulseaudio-utils"}

_server = PrivateServer()
atexit.register(_server.stop)
start_audio = PrivateServer.start


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


# --- the virtual microphone (tests/audio/virtual_mic.py) -----------------------------------


@pytest.fixture
def virtual_mic(
    audio_sink: str, qtbot: QtBot, require_command: Callable[[str, str], str]
) -> Iterator[VirtualMic]:
    """The default input is the virtual microphone, and Qt already lists it as such. What
    is said into it is made by espeak-ng and sox and played with paplay."""
    require_command("espeak-ng", "espeak-ng")
    require_command("sox", "sox")
    require_command("paplay", "pulseaudio-utils")
    # Imported here: QtMultimedia is not touched before the private server is up (above).
    from routineplayer.runtime.microphone import input_devices

    mic = VirtualMic()
    mic.ensure()
    qtbot.waitUntil(
        lambda: any(d.description == MIC_SOURCE and d.is_default for d in input_devices()),
        timeout=30_000,
    )
    yield mic
    mic.ensure()  # a test may have removed it


@pytest.fixture(scope="session")
def sounds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the utterances and tones the tests make (virtual_mic.utterance, tone)."""
    return tmp_path_factory.mktemp("virtual-mic-sounds")
