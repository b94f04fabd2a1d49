"""runtime/microphone.py's Converter: a device's own format to 16 kHz mono s16le (logic only)."""

from __future__ import annotations

import array
import itertools
import math

from PySide6.QtMultimedia import QAudioFormat

from routineplayer.runtime.microphone import RATE, Converter
from routineplayer.speech.wavtools import level_dbfs

Fmt = QAudioFormat.SampleFormat


def sine(rate: int, seconds: float, frequency: float = 1000.0) -> list[float]:
    return [0.5 * math.sin(2 * math.pi * frequency * n / rate) for n in range(int(rate * seconds))]


def crossings_per_second(pcm: bytes) -> float:
    s = array.array("h")
    s.frombytes(pcm)
    return sum((a < 0) != (b < 0) for a, b in itertools.pairwise(s)) / (len(s) / RATE)


def test_48k_stereo_float_becomes_16k_mono_in_any_chunking() -> None:
    x = sine(48000, 1.0)
    stereo = array.array("f", [v for v in x for _ in range(2)]).tobytes()
    whole = Converter(Fmt.Float, 2, 48000).convert(stereo)
    split = Converter(Fmt.Float, 2, 48000)
    chunked = b"".join(split.convert(stereo[i : i + 1000]) for i in range(0, len(stereo), 1000))
    assert chunked == whole  # chunk edges (even mid-frame) change nothing
    assert abs(len(whole) // 2 - RATE) <= 2
    assert abs(crossings_per_second(whole) - 2000) <= 40
    assert abs(level_dbfs(whole) - (-9.0)) < 0.3


def test_44k1_int16_and_8k_uint8_resample_to_16k() -> None:
    x = array.array("h", [round(32767 * v) for v in sine(44100, 1.0)]).tobytes()
    out = Converter(Fmt.Int16, 1, 44100).convert(x)
    assert abs(len(out) // 2 - RATE) <= 2 and abs(crossings_per_second(out) - 2000) <= 40
    y = array.array("B", [128 + round(127 * v) for v in sine(8000, 1.0, 500)]).tobytes()
    out = Converter(Fmt.UInt8, 1, 8000).convert(y)
    # the last input sample waits for the next chunk: up to 3 output samples at 8 kHz
    assert abs(len(out) // 2 - RATE) <= 4 and abs(crossings_per_second(out) - 1000) <= 20


def test_16k_mono_int16_passes_through_and_silence_is_minus_100_db() -> None:
    pcm = array.array("h", range(-500, 500)).tobytes()
    c = Converter(Fmt.Int16, 1, RATE)
    assert c.convert(pcm[:7]) + c.convert(pcm[7:]) == pcm
    assert level_dbfs(bytes(3200)) == -100.0
    assert level_dbfs(b"") == -100.0
