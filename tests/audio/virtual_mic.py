"""A virtual microphone in the tests' private PulseAudio server, and sounds to say into it.

What is played into the null sink ``routineplayer_mic`` comes out of the source
``routineplayer_mic_input``, which is made the default input, so QAudioSource's default
device captures it through the real capture path. The source is a ``module-remap-source``
over the sink's monitor rather than the monitor itself: Qt's PulseAudio backend does not list
monitor sources as audio inputs (measured: QMediaDevices.audioInputs() is empty with only
monitors). The default sink stays ``routineplayer_test``, which the other audio tests record.

Test utterances are said by espeak-ng, made 16 kHz mono by sox and padded with 1 s of
silence on each side, as a person pauses before and after an answer.
"""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from recording import pactl

SINK = "routineplayer_mic"
SOURCE = "routineplayer_mic_input"
OUTPUT_SINK = "routineplayer_test"  # start-audio.sh's: the default output must stay it


def _module_ids(argument: str) -> list[str]:
    """Ids of the loaded modules whose arguments include ``argument``."""
    rows = [line.split("\t") for line in pactl("list", "short", "modules").splitlines()]
    return [row[0] for row in rows if len(row) > 2 and argument in row[2].split()]


class VirtualMic:
    """Loads (idempotently) and removes the virtual microphone; plays sounds into it."""

    def ensure(self) -> None:
        if not _module_ids(f"sink_name={SINK}"):
            pactl(
                "load-module",
                "module-null-sink",
                f"sink_name={SINK}",
                f"sink_properties=device.description={SINK}",
            )
        if not _module_ids(f"source_name={SOURCE}"):
            pactl(
                "load-module",
                "module-remap-source",
                f"master={SINK}.monitor",
                f"source_name={SOURCE}",
                f"source_properties=device.description={SOURCE}",
            )
        pactl("set-default-source", SOURCE)
        pactl("set-default-sink", OUTPUT_SINK)

    def remove(self) -> None:
        """Unload the virtual microphone: the server then has no input Qt lists."""
        for argument in (f"source_name={SOURCE}", f"sink_name={SINK}"):
            for module in _module_ids(argument):
                pactl("unload-module", module)

    def play(self, wav: Path) -> None:
        """Say ``wav`` into the microphone; returns when it has played."""
        subprocess.run(
            ["paplay", f"--device={SINK}", str(wav)], check=True, timeout=60, capture_output=True
        )

    def play_soon(self, wav: Path) -> threading.Thread:
        """Play off the calling (GUI) thread, so the event loop keeps delivering audio."""
        thread = threading.Thread(target=self.play, args=(wav,), daemon=True)
        thread.start()
        return thread


def _sox(*args: str) -> None:
    subprocess.run(["sox", "-V1", "-R", *args], check=True, timeout=60, capture_output=True)


def utterance(text: str, directory: Path) -> Path:
    """``text`` said by espeak-ng: 16 kHz mono, -6 dBFS peak, 1 s of silence each side."""
    out = directory / f"{text.replace(' ', '_')}.wav"
    if not out.exists():
        raw = directory / f"{out.stem}.espeak.wav"
        subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, timeout=60)
        _sox(
            str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out), "norm", "-6", "pad", "1", "1"
        )
        raw.unlink()
    return out


def tone(directory: Path, frequency: int = 1000, seconds: float = 1.5) -> Path:
    """A sine at -6 dBFS peak (about -9 dBFS RMS), 16 kHz mono."""
    out = directory / f"tone_{frequency}.wav"
    if not out.exists():
        _sox("-n", "-r", "16000", "-c", "1", "-b", "16", str(out), "synth", str(seconds),
             "sine", str(frequency), "vol", "0.5")  # fmt: skip
    return out
