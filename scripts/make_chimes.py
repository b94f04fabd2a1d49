#!/usr/bin/env python3
"""Generate the chime WAVs in assets/sounds/ (committed; rerun after changing a recipe).

Pure tones made here, so the sounds are small, license-free and bit-for-bit reproducible
(tests/unit/test_speech_chimes.py checks the committed files match this script). Soft
bell-like partials with a few-millisecond attack: no click, nothing harsh for someone
lying still with their eyes closed. 22050 Hz mono 16-bit, the same format espeak-ng
renders, so speech and chimes mix into a track without resampling.

Usage: scripts/make_chimes.py [OUT_DIR]   (default: assets/sounds next to this script)
"""

from __future__ import annotations

import math
import sys
from array import array
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from routineplayer.speech.chimes import CHIME_NAMES
from routineplayer.speech.wavtools import CUE_RATE, Pcm, write_wav_atomic

RATE = CUE_RATE
LEVEL = 0.45  # peak, as a fraction of full scale: chimes sit a little under the voice
ATTACK_S = 0.006


def _bell(freq: float, seconds: float, decay: float) -> list[float]:
    """A struck tone: fundamental plus two soft partials, exponential decay."""
    n = int(seconds * RATE)
    out = []
    for i in range(n):
        t = i / RATE
        env = min(1.0, t / ATTACK_S) * math.exp(-t / decay)
        s = (
            math.sin(2 * math.pi * freq * t)
            + 0.3 * math.sin(2 * math.pi * 2 * freq * t)
            + 0.1 * math.sin(2 * math.pi * 3 * freq * t)
        )
        out.append(env * s / 1.4)
    return out


def _glide(f0: float, f1: float, seconds: float) -> list[float]:
    """A soft sine sliding from f0 to f1 with a raised-cosine envelope (breath guides)."""
    n = int(seconds * RATE)
    out, phase = [], 0.0
    for i in range(n):
        x = i / n
        phase += 2 * math.pi * (f0 + (f1 - f0) * x) / RATE
        env = 0.5 - 0.5 * math.cos(2 * math.pi * x)
        out.append(0.8 * env * math.sin(phase))
    return out


def _sequence(notes: list[tuple[float, float, float, float]]) -> list[float]:
    """Notes as (start_s, freq, length_s, decay_s), mixed into one buffer."""
    end = max(start + length for start, _, length, _ in notes)
    buf = [0.0] * int(end * RATE + 1)
    for start, freq, length, decay in notes:
        offset = int(start * RATE)
        for i, v in enumerate(_bell(freq, length, decay)):
            buf[offset + i] += v
    return buf


# Note frequencies in Hz (equal temperament).
C4, G4, A4 = 261.63, 392.0, 440.0
C5, E5, G5, A5, C6 = 523.25, 659.25, 784.0, 880.0, 1046.5

RECIPES = {
    "start": lambda: _sequence([(0.0, C5, 0.5, 0.15), (0.12, G5, 0.6, 0.2)]),
    "switch": lambda: _sequence([(0.0, E5, 0.3, 0.08), (0.18, E5, 0.45, 0.12)]),
    "rest": lambda: _sequence([(0.0, G4, 0.6, 0.25), (0.2, C4, 0.9, 0.35)]),
    "done": lambda: _sequence(
        [(0.0, C5, 0.6, 0.2), (0.15, E5, 0.6, 0.2), (0.3, G5, 0.6, 0.2), (0.45, C6, 1.2, 0.4)]
    ),
    "tick": lambda: _bell(A5 * 1.5, 0.06, 0.015),
    "check": lambda: _sequence([(0.0, A4, 0.4, 0.12), (0.16, E5, 0.6, 0.2)]),
    "breath-in": lambda: _glide(300.0, 420.0, 0.7),
    "breath-out": lambda: _glide(420.0, 300.0, 0.7),
    "cue": lambda: _bell(A5, 0.4, 0.12),
}


def render(name: str) -> Pcm:
    wave = RECIPES[name]()
    peak = max(abs(v) for v in wave) or 1.0
    samples = array("h", (round(v / peak * LEVEL * 32767) for v in wave))
    return Pcm(samples, RATE)


def main(argv: list[str]) -> int:
    out_dir = (
        Path(argv[1])
        if len(argv) > 1
        else Path(__file__).resolve().parent.parent / "assets" / "sounds"
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    missing = set(CHIME_NAMES) - set(RECIPES)
    if missing:
        print(f"make_chimes.py: no recipe for {sorted(missing)}", file=sys.stderr)
        return 1
    for name in CHIME_NAMES:
        pcm = render(name)
        write_wav_atomic(out_dir / f"{name}.wav", pcm)
        print(f"{out_dir / name}.wav  {pcm.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
