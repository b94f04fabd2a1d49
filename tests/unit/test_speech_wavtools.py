"""wavtools: WAV/AIFF reading, atomic writing, trimming, resampling and mixing of int16 PCM."""

from __future__ import annotations

import itertools
import math
import struct
import wave
from array import array
from pathlib import Path

import pytest

from routineplayer.speech.wavtools import (
    KEEP_TAIL_SECONDS,
    AudioFormatError,
    Pcm,
    mix_into,
    read_aiff,
    read_audio,
    read_wav,
    resample,
    trim_silence,
    write_wav_atomic,
)


def tone(seconds: float, rate: int = 22050, freq: float = 440.0, level: int = 10000) -> array:
    n = int(seconds * rate)
    return array("h", (int(level * math.sin(2 * math.pi * freq * i / rate)) for i in range(n)))


def extended(value: float) -> bytes:
    """An 80-bit IEEE extended float, as AIFF stores the sample rate."""
    exponent = math.frexp(value)[1] - 1
    mantissa = int(value * 2 ** (63 - exponent))
    return struct.pack(">HQ", exponent + 16383, mantissa)


def aiff_bytes(samples: array, rate: int, *, aifc: bool = False, little: bool = False) -> bytes:
    """A minimal AIFF / AIFF-C file, the layout macOS's NSSpeechSynthesizer writes."""
    data = array("h", samples)
    if little is False:
        data.byteswap()  # AIFF is big-endian (this test runs on little-endian machines)
    comm = struct.pack(">hIh", 1, len(samples), 16) + extended(rate)
    if aifc:
        comm += (b"sowt" if little else b"NONE") + b"\x00\x00"
    ssnd = struct.pack(">II", 0, 0) + data.tobytes()
    body = b"AIFC" if aifc else b"AIFF"
    for cid, chunk in ((b"COMM", comm), (b"SSND", ssnd)):
        body += cid + struct.pack(">I", len(chunk)) + chunk + (b"\x00" if len(chunk) & 1 else b"")
    return b"FORM" + struct.pack(">I", len(body)) + body


def test_wav_round_trip_is_exact(tmp_path: Path) -> None:
    pcm = Pcm(tone(0.2), 22050)
    write_wav_atomic(tmp_path / "a.wav", pcm)
    back = read_wav(tmp_path / "a.wav")
    assert back.rate == 22050
    assert back.samples == pcm.samples
    with wave.open(str(tmp_path / "a.wav")) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)


def test_atomic_write_leaves_no_temp_and_keeps_old_file_on_failure(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "a.wav"
    write_wav_atomic(target, Pcm(tone(0.1), 22050))
    before = target.read_bytes()

    class Boom(Exception):
        pass

    class Exploding(array):
        def tobytes(self) -> bytes:
            raise Boom

    with pytest.raises(Boom):
        write_wav_atomic(target, Pcm(Exploding("h", [1, 2, 3]), 22050))
    assert target.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["a.wav"]


def test_stereo_and_8_bit_wavs_become_mono_16_bit(tmp_path: Path) -> None:
    path = tmp_path / "s.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(array("h", [1000, 3000, -2000, -4000]).tobytes())
    assert list(read_wav(path).samples) == [2000, -3000]
    path8 = tmp_path / "b.wav"
    with wave.open(str(path8), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(8000)
        w.writeframes(bytes([128, 255, 0]))
    assert list(read_wav(path8).samples) == [0, 127 << 8, -128 << 8]


@pytest.mark.parametrize(("aifc", "little"), [(False, False), (True, False), (True, True)])
def test_aiff_from_macos_reads_like_the_wav(tmp_path: Path, aifc: bool, little: bool) -> None:
    samples = tone(0.05, rate=22050)
    path = tmp_path / "cue.aiff"
    path.write_bytes(aiff_bytes(samples, 22050, aifc=aifc, little=little))
    pcm = read_audio(path)  # by content: nsss writes AIFF whatever the suffix says
    assert pcm.rate == 22050
    assert pcm.samples == samples
    assert read_aiff(path).samples == samples


def test_not_audio_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"this is not audio at all")
    with pytest.raises(AudioFormatError, match=r"bad\.wav"):
        read_audio(bad)
    compressed = tmp_path / "c.aifc"
    data = aiff_bytes(tone(0.01), 22050, aifc=True).replace(b"NONE", b"ulaw")
    compressed.write_bytes(data)
    with pytest.raises(AudioFormatError, match="compressed"):
        read_audio(compressed)


def test_trim_drops_leading_silence_and_keeps_a_short_tail() -> None:
    rate = 22050
    body = tone(0.3, rate)
    samples = array("h", bytes(2 * rate // 2)) + body + array("h", bytes(2 * rate))
    trimmed = trim_silence(Pcm(samples, rate))
    assert abs(trimmed.samples[0]) > 0 or abs(trimmed.samples[1]) > 300
    assert trimmed.seconds == pytest.approx(0.3 + KEEP_TAIL_SECONDS, abs=0.01)
    assert trim_silence(Pcm(array("h", bytes(200)), rate)).samples == array("h")


def test_resample_keeps_duration_and_pitch() -> None:
    pcm = Pcm(tone(1.0, rate=16000, freq=500), 16000)
    out = resample(pcm, 22050)
    assert out.rate == 22050
    assert len(out.samples) == 22050
    # zero crossings per second = 2 * frequency, whatever the rate
    crossings = sum(1 for a, b in itertools.pairwise(out.samples) if (a < 0) != (b < 0))
    assert crossings == pytest.approx(1000, abs=4)


def test_mix_into_copies_over_silence_and_adds_with_clipping() -> None:
    track = array("h", bytes(20))
    mix_into(track, 2, array("h", [100, 200, 30000]))
    assert list(track[:6]) == [0, 0, 100, 200, 30000, 0]
    mix_into(track, 3, array("h", [5, 10000, 7]))
    assert list(track[:7]) == [0, 0, 100, 205, 32767, 7, 0]
    mix_into(track, 9, array("h", [1, 2, 3]))  # runs off the end: cut, no error
    assert track[9] == 1
