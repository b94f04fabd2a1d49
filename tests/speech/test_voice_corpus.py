"""bench/voice_corpus.py: the synthetic utterances the spoken-answer benchmark feeds the
recogniser, made with the real espeak-ng and sox (the short corpus: a few seconds)."""

from __future__ import annotations

import io
import subprocess
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from routineplayer.core.voice_answers import Kind, Moment

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import voice_corpus as vc

pytestmark = pytest.mark.speech

Clips = list[vc.Clip]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("voice-corpus")


@pytest.fixture(scope="module")
def clips(cache: Path) -> Clips:
    return vc.corpus(short=True, cache_dir=cache)


@pytest.fixture(autouse=True)
def _sox(require_command: Callable[[str, str], str]) -> None:
    require_command("sox", "sox")


def by_name(clips: Clips) -> dict[str, vc.Clip]:
    return {clip.name: clip for clip in clips}


def answer(clips: Clips, text: str, condition: str) -> vc.Clip:
    return next(
        c for c in clips if c.kind == "answer" and c.text == text and c.condition == condition
    )


def threshold(x: vc.Int16) -> float:
    return float(np.max(np.abs(x.astype(np.float64)))) * 10 ** (vc.SPEECH_THRESHOLD_DB / 20)


@pytest.mark.parametrize("condition", ["snr10", "snr20"])
def test_snr_measured_back_is_the_one_asked_for(clips: Clips, condition: str) -> None:
    checked = 0
    for noisy in (c for c in clips if c.condition == condition):
        clean = by_name(clips)[noisy.name.rsplit("/", 1)[0] + "/clean"]
        assert noisy.sound_start_s is not None and noisy.speech_end_s is not None
        a, b = round(noisy.sound_start_s * vc.RATE), round(noisy.speech_end_s * vc.RATE)
        s = clean.samples().astype(np.float64)
        noise = noisy.samples().astype(np.float64) - s
        snr = 20 * np.log10(vc.rms(s[a:b]) / vc.rms(noise[a:b]))
        assert abs(snr - vc.SNR_DB[condition]) <= 1.0, (noisy.name, snr)
        # the noise runs through the padding too, as a room's would
        assert vc.rms(noise[: round(vc.PAD_BEFORE_S * vc.RATE)]) > 0
        checked += 1
    assert checked >= 4


def test_speech_end_label_lies_where_the_signal_ends(clips: Clips) -> None:
    for clip in (c for c in clips if c.kind == "answer" and c.condition == "clean"):
        x = clip.samples()
        assert clip.sound_start_s is not None and clip.speech_end_s is not None
        end = round(clip.speech_end_s * vc.RATE)
        loud = np.abs(x.astype(np.float64)) > threshold(x)
        assert not loud[end:].any(), clip.name  # nothing after the end
        assert loud[end - 1], clip.name  # the last sample before it is still the sound
        assert loud[end - round(0.02 * vc.RATE) : end].sum() > 1
        assert clip.sound_start_s == pytest.approx(vc.PAD_BEFORE_S, abs=1e-3)
        assert clip.seconds == pytest.approx(clip.speech_end_s + vc.PAD_AFTER_S, abs=1e-3)
        # every condition of the clip keeps the clean clip's labels and length
        for cond in vc.CONDITIONS:
            other = by_name(clips)[clip.name.rsplit("/", 1)[0] + f"/{cond}"]
            assert other.speech_end_s == clip.speech_end_s
            assert other.seconds == clip.seconds


def test_clips_are_16khz_mono_s16le(clips: Clips) -> None:
    """Read as 16 kHz mono s16le, a clip is as long as espeak-ng's own WAV said it, peaks at
    -6 dBFS and is smooth sample to sample (bytes swapped or channels interleaved are not)."""
    clip = answer(clips, "carry on", "clean")
    assert clip.voice is not None and clip.rate_wpm is not None
    wav = subprocess.run(
        ["espeak-ng", "-v", clip.voice, "-s", str(clip.rate_wpm), "--stdout", clip.text],
        capture_output=True,
        check=True,
    ).stdout
    with wave.open(io.BytesIO(wav)) as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        rate = w.getframerate()
        own = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
    own_loud = np.flatnonzero(np.abs(own.astype(np.float64)) > threshold(own))
    own_seconds = (own_loud[-1] + 1 - own_loud[0]) / rate
    assert clip.sound_start_s is not None and clip.speech_end_s is not None
    assert clip.speech_end_s - clip.sound_start_s == pytest.approx(own_seconds, abs=0.01)

    for c in clips:
        raw = c.pcm()
        assert len(raw) % 2 == 0
        assert c.seconds == len(raw) / 2 / 16000
    x = clip.samples().astype(np.float64)
    assert 20 * np.log10(np.max(np.abs(x)) / 32768) == pytest.approx(vc.PEAK_DBFS, abs=0.5)
    speech = x[round(clip.sound_start_s * 16000) : round(clip.speech_end_s * 16000)]
    assert np.corrcoef(speech[:-1], speech[1:])[0, 1] > 0.5


def test_negative_set_has_every_kind(clips: Clips) -> None:
    negatives = [c for c in clips if c.expected is None]
    assert {c.kind for c in negatives} == set(vc.NEGATIVE_KINDS)
    assert {"silence", "noise", "cough", "clap", "words", "cue"} == set(vc.NEGATIVE_KINDS)
    for kind in vc.NEGATIVE_KINDS:  # each kind at every moment
        assert {c.moment for c in negatives if c.kind == kind} == set(Moment)
    # the full set's words include those that sound like answers
    for word in ("hello", "what time is it", "maybe later", "the weather is nice", "yesterday"):
        assert word in vc.NEGATIVE_WORDS
    for word in ("seventeen", "nobody", "carrot"):
        assert word in vc.NEGATIVE_WORDS
    # the app's own cues, the check question among them
    cue_texts = {text for _, text, _ in vc.full_session_cues()}
    said = {c.text for c in negatives if c.kind == "cue"}
    assert said <= cue_texts
    assert any("disconnect" in text for text in said)
    # silence is silent; coughs, claps and noise are sounds
    silence = next(c for c in negatives if c.kind == "silence")
    assert not silence.samples().any() and silence.speech_end_s is None
    for kind in ("cough", "clap", "noise"):
        for c in (c for c in negatives if c.kind == kind):
            assert vc.rms(c.samples()) > 10, c.name


def test_answers_cover_each_moment(clips: Clips) -> None:
    answers = [c for c in clips if c.expected is not None]
    assert {c.expected.kind for c in answers if c.expected} >= {Kind.YES, Kind.NO, Kind.PAIN}
    assert {c.condition for c in answers} == set(vc.CONDITIONS)
    for c in answers:
        assert c.expected is not None
        assert (c.moment is Moment.CHECK) == (c.expected.kind in (Kind.YES, Kind.NO))


def test_cache_returns_the_same_bytes_without_rendering_again(
    clips: Clips, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_render(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"rendered again: {args}")

    monkeypatch.setattr(subprocess, "run", no_render)
    again = vc.corpus(short=True, cache_dir=cache)
    assert [c.name for c in again] == [c.name for c in clips]
    for first, second in zip(clips, again, strict=True):
        assert second.path == first.path
        assert second.pcm() == first.pcm()


def test_session_audio_short(cache: Path) -> None:
    pcm, seconds = vc.session_audio(10.0, short=True, cache_dir=cache)
    assert seconds == vc.SHORT_CUE_SECONDS + 10.0
    assert len(pcm) == round(seconds * 16000) * 2
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    first_cue = x[: 16000 * 2]  # the opening announcement at 0 s
    floor = x[round(16000 * (vc.SHORT_CUE_SECONDS - 1)) : round(16000 * vc.SHORT_CUE_SECONDS)]
    assert vc.rms(first_cue) > 10 * vc.rms(floor)
