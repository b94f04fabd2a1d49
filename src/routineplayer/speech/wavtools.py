"""Small PCM helpers on the standard library only (numpy is a test dependency, not a runtime one).

Everything here works on 16-bit signed mono samples held in ``array('h')``: that is what
espeak-ng produces, what the chimes are made of, and what QSoundEffect plays without
conversion. Other inputs (stereo, 8/24/32-bit, AIFF from macOS's nsss) are converted on read.
"""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from routineplayer.core.atomic_write import write_atomic

CUE_RATE = 22050  # espeak-ng's rate: chimes are made at it, playback and tracks run at it
SILENCE_THRESHOLD = 300  # |sample| at or below this counts as silence (about -40 dBFS)
SILENCE_DB = -100.0  # the level given to digital silence (the log of zero)
KEEP_TAIL_SECONDS = 0.08  # trailing silence kept after trimming, so the last word is not cut


@dataclass
class Pcm:
    """Mono 16-bit samples at ``rate`` Hz."""

    samples: array[int]
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0

    def peak(self) -> int:
        return max((abs(s) for s in self.samples), default=0)


class AudioFormatError(ValueError):
    """A file that is neither a PCM WAV nor a PCM AIFF/AIFF-C."""


def _to_mono16(raw: bytes, channels: int, width: int, big_endian: bool) -> array[int]:
    """Interleaved integer PCM of any common width -> mono signed 16-bit (native order)."""
    if width == 1:  # 8-bit WAV is unsigned
        wide = array("h", ((b - 128) << 8 for b in raw))
    elif width == 2:
        wide = array("h")
        wide.frombytes(raw[: len(raw) // 2 * 2])
        if big_endian != (sys.byteorder == "big"):
            wide.byteswap()
    elif width in (3, 4):
        order: Literal["little", "big"] = "big" if big_endian else "little"
        shift = (width - 2) * 8
        wide = array(
            "h",
            (
                int.from_bytes(raw[i : i + width], order, signed=True) >> shift
                for i in range(0, len(raw) - width + 1, width)
            ),
        )
    else:
        raise AudioFormatError(f"unsupported sample width: {width * 8} bits")
    if channels == 1:
        return wide
    frames = len(wide) // channels
    return array(
        "h", (sum(wide[f * channels : (f + 1) * channels]) // channels for f in range(frames))
    )


def read_wav(path: Path) -> Pcm:
    try:
        with wave.open(str(path), "rb") as w:
            raw = w.readframes(w.getnframes())
            samples = _to_mono16(raw, w.getnchannels(), w.getsampwidth(), big_endian=False)
            return Pcm(samples, w.getframerate())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"{path}: not a PCM WAV file ({exc})") from exc


def _extended_to_float(data: bytes) -> float:
    """AIFF stores its sample rate as an 80-bit IEEE 754 extended float."""
    exponent: int
    mantissa: int
    exponent, mantissa = struct.unpack(">HQ", data)
    sign = -1.0 if exponent & 0x8000 else 1.0
    exponent &= 0x7FFF
    if exponent == 0 and mantissa == 0:
        return 0.0
    return sign * mantissa * 2.0 ** (exponent - 16383 - 63)


def read_aiff(path: Path) -> Pcm:
    """Read an uncompressed AIFF or AIFF-C ('NONE' big-endian, 'sowt' little-endian).

    macOS's nsss driver writes AIFF; Python's ``aifc`` module is gone in 3.13, and
    QSoundEffect only plays WAV, so cues rendered on macOS are converted with this.
    """
    data = Path(path).read_bytes()
    if len(data) < 12 or data[:4] != b"FORM" or data[8:12] not in (b"AIFF", b"AIFC"):
        raise AudioFormatError(f"{path}: not an AIFF file")
    channels = width = 0
    rate = 0.0
    big_endian = True
    sound: bytes | None = None
    pos = 12
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if chunk_id == b"COMM":
            channels, _frames, bits = struct.unpack(">hIh", body[:8])
            width = (bits + 7) // 8
            rate = _extended_to_float(body[8:18])
            if data[8:12] == b"AIFC":
                compression = body[18:22]
                if compression == b"sowt":
                    big_endian = False
                elif compression not in (b"NONE", b"twos"):
                    raise AudioFormatError(f"{path}: compressed AIFF-C ({compression!r})")
        elif chunk_id == b"SSND":
            offset = struct.unpack(">I", body[:4])[0]
            sound = body[8 + offset :]
        pos += 8 + size + (size & 1)  # chunks are padded to an even length
    if sound is None or not channels or not width or rate <= 0:
        raise AudioFormatError(f"{path}: AIFF without COMM or SSND chunk")
    return Pcm(_to_mono16(sound, channels, width, big_endian), round(rate))


def read_audio(path: Path) -> Pcm:
    """WAV or AIFF, by content rather than by name (nsss ignores the suffix it is given)."""
    with open(path, "rb") as f:
        head = f.read(12)
    if head[:4] == b"FORM":
        return read_aiff(path)
    return read_wav(path)


def write_wav_atomic(path: Path, pcm: Pcm) -> None:
    """Write a mono 16-bit WAV so that ``path`` is either complete or absent, never partial.

    Not fsynced: these are cache files and tracks that can be made again."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(pcm.rate)
        samples = pcm.samples
        if sys.byteorder == "big":  # WAV is little-endian
            samples = array("h", samples)
            samples.byteswap()
        w.writeframes(samples.tobytes())
    write_atomic(Path(path), buffer.getvalue(), mode=0o644, durable=False)


def load_clip(path: Path, rate: int) -> array[int]:
    """A WAV (or macOS's AIFF) as mono int16 samples at ``rate``."""
    return resample(read_audio(path), rate).samples


def trim_silence(pcm: Pcm, threshold: int = SILENCE_THRESHOLD) -> Pcm:
    """Drop leading silence (so a cue sounds on its tick) and all but a short tail."""
    s = pcm.samples
    first = next((i for i, v in enumerate(s) if abs(v) > threshold), None)
    if first is None:
        return Pcm(array("h"), pcm.rate)
    last = next(i for i in range(len(s) - 1, -1, -1) if abs(s[i]) > threshold)
    end = min(len(s), last + 1 + int(KEEP_TAIL_SECONDS * pcm.rate))
    return Pcm(s[first:end], pcm.rate)


def resample(pcm: Pcm, rate: int) -> Pcm:
    """Linear-interpolation resampling: good enough for speech and chimes in a track."""
    if pcm.rate == rate or not pcm.samples:
        return Pcm(array("h", pcm.samples), rate)
    src = pcm.samples
    n = max(1, round(len(src) * rate / pcm.rate))
    step = pcm.rate / rate
    last = len(src) - 1
    out = array("h", bytes(2 * n))
    for i in range(n):
        x = i * step
        j = int(x)
        if j >= last:
            out[i] = src[last]
        else:
            frac = x - j
            out[i] = int(src[j] + (src[j + 1] - src[j]) * frac)
    return Pcm(out, rate)


def mix_into(track: array[int], start: int, clip: array[int]) -> None:
    """Add ``clip`` into ``track`` from sample ``start``, clipping to 16 bits."""
    end = min(len(track), start + len(clip))
    if end <= start:
        return
    region = track[start:end]
    if not any(region):  # the usual case, silence underneath: a fast slice copy
        track[start:end] = clip[: end - start]
        return
    for i in range(end - start):
        v = region[i] + clip[i]
        track[start + i] = 32767 if v > 32767 else -32768 if v < -32768 else v


def level_dbfs(pcm: bytes) -> float:
    """RMS level of s16le samples in dB relative to full scale; silence is SILENCE_DB."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if not samples:
        return SILENCE_DB
    mean_square = sum(x * x for x in samples) / len(samples)
    if mean_square <= 0:
        return SILENCE_DB
    return max(SILENCE_DB, 10 * math.log10(mean_square / 32768.0**2))
