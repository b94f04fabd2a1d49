"""Rendering cue texts with the real espeak-ng through pyttsx3 in the worker process.

No QApplication: the renderer and its worker are plain Python and a child process. Faults
are real too: the worker is SIGKILLed mid-batch, frozen with SIGSTOP (a hang), and
espeak-ng is made unloadable through the library override both processes honour.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from routineplayer.core.library import Library
from routineplayer.core.timeline import expand
from routineplayer.speech.availability import LIBRARY_ENV, detect_engine
from routineplayer.speech.cache import SpeechCache, VoiceSettings
from routineplayer.speech.renderer import RETRIES_PER_TEXT, FailureKind, Renderer, RenderProgress
from routineplayer.speech.wavtools import read_wav, trim_silence

pytestmark = pytest.mark.speech

SAMPLES = [
    "3",
    "Rest.",
    "Halfway.",
    "Switch sides: left leg.",
    "Breathe in",
    "Get ready: Knee rolls. 2 sets of 8 reps, each side.",
    "Did your lower belly disconnect? Press Y for yes, or N for no.",
    "Let your belly soften like a jellyfish drifting in warm water, wide and slow.",
    "Ça va? Über-gentle — 10 % effort, “no strain”.",  # non-ASCII must not break the protocol
]


@pytest.fixture
def renderer() -> Iterator[Renderer]:
    r = Renderer()
    if not r.engine.available:
        pytest.fail(f"{r.engine.reason} (Debian package espeak-ng)", pytrace=False)
    yield r
    r.close()


def assert_plausible_speech(path: Path, text: str, rate_wpm: int) -> None:
    with path.open("rb") as f:
        assert f.read(4) == b"RIFF"
    pcm = read_wav(path)
    assert pcm.rate in (16000, 22050, 24000, 44100, 48000)
    assert pcm.peak() > 4000, f"{text!r} rendered (nearly) silent"
    words = max(1, len(text.split()))
    expected = words / (rate_wpm / 60)
    assert 0.3 * expected <= pcm.seconds <= 2.5 * expected + 0.6, (text, pcm.seconds, expected)
    first_sound = next(i for i, v in enumerate(pcm.samples) if abs(v) > 300)
    assert first_sound < pcm.rate * 0.005, "leading silence is trimmed: the cue sounds on its tick"


def test_sample_sentences_render_to_plausible_wavs(renderer: Renderer) -> None:
    seen: list[RenderProgress] = []
    report = renderer.render(SAMPLES, seen.append)
    assert report.failed == {}, report.explain()
    assert report.rendered == len(SAMPLES)
    assert [p.text for p in seen] == SAMPLES  # rendered in the order given
    assert [p.done for p in seen] == list(range(1, len(SAMPLES) + 1))
    for text in SAMPLES:
        path = renderer.cache.lookup(text, renderer.settings)
        assert path is not None, text
        assert_plausible_speech(path, text, renderer.settings.rate)
    assert not list(renderer.cache.directory.glob(".*")), "no temp files left behind"


def test_rendered_cues_are_whole_like_espeak_ng_itself(
    renderer: Renderer, tmp_path: Path, require_command: Callable[[str, str], str]
) -> None:
    """pyttsx3 2.99 writes the file from espeak's thread after runAndWait() returns; a
    worker that read it at once got empty or cut-off cues. Compare with the espeak-ng
    command line, which writes the whole utterance, at the same voice and rate."""
    espeak = require_command("espeak-ng", "espeak-ng")
    texts = SAMPLES[:8] * 2  # twice: the second round must not depend on the first
    report = renderer.render(texts)
    assert report.failed == {}, report.explain()
    for i, text in enumerate(SAMPLES[:8]):
        reference = tmp_path / f"ref{i}.wav"
        subprocess.run(
            [espeak, "-v", "gmw/en", "-s", str(renderer.settings.rate), "-w", str(reference), text],
            check=True,
            capture_output=True,
        )
        ours = renderer.cache.lookup(text, renderer.settings)
        assert ours is not None
        want = trim_silence(read_wav(reference)).seconds
        # espeak-ng itself varies by a few tens of ms between runs; a cut-off is far more
        assert read_wav(ours).seconds == pytest.approx(want, abs=0.1), text


def test_changing_voice_and_rate_between_texts_never_cuts_or_empties_a_cue(
    renderer: Renderer,
) -> None:
    """A rate or voice change queued in espeak made pyttsx3 cancel the next synthesis and
    announce it finished (a third of renders came out empty or short when every render set
    them). One worker, settings flipping on every text: every file whole, none failed."""
    texts = [f"Set {n}. Nice and steady, let your shoulders drop." for n in range(1, 13)]
    variants = [VoiceSettings(rate=165), VoiceSettings(rate=190), VoiceSettings(voice="gmw/en-us")]
    lengths: dict[tuple[str, VoiceSettings], float] = {}
    for i, text in enumerate(texts * 2):
        renderer.settings = variants[i % len(variants)]
        report = renderer.render([text])
        assert report.failed == {}, report.explain()
        path = renderer.cache.lookup(text, renderer.settings)
        assert path is not None
        lengths.setdefault((text, renderer.settings), read_wav(path).seconds)
    assert renderer.worker_pid is not None
    for (text, settings), seconds in lengths.items():
        expected = len(text.split()) / (settings.rate / 60)
        assert seconds > 0.6 * expected, (text, settings, seconds)


def test_every_cue_of_every_builtin_routine_renders(renderer: Renderer) -> None:
    library = Library()
    texts: list[str] = []
    for name in library.names():
        timeline = expand(library.resolve(name), library.resolve)
        texts.extend(timeline.cue_texts())
    report = renderer.render(texts)
    assert report.failed == {}, report.explain()
    assert report.rendered + report.cached == report.total == len(set(texts))
    for text in set(texts):
        path = renderer.cache.lookup(text, renderer.settings)
        assert path is not None, text
        assert_plausible_speech(path, text, renderer.settings.rate)


def test_warm_cache_renders_nothing_and_starts_no_process(renderer: Renderer) -> None:
    first = renderer.render(SAMPLES[:4])
    assert first.failed == {}, first.explain()
    renderer.close()
    again = Renderer(renderer.settings)
    report = again.render(SAMPLES[:4])
    assert (report.rendered, report.cached) == (0, 4)
    assert again.worker_pid is None


def test_other_voice_or_rate_is_another_file(renderer: Renderer) -> None:
    fast_report = renderer.render(["Rest."])
    assert fast_report.failed == {}, fast_report.explain()
    slow = Renderer(VoiceSettings(rate=110))
    try:
        slow_report = slow.render(["Rest."])
        assert slow_report.failed == {}, slow_report.explain()
        fast_file = renderer.cache.lookup("Rest.", renderer.settings)
        slow_file = slow.cache.lookup("Rest.", slow.settings)
        assert fast_file is not None and slow_file is not None and fast_file != slow_file
        assert read_wav(slow_file).seconds > read_wav(fast_file).seconds
    finally:
        slow.close()


def test_worker_killed_mid_render_is_respawned_and_the_batch_completes(
    renderer: Renderer,
) -> None:
    texts = [f"Set {n} of 40. Begin, and keep breathing slowly." for n in range(1, 41)]
    killed: list[int] = []
    five_done, kill_done = threading.Event(), threading.Event()

    def kill_when_running() -> None:
        five_done.wait(30)
        pid = renderer.worker_pid  # rendering the 6th text by now, most likely
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        kill_done.set()

    def progress(p: RenderProgress) -> None:
        if p.done == 5:
            five_done.set()
        elif p.done > 5:
            # A killer thread late under load once came after the whole batch (restarts
            # 0 in CI): hold the batch until the kill has landed, so it is mid-batch.
            kill_done.wait(30)

    killer = threading.Thread(target=kill_when_running)
    killer.start()
    report = renderer.render(texts, progress)
    killer.join()
    assert killed, "the worker was never seen running"
    assert report.restarts >= 1
    assert report.failed == {}, report.explain()
    assert report.rendered == len(texts)
    assert renderer.worker_pid not in killed
    for text in texts:
        path = renderer.cache.lookup(text, renderer.settings)
        assert path is not None
        read_wav(path)  # complete files only: a killed write never lands in the cache


def test_hung_worker_is_killed_after_the_timeout_and_replaced() -> None:
    renderer = Renderer(render_timeout=2.0)
    try:
        renderer.render(["Rest."])  # the worker is up
        frozen = renderer.worker_pid
        assert frozen is not None
        os.kill(frozen, signal.SIGSTOP)  # alive but never answers: a hang
        report = renderer.render(["Halfway.", "Switch sides."])
        assert report.failed == {}, report.explain()
        assert report.restarts == 1
        assert renderer.worker_pid != frozen
        with pytest.raises(ProcessLookupError):
            os.kill(frozen, 0)  # killed and reaped, not left behind
    finally:
        renderer.close()


def test_a_text_that_cannot_be_rendered_is_reported_once_and_the_rest_go_on() -> None:
    renderer = Renderer(VoiceSettings(voice="no-such-voice"))
    try:
        report = renderer.render(["Rest.", "Halfway.", "Rest."])
        assert set(report.failed) == {"Rest.", "Halfway."}
        assert all("unknown voice" in reason for reason in report.failed.values())
        assert set(report.kinds.values()) == {FailureKind.REFUSED}
        assert report.restarts == 0  # a refusal is not a crash
    finally:
        renderer.close()


def test_installed_voices_are_listed(renderer: Renderer) -> None:
    voices = renderer.voices()
    # espeak-ng names its voices as it likes (gmw/en today): ask for English, not an id.
    assert any(lang.startswith("en") for v in voices for lang in v["languages"])
    assert all({"id", "name", "languages"} <= set(v) for v in voices)


def test_without_espeak_ng_speech_is_off_and_the_message_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(LIBRARY_ENV, "/nonexistent/libespeak-ng.so.1")
    engine = detect_engine()
    assert not engine.available
    assert "espeak-ng" in engine.reason
    assert "apt-get install espeak-ng" in engine.reason
    renderer = Renderer()
    report = renderer.render(SAMPLES[:2])
    assert report.unavailable == engine.reason
    assert renderer.worker_pid is None
    # The worker agrees (it inherits the environment) and says so instead of crashing.
    worker = subprocess.run(
        [sys.executable, "-m", "routineplayer.speech.render_worker"],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    first = json.loads(worker.stdout.splitlines()[0])
    assert first["unavailable"] is True
    assert "apt-get install espeak-ng" in first["error"]
    assert worker.returncode == 1


def test_close_does_not_wait_for_a_hung_worker(tmp_path: Path) -> None:
    """Quitting while the worker hangs mid-render must not block until the render timeout
    (two minutes here: a close() that waited for it would trip the test's own timeout)."""
    engine = detect_engine()
    renderer = Renderer(
        engine=engine, cache=SpeechCache(engine.identity, tmp_path), render_timeout=120.0
    )
    renderer.render(["Warm up the worker."])
    pid = renderer.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # hung: the next render would wait for its timeout
    rendering = threading.Thread(
        target=renderer.render, args=(["This text never renders."],), daemon=True
    )
    rendering.start()
    time.sleep(0.3)  # the render now waits on the stopped worker, holding the lock
    renderer.close()
    rendering.join(timeout=20)
    assert not rendering.is_alive(), "the render gave up once the worker was killed"
    assert renderer.worker_pid is None


def test_an_engine_that_gives_silence_gets_fresh_tries_then_the_fault_is_named(
    renderer: Renderer,
) -> None:
    # "..." has nothing to say: espeak-ng renders silence for it every time, which is what
    # it does now and then for ordinary text (the fault a fresh engine clears).
    report = renderer.render(["...", "Rest."])
    assert report.failed == {"...": "the speech engine produced only silence"}
    assert report.kinds == {"...": FailureKind.ENGINE}
    # A fresh engine for each retry (and more if espeak-ng's now-and-then silence hits
    # "Rest." too: that is the fault the fresh tries are for).
    assert report.engine_retries >= RETRIES_PER_TEXT
    assert report.restarts == report.engine_retries  # no worker died or hung
    assert report.rendered == 1  # and the next text goes on
    explained = report.explain()
    assert explained.startswith("1 of 2 texts not rendered:")
    assert f"[{FailureKind.ENGINE.value}] '...'" in explained
