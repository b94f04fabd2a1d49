"""speech/utterance_cutter.py: where a spoken answer starts and ends, in quiet and under
steady noise, on real espeak-ng speech (bench/voice_corpus.py's recipes)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from routineplayer.speech.utterance_cutter import UtteranceCutter

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import voice_corpus as vc

pytestmark = pytest.mark.speech

RATE = 16000


@pytest.fixture(autouse=True)
def _tools(require_command: Callable[[str, str], str]) -> None:
    require_command("sox", "sox")
    require_command("espeak-ng", "espeak-ng")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> vc.Store:
    return vc.Store(tmp_path_factory.mktemp("cutter"))


def word(store: vc.Store, text: str) -> vc.Int16:
    return vc._load(vc.speech(store, text, "en-us", 165))


def cut(samples: vc.Int16) -> list[tuple[float, float]]:
    """The (start, end) of each utterance, in seconds."""
    cutter = UtteranceCutter(RATE)
    pcm = samples.astype("<i2").tobytes()
    size = cutter.frame_bytes
    spans = []
    for at in range(0, len(pcm) - size + 1, size):
        was = cutter.in_speech
        cutter.process(pcm[at : at + size])
        if was and not cutter.in_speech:
            spans.append((cutter.speech_start, cutter.speech_end))
    return spans


def in_room(x: vc.Int16, before_s: float, after_s: float, noise: vc.Float | None) -> vc.Int16:
    floor = np.random.default_rng(5).integers(-128, 129, round((before_s + after_s) * RATE))
    track = np.concatenate(
        [floor[: round(before_s * RATE)], x, floor[round(before_s * RATE) :]]
    ).astype(np.float64)
    if noise is not None:
        track += noise[: len(track)]
    return vc.to_int16(track)


def test_a_word_in_quiet_is_one_utterance_ending_soon_after_it(store: vc.Store) -> None:
    x = word(store, "seven")
    span = vc.sound_span(x)
    assert span is not None
    track = in_room(x, 1.0, 1.5, None)
    [(start, end)] = cut(track)
    said_from, said_to = 1.0 + span[0] / RATE, 1.0 + span[1] / RATE
    assert start <= said_from + 0.05
    assert said_to - 0.15 <= end <= said_to + 0.15


def test_under_steady_noise_the_utterance_ends_with_the_word_not_the_noise(
    store: vc.Store,
) -> None:
    # A fan that never stops, 10 dB under the voice: pocketsphinx's own endpointer took it
    # for speech and never ended the utterance.
    x = word(store, "yes")
    span = vc.sound_span(x)
    assert span is not None
    speech = x[span[0] : span[1]].astype(np.float64)
    bed = vc.noise_bed("pink", 8.0, store.directory).astype(np.float64)
    bed *= vc.rms(speech) / 10 ** (10 / 20) / vc.rms(bed)
    track = in_room(x, 3.0, 4.0, bed)
    spans = cut(track)
    assert len(spans) == 1, spans
    [(start, end)] = spans
    said_to = 3.0 + span[1] / RATE
    assert end <= said_to + 0.3  # decided within about a quarter of a second of the word
    assert end - start < 2.0  # an answer's length, so it can be taken as one


def test_a_single_click_is_not_a_word(store: vc.Store) -> None:
    click = np.zeros(RATE // 50, dtype=np.int16)
    click[:40] = 20000
    assert cut(in_room(click, 1.0, 1.0, None)) == []
