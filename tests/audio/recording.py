"""Record what the test sink plays (parec on its monitor) on the same clock as the scheduler.

Shared by tests/audio and bench/bench_speech.py.

Tying the recording to time.monotonic(): parec is asked for small reads (5 ms latency), and
a thread stamps every chunk with time.monotonic() as it arrives. A chunk that ends at sample
n and arrives at t says the recording's sample 0 was captured at t - n/RATE - d, where
d >= 0 is the delivery delay of that chunk (PulseAudio's source latency plus our read). The
smallest (t - n/RATE) in each half second is the tightest bound there, and each stretch
takes the lowest bound within a second of it: that follows the sink's sample clock, which
runs slightly off the monotonic clock (about 300 ppm here: 17 ms over a minute), and a jump
in the stream (parec's first buffers can arrive as a backlog that does not map back
linearly), where one bound for the whole recording put sounds seconds early. Any delay
left makes sounds look *later* than they were, never earlier, so lateness figures are, if
anything, pessimistic by about the read latency (a few ms). The monitor of a null sink
carries audio when the sink plays it out, so the onset of a cue in the recording is when it
would have left the speakers, including every buffer on the way (Qt's sink, the PulseAudio
stream, the sink's own latency).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

START_AUDIO = Path(__file__).resolve().parents[2] / "scripts" / "start-audio.sh"
RATE = 22050  # the rate cues and chimes are made at: clips compare sample for sample
MONITOR = "routineplayer_test.monitor"
THRESHOLD = 300  # a null sink is digital silence; speech and chimes peak far above this


class PrivateServer:
    """A PulseAudio server of our own (its own runtime dir), so nothing else on the machine
    plays into what we record. Must be set up before QtMultimedia first connects in this
    process: that connection is made once and kept."""

    def __init__(self) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="routineplayer-pulse-"))
        os.environ["PULSE_RUNTIME_PATH"] = str(self.runtime)
        os.environ["PULSE_STATE_PATH"] = str(self.runtime)
        os.environ.pop("PULSE_SERVER", None)
        os.environ.pop("PULSE_SINK", None)

    @staticmethod
    def start() -> str:
        """scripts/start-audio.sh (idempotent): server, null sink as default; the monitor."""
        result = subprocess.run(
            ["sh", str(START_AUDIO)], capture_output=True, text=True, timeout=60, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(result.stderr.strip() or "scripts/start-audio.sh failed")
        return result.stdout.strip().splitlines()[-1]

    def pid(self) -> int | None:
        try:
            return int((self.runtime / "pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    @staticmethod
    def crash() -> None:
        """SIGKILL the server of this process's PULSE_RUNTIME_PATH, as a crash would."""
        pid_file = Path(os.environ["PULSE_RUNTIME_PATH"]) / "pid"
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)

    def stop(self) -> None:
        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 3.0
                while time.monotonic() < deadline:  # it tidies its runtime dir as it exits
                    os.kill(pid, 0)
                    time.sleep(0.05)
        shutil.rmtree(self.runtime, ignore_errors=True)


def pactl(*args: str) -> str:
    return subprocess.run(
        ["pactl", *args], capture_output=True, text=True, timeout=30, check=True
    ).stdout


class Recorder:
    """parec on the monitor; ``stop()`` returns the samples and their monotonic start time."""

    def __init__(self, device: str = MONITOR, rate: int = RATE) -> None:
        self.rate = rate
        self._buf = bytearray()
        self._offsets: list[tuple[int, float]] = []  # per chunk: (end sample, arrival - end/rate)
        self._first = threading.Event()
        self._proc = subprocess.Popen(
            [
                "parec",
                f"--device={device}",
                "--format=s16le",
                f"--rate={rate}",
                "--channels=1",
                "--raw",
                "--latency-msec=5",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._thread = threading.Thread(target=self._read, name="parec-reader", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 2048)
            now = time.monotonic()
            if not chunk:
                break
            self._buf += chunk
            end = len(self._buf) // 2
            self._offsets.append((end, now - end / self.rate))
            self._first.set()

    def wait_started(self, timeout: float = 15.0) -> None:
        """parec takes a second or two to deliver its first samples: wait for them."""
        if not self._first.wait(timeout):
            stderr = self._proc.stderr
            err = stderr.read().decode() if stderr and self._proc.poll() is not None else ""
            raise RuntimeError(f"parec delivered nothing within {timeout:.0f} s {err}".strip())

    def stop(self) -> Recording:
        self.close()
        n = len(self._buf) // 2
        samples = np.frombuffer(bytes(self._buf[: 2 * n]), dtype="<i2").astype(np.int32)
        at, offset = self._clock_fit()
        return Recording(samples, self.rate, at, offset)

    def _clock_fit(self) -> tuple[np.ndarray, np.ndarray]:
        """Sample index -> capture time, as (window start samples, offset at each).

        The lowest (arrival - end/rate) of each half second bounds that stretch's clock
        offset; each window takes the lowest of its neighbours within a second, so one
        late-delivered stretch does not count, while the sink's drift (~300 ppm) and a jump
        in the stream (parec's first buffers can arrive as a backlog) are followed.
        """
        if not self._offsets:
            return np.array([0.0]), np.array([float("nan")])
        ends = np.array([e for e, _ in self._offsets], dtype=np.float64)
        offsets = np.array([o for _, o in self._offsets])
        half = self.rate / 2
        window = (ends // half).astype(int)
        ids = np.unique(window)
        minima = np.array([offsets[window == w].min() for w in ids])
        local = np.array(
            [minima[max(0, i - 2) : i + 3].min() for i in range(len(ids))], dtype=np.float64
        )
        return ids * half, local

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait()
        self._thread.join()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()


@dataclass
class Recording:
    samples: np.ndarray
    rate: int
    clock_at: np.ndarray  # sample indices where the clock offset was measured
    clock_offset: np.ndarray  # capture time of sample n = n / rate + offset (interpolated)

    @property
    def start(self) -> float:
        """time.monotonic() of sample 0."""
        return self.time_of(0)

    def time_of(self, index: int) -> float:
        offset = float(np.interp(index, self.clock_at, self.clock_offset))
        return index / self.rate + offset

    def index_of(self, t: float) -> int:
        guess = int((t - float(self.clock_offset[0])) * self.rate)
        offset = float(np.interp(guess, self.clock_at, self.clock_offset))
        return int((t - offset) * self.rate)

    def sound_spans(
        self, min_gap: float = 0.25, threshold: int = THRESHOLD
    ) -> list[tuple[float, float]]:
        """(onset, end) in monotonic seconds of each stretch of sound; gaps shorter than
        ``min_gap`` (pauses between words) do not split a stretch."""
        loud = np.flatnonzero(np.abs(self.samples) > threshold)
        if loud.size == 0:
            return []
        breaks = np.flatnonzero(np.diff(loud) > min_gap * self.rate)
        starts = np.concatenate(([loud[0]], loud[breaks + 1]))
        ends = np.concatenate((loud[breaks], [loud[-1]]))
        pairs = zip(starts, ends, strict=True)
        return [(self.time_of(int(a)), self.time_of(int(b))) for a, b in pairs]

    def onset_after(self, t: float, threshold: int = THRESHOLD) -> float | None:
        """The first sound at or after monotonic time ``t``."""
        first = max(0, self.index_of(t))
        loud = np.flatnonzero(np.abs(self.samples[first:]) > threshold)
        return self.time_of(first + int(loud[0])) if loud.size else None

    def last_sound_between(self, t0: float, t1: float, threshold: int = THRESHOLD) -> float | None:
        """The last sound in [t0, t1] (monotonic time), or None if there is none."""
        first, window = self._window(t0, t1)
        loud = np.flatnonzero(np.abs(window) > threshold)
        return self.time_of(first + int(loud[-1])) if loud.size else None

    def is_silent_between(self, t0: float, t1: float, threshold: int = THRESHOLD) -> bool:
        a = max(0, self.index_of(t0))
        b = max(a, self.index_of(t1))
        return not np.any(np.abs(self.samples[a:b]) > threshold)

    def _window(self, t0: float, t1: float) -> tuple[int, np.ndarray]:
        a = max(0, self.index_of(t0))
        b = min(len(self.samples), max(a, self.index_of(t1)))
        return a, self.samples[a:b].astype(np.float64)

    def locate(
        self, clip: np.ndarray, earliest: float, latest: float, first_above: float | None = None
    ) -> tuple[float, float]:
        """Where ``clip`` starts in the recording between two times: (time, match).

        Normalised cross-correlation (via FFT): match is 1.0 for the clip exactly, whatever
        its volume, and low where something else sounds. Finds the clip's true start even
        when a chime or another cue is near it, which an energy threshold cannot. The best
        match in the window, or with ``first_above`` the first occurrence matching at least
        that well (for a clip said several times, in order).
        """
        c = clip.astype(np.float64)
        a, seg = self._window(earliest, latest + len(c) / self.rate)
        if len(seg) < len(c) or not np.any(c):
            return float("nan"), 0.0
        size = 1 << (len(seg) + len(c)).bit_length()
        spectrum = np.fft.rfft(seg, size) * np.conj(np.fft.rfft(c, size))
        corr = np.fft.irfft(spectrum, size)[: len(seg) - len(c) + 1]
        power = np.concatenate(([0.0], np.cumsum(seg * seg)))
        energy = np.sqrt(np.maximum(power[len(c) :] - power[: -len(c)], 1e-9))
        match = corr / (energy * np.linalg.norm(c))
        k = int(np.argmax(match))
        if first_above is not None:
            above = np.flatnonzero(match >= first_above)
            if above.size:
                k0 = int(above[0])
                k = k0 + int(np.argmax(match[k0 : k0 + max(1, len(c) // 2)]))
        return self.time_of(a + k), float(match[k])

    def unexplained(self, t0: float, t1: float, sources: list[tuple[np.ndarray, float]]) -> float:
        """Share of the sound energy between t0 and t1 that the given (clip, onset) sources
        do not explain, after fitting each one's gain: near 0 when only they sound, large
        when something else (a second voice) sounds with them."""
        return self.fit(t0, t1, sources)[1]

    def fit(
        self, t0: float, t1: float, sources: list[tuple[np.ndarray, float]]
    ) -> tuple[list[float], float]:
        """Least-squares gains of each (clip, onset) source between t0 and t1 (1.0: played
        at full volume), and the share of the energy they leave unexplained."""
        a, seg = self._window(t0, t1)
        total = float(np.dot(seg, seg))
        if total == 0.0:
            return [0.0] * len(sources), 0.0
        columns = []
        for clip, onset in sources:
            col = np.zeros_like(seg)
            offset = round((onset - self.time_of(a)) * self.rate)
            lo, hi = max(0, offset), min(len(seg), offset + len(clip))
            if hi > lo:
                col[lo:hi] = clip[lo - offset : hi - offset]
            columns.append(col)
        if not columns:
            return [], 1.0
        basis = np.stack(columns, axis=1)
        gains, *_ = np.linalg.lstsq(basis, seg, rcond=None)
        residual = seg - basis @ gains
        return [float(g) for g in gains], float(np.dot(residual, residual)) / total
