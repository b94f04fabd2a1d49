"""The whole-routine track: every cue where ``plan`` puts it, chimes with them, silence between."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from routineplayer.core.library import Library
from routineplayer.core.model import Routine, Step, StepKind
from routineplayer.core.plan import plan_data
from routineplayer.core.timeline import Timeline, expand
from routineplayer.speech.availability import LIBRARY_ENV, detect_engine
from routineplayer.speech.chimes import FALLBACK, chime_path
from routineplayer.speech.renderer import Renderer
from routineplayer.speech.track import (
    CHECK_PAUSE_S,
    TAIL_S,
    render_track,
    texts_due_within,
    track_cues,
)
from routineplayer.speech.wavtools import CUE_RATE, read_wav

pytestmark = pytest.mark.speech


@pytest.fixture(autouse=True)
def _fresh_engine_probe() -> Iterator[None]:
    detect_engine.cache_clear()
    yield
    detect_engine.cache_clear()


def builtin(name: str) -> Timeline:
    library = Library()
    return expand(library.resolve(name), library.resolve)


def samples(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, CUE_RATE)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int32)


def clip(path: Path | None) -> np.ndarray:
    assert path is not None
    return np.asarray(read_wav(path).samples, dtype=np.int32)


def test_warm_up_track_has_every_cue_exactly_where_plan_puts_it(tmp_path: Path) -> None:
    timeline = builtin("warm-up")
    out = tmp_path / "warm-up.wav"
    report = render_track(timeline, out)
    track = samples(out)

    planned = [
        (cue["at"], cue["text"], cue["chime"])
        for seg in plan_data(timeline)["segments"]
        for cue in seg["cues"]
    ]
    planned.append((timeline.total, timeline.closing_text, "done"))
    spoken = [(at, text) for at, text, _ in planned if text]
    assert report.dropped == [] and report.unspoken == []
    assert [text for _, text in report.voices] == [text for _, text in spoken]
    for (placed_at, text), (plan_at, _) in zip(report.voices, spoken, strict=True):
        assert placed_at == pytest.approx(plan_at, abs=1 / CUE_RATE), text
    assert report.seconds == pytest.approx(timeline.total + report_tail(report, timeline), abs=0.01)

    # The audio itself: at each cue's sample, exactly its rendered clip (plus its chime).
    renderer = Renderer()
    try:
        chimes = {name: clip(chime_path(name)) for _, _, name in planned if name}
        for at, text, chime in planned:
            start = round(at * CUE_RATE)
            expected = np.zeros(CUE_RATE * 4, dtype=np.int32)
            if text:
                voice = clip(renderer.cache.lookup(text, renderer.settings))[: len(expected)]
                expected[: len(voice)] += voice
            if chime:
                expected[: len(chimes[chime])] += chimes[chime][: len(expected)]
            expected = np.clip(expected, -32768, 32767)
            window = track[start : start + len(expected)]
            length = min(len(window), max(len(voice) if text else 0, len(chimes.get(chime, []))))
            # what sounds at the cue is the cue (other sounds after it may follow its end)
            assert np.array_equal(window[:length], expected[:length]), (at, text)
            assert not np.any(track[max(0, start - 10) : start]) or at == 0, "silence before"
    finally:
        renderer.close()


def report_tail(report: object, timeline: Timeline) -> float:
    """The track ends TAIL_S after its last sound: the closing words and the done chime."""
    closing = read_wav(chime_path("done")).seconds
    renderer = Renderer()
    try:
        words = read_wav(renderer.cache.lookup(timeline.closing_text, renderer.settings)).seconds
    finally:
        renderer.close()
    return max(words, closing) + TAIL_S


def test_a_check_gets_the_time_to_ask_and_nothing_talks_over_it(tmp_path: Path) -> None:
    timeline = builtin("upper-back-slides")
    report = render_track(timeline, tmp_path / "slides.wav")
    assert report.dropped == []
    renderer = Renderer()
    try:
        length = {
            text: read_wav(renderer.cache.lookup(text, renderer.settings)).seconds
            for _, text in report.voices
        }
    finally:
        renderer.close()
    for (a_at, a), (b_at, b) in zip(report.voices, report.voices[1:], strict=False):
        assert b_at >= a_at + length[a] - 1 / CUE_RATE, f"{b!r} talks over {a!r}"
    questions = [(at, text) for at, text in report.voices if "belly disconnect" in text]
    assert questions
    for at, text in questions:
        after = next(t for t, _ in report.voices if t > at)
        assert after == pytest.approx(at + length[text] + CHECK_PAUSE_S, abs=0.01)


def test_the_first_minutes_texts_come_first_in_the_render_order() -> None:
    timeline = builtin("warm-up")
    first = texts_due_within(timeline, 60.0)
    assert first and first == timeline.cue_texts()[: len(first)]
    first_said = {}
    for c in track_cues(timeline):
        first_said.setdefault(c.cue.text, c.at)
    assert all(first_said[text] < 60.0 for text in first)
    assert all(at >= 60.0 for text, at in first_said.items() if text and text not in first)
    assert texts_due_within(timeline, 1e9)[-1] == timeline.closing_text


def test_rep_sets_without_tempo_take_the_default_tempo() -> None:
    step = Step(StepKind.REPS, title="Bridges", reps=10, sets=2, rest_between_sets=20.0)
    timeline = expand(Routine(title="Reps", steps=(step,)), lambda name: None)
    slow = track_cues(timeline, default_tempo=6.0)
    fast = track_cues(timeline, default_tempo=3.0)
    assert slow[-1].at - fast[-1].at == pytest.approx(2 * 10 * (6.0 - 3.0))


def test_without_espeak_ng_the_track_has_its_chimes_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LIBRARY_ENV, "/nonexistent/libespeak-ng.so.1")
    timeline = builtin("jellyfish-breathing")
    out = tmp_path / "jelly.wav"
    report = render_track(timeline, out)
    assert "apt-get install espeak-ng" in report.speech_off
    assert report.voices == []
    assert set(report.unspoken) == {c.cue.text for c in track_cues(timeline) if c.cue.text}
    track = samples(out)
    stand_in = clip(chime_path(FALLBACK))
    first = track_cues(timeline)[0]
    start = round(first.at * CUE_RATE)
    assert first.cue.text and not first.cue.chime
    assert np.array_equal(track[start : start + len(stand_in)], stand_in)


def test_render_command_writes_a_track_whose_onsets_match_plan(tmp_path: Path) -> None:
    """End to end, as a user would: `routineplayer render` and `routineplayer plan --json`,
    onsets found in the WAV by energy alone (silence, then sound)."""
    out = tmp_path / "warm-up.wav"
    run = [sys.executable, "-m", "routineplayer"]
    done = subprocess.run(
        [*run, "render", "warm-up", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(
        subprocess.run(
            [*run, "plan", "warm-up", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    )
    planned = [cue["at"] for seg in plan["segments"] for cue in seg["cues"]]
    planned.append(plan["total_seconds"])  # the closing words

    track = samples(out)
    loud = np.flatnonzero(np.abs(track) > 300)
    gaps = np.flatnonzero(np.diff(loud) > 0.05 * CUE_RATE)
    onsets = np.concatenate(([loud[0]], loud[gaps + 1])) / CUE_RATE
    for at in planned:
        nearest = onsets[np.argmin(np.abs(onsets - at))]
        assert abs(nearest - at) < 0.01, f"nothing starts at {at:.2f} s (nearest {nearest:.3f})"
