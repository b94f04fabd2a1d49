"""The committed chime WAVs: one per name, small, audible, and what make_chimes.py makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from routineplayer.core.timeline import BREATH_CHIMES
from routineplayer.speech.chimes import CHIME_NAMES, FALLBACK, chime_path
from routineplayer.speech.wavtools import read_wav

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", CHIME_NAMES)
def test_each_chime_is_a_short_audible_wav(name: str) -> None:
    pcm = read_wav(chime_path(name))
    assert pcm.rate == 22050
    assert 0.03 <= pcm.seconds <= 2.0
    assert 8000 < pcm.peak() < 32767  # audible, not clipped
    assert chime_path(name).stat().st_size < 100_000


def test_every_chime_the_timeline_names_exists() -> None:
    used = {"start", "switch", "rest", "check", *BREATH_CHIMES.values()}
    assert used <= set(CHIME_NAMES)
    assert chime_path("no-such-chime") == chime_path(FALLBACK)


def test_committed_files_are_what_the_script_makes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_chimes.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in CHIME_NAMES:
        made = read_wav(tmp_path / f"{name}.wav").samples
        committed = read_wav(chime_path(name)).samples
        assert len(made) == len(committed), name
        # libm may differ in the last bit between machines: allow one step of rounding.
        assert max(abs(a - b) for a, b in zip(made, committed, strict=True)) <= 1, name
