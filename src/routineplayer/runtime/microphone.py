"""The microphone: QtMultimedia capture delivered as 16 kHz mono signed 16-bit chunks.

Spoken answers (speech/recogniser.py) need 16 kHz mono s16le. The device is asked for exactly
that; one that cannot give it is opened at its preferred format and converted here (downmix,
then a linear-interpolation resampler in stdlib ``array``: numpy is no dependency of the app).
PulseAudio converts any format itself, so that path is for the other backends.

Capture runs in pull mode on the thread that owns the Microphone (the GUI thread): reading what
``readyRead`` announces never blocks, and a chunk costs well under a millisecond to convert
and measure. Chunks go out as ``audio`` once at least CHUNK_S has gathered (PulseAudio
delivers every ~64 ms).

Privacy: no audio is ever stored. Each chunk is emitted and dropped; only the part of one
chunk still being gathered (< CHUNK_S) is held in memory.

Failure never raises: ``start()`` returns False and ``failed`` says why in one line, once per
start, and the microphone is stopped after it. A device that stops delivering mid-capture
counts as failed too: Qt reports an error state for some faults, but when the PulseAudio
server dies it says nothing and the stream just stops moving (see speech/mixer.py), so a
stream that has delivered nothing for STALL_S is treated as lost. Opening takes 0.2-1.2 s
before the first chunk (measured: 0.85 s on an idle machine), which STALL_S allows for.
"""

from __future__ import annotations

import array
import logging
import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QIODevice, QObject, QTimer, Signal
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QMediaDevices, QtAudio

from routineplayer.speech.wavtools import level_dbfs

log = logging.getLogger(__name__)

RATE = 16000  # what the recogniser decodes
CHUNK_S = 0.05  # the smallest chunk emitted: small enough that an answer is decided promptly
STALL_S = 5.0  # nothing delivered for this long: the device (or its server) is gone
CHECK_MS = 1000  # how often the stall is looked for
KEYS_ONLY = "answers by keys only."
NO_MICROPHONE = f"No microphone found: {KEYS_ONLY}"
# Qt's sample formats as array type codes (native byte order, as Qt delivers them).
SAMPLE_CODES = {
    QAudioFormat.SampleFormat.UInt8: "B",
    QAudioFormat.SampleFormat.Int16: "h",
    QAudioFormat.SampleFormat.Int32: "i",
    QAudioFormat.SampleFormat.Float: "f",
}


@dataclass(frozen=True)
class InputDevice:
    id: bytes
    description: str
    is_default: bool


def input_devices() -> list[InputDevice]:
    """The audio inputs the system offers now (PulseAudio monitors are not listed by Qt)."""
    default = bytes(QMediaDevices.defaultAudioInput().id().data())
    return [
        InputDevice(bytes(d.id().data()), d.description(), bytes(d.id().data()) == default)
        for d in QMediaDevices.audioInputs()
    ]


def wanted_format() -> QAudioFormat:
    fmt = QAudioFormat()
    fmt.setSampleRate(RATE)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return fmt


def device_matching(text: str, devices: list[InputDevice] | None = None) -> bytes | None:
    """The id of the first input whose description contains ``text`` (any case); None for
    "" (the system default) or when none matches: the default then, so that a headset
    unplugged since it was chosen costs nothing but the choice."""
    if not text:
        return None
    wanted = text.lower()
    for device in input_devices() if devices is None else devices:
        if wanted in device.description.lower():
            return device.id
    return None


class Converter:
    """Any interleaved PCM format Qt delivers -> 16 kHz mono s16le, chunk by chunk.

    Linear interpolation between input samples, with the position and the last sample carried
    over from chunk to chunk so chunk edges leave no clicks or drift. No anti-alias filter:
    speech is band-limited well below 8 kHz and the recogniser uses 130-6800 Hz.
    """

    def __init__(self, sample_format: QAudioFormat.SampleFormat, channels: int, rate: int) -> None:
        if sample_format not in SAMPLE_CODES or channels < 1 or rate < 1:
            raise ValueError(f"cannot convert from {sample_format}, {channels} ch, {rate} Hz")
        self.code = SAMPLE_CODES[sample_format]
        self.channels = channels
        self.step = rate / RATE  # input samples per output sample
        self._pending = b""  # a partial frame left over from the last chunk
        self._prev: float | None = None  # the last input sample (mono), index -1 of the next
        self._pos = 0.0  # next output position, in input samples from the chunk's start
        self.passthrough = self.code == "h" and channels == 1 and rate == RATE

    @classmethod
    def for_format(cls, fmt: QAudioFormat) -> Converter:
        return cls(fmt.sampleFormat(), fmt.channelCount(), fmt.sampleRate())

    def convert(self, data: bytes) -> bytes:
        if self.passthrough:
            data, self._pending = self._whole(self._pending + data, 2)
            return data
        mono = self._mono(data)
        out = array.array("h")
        if self._prev is None:
            if not mono:
                return b""
            self._prev, mono = mono[0], mono[1:]
        # x[-1] is the previous chunk's last sample, so x(t) for -1 <= t <= len(mono) - 1.
        pos, step, prev, n = self._pos, self.step, self._prev, len(mono)
        while pos <= n - 1:
            i = math.floor(pos)
            a = prev if i < 0 else mono[i]
            b = mono[i + 1] if i + 1 < n else a
            value = round(a + (b - a) * (pos - i))
            out.append(32767 if value > 32767 else -32768 if value < -32768 else value)
            pos += step
        if n:
            self._prev = mono[-1]
            self._pos = pos - n
        return out.tobytes()

    def _whole(self, data: bytes, frame: int) -> tuple[bytes, bytes]:
        cut = len(data) - len(data) % frame
        return data[:cut], data[cut:]

    def _mono(self, data: bytes) -> list[float]:
        """Decode to one float per frame in the Int16 range, averaging the channels."""
        width = array.array(self.code).itemsize
        whole, self._pending = self._whole(self._pending + data, width * self.channels)
        samples = array.array(self.code)
        samples.frombytes(whole)
        if self.code == "B":
            scaled = [(x - 128) * 256.0 for x in samples]
        elif self.code == "i":
            scaled = [x / 65536.0 for x in samples]
        elif self.code == "f":
            scaled = [x * 32767.0 for x in samples]
        else:
            scaled = [float(x) for x in samples]
        c = self.channels
        if c == 1:
            return scaled
        return [sum(scaled[k : k + c]) / c for k in range(0, len(scaled), c)]


class Microphone(QObject):
    """One input device, captured while started. See the module docstring."""

    audio = Signal(bytes)  # 16 kHz mono s16le, CHUNK_S or a little more each
    level = Signal(float)  # RMS dBFS of each chunk
    failed = Signal(str)  # one user-facing line; the microphone is stopped after it

    def __init__(self, device_id: bytes | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.device_id = device_id
        self.description = ""
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self._converter: Converter | None = None
        self._gathered = bytearray()
        self._failed = False  # failed was emitted for this start()
        self._last_data = 0.0
        self._watch = QTimer(self)
        self._watch.setInterval(CHECK_MS)
        self._watch.timeout.connect(self._check_stall)

    @property
    def active(self) -> bool:
        return self._source is not None

    def start(self) -> bool:
        """Open the device and start delivering ``audio``; True if capture started."""
        if self._source is not None:
            return True
        self._failed = False
        try:
            return self._open()
        except Exception as exc:  # never into the caller: a routine must not stop for this
            log.exception("microphone: could not start")
            self._fail(f"The microphone could not be opened ({exc}): {KEYS_ONLY}")
            return False

    def stop(self) -> None:
        self._watch.stop()
        source, io = self._source, self._io
        self._source, self._io, self._converter = None, None, None
        self._gathered.clear()
        if io is not None:
            io.readyRead.disconnect(self._read)
        if source is not None:
            source.stateChanged.disconnect(self._state_changed)
            source.stop()
            source.deleteLater()

    def _choose(self) -> QAudioDevice | None:
        devices = QMediaDevices.audioInputs()
        if not devices:
            return None
        if self.device_id is not None:
            for device in devices:
                if bytes(device.id().data()) == self.device_id:
                    return device
            log.warning(
                "microphone: the chosen input %r is gone; using the default input",
                self.device_id.decode(errors="replace"),
            )
        default = QMediaDevices.defaultAudioInput()
        return devices[0] if default.isNull() else default

    def _open(self) -> bool:
        device = self._choose()
        if device is None:
            self._fail(NO_MICROPHONE)
            return False
        self.description = device.description()
        fmt = wanted_format()
        if not device.isFormatSupported(fmt):
            fmt = device.preferredFormat()  # converted to 16 kHz mono here
        self._converter = Converter.for_format(fmt)
        source = QAudioSource(device, fmt)
        source.setBufferSize(int(fmt.bytesForDuration(200_000)))  # 200 ms of slack
        io = source.start()
        if io is None or source.error() is not QtAudio.Error.NoError:
            log.warning("microphone: %s did not open (%s)", self.description, source.error())
            source.deleteLater()
            self._converter = None
            self._fail(f"The microphone ({self.description}) could not be opened: {KEYS_ONLY}")
            return False
        self._source, self._io = source, io
        source.stateChanged.connect(self._state_changed)
        io.readyRead.connect(self._read)
        self._last_data = time.monotonic()
        self._watch.start()
        log.info("microphone: capturing from %s at %s", self.description, fmt)
        return True

    def _fail(self, line: str) -> None:
        self.stop()
        if not self._failed:
            self._failed = True
            log.warning("microphone: %s", line)
            self.failed.emit(line)

    def _lost(self) -> None:
        self._fail(f"The microphone ({self.description}) stopped working: {KEYS_ONLY}")

    def _state_changed(self) -> None:
        # No state argument: PySide 6.11 cannot convert QAudio::State for a Python slot.
        source = self._source
        if source is None:
            return
        error = source.error()
        if source.state() is QtAudio.State.StoppedState and error is not QtAudio.Error.NoError:
            log.warning("microphone: capture stopped with %s", error)
            self._lost()

    def _check_stall(self) -> None:
        if self._source is not None and time.monotonic() - self._last_data > STALL_S:
            log.warning("microphone: nothing delivered for %.0f s", STALL_S)
            self._lost()

    def _read(self) -> None:
        io, converter = self._io, self._converter
        if io is None or converter is None:
            return
        data = bytes(io.readAll().data())
        if not data:
            return
        self._last_data = time.monotonic()
        self._gathered += converter.convert(data)
        if len(self._gathered) < int(CHUNK_S * RATE) * 2:
            return
        chunk = bytes(self._gathered)
        self._gathered.clear()
        self.level.emit(level_dbfs(chunk))
        self.audio.emit(chunk)
