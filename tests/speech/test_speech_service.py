"""The speech service's hazards (issue 13), with the real espeak-ng worker.

A voice change during a render; a clip cut short by the engine; closing while the worker
hangs; the worker's stderr. Faults are real (SIGSTOP) or injected into a real worker
process through a small wrapper around its entry point, never by faking the renderer.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from routineplayer.runtime.voice import Voice
from routineplayer.speech import renderer as renderer_module
from routineplayer.speech.cache import SpeechCache, VoiceSettings
from routineplayer.speech.render_worker import (
    MIN_SPOKEN_FRACTION,
    shortest_plausible_seconds,
    spoken_words,
)
from routineplayer.speech.renderer import (
    ATTEMPTS_PER_TEXT,
    RETRIES_PER_TEXT,
    FailureKind,
    Renderer,
    RenderProgress,
    forward_stderr,
)
from routineplayer.speech.wavtools import read_wav

pytestmark = pytest.mark.speech

# Two settings whose clips differ by far more than espeak-ng varies between runs.
SLOW = VoiceSettings(rate=90)
FAST = VoiceSettings(voice="gmw/en-us", rate=280)
TEXTS = [f"Set {n}. Lift slowly, hold, and lower with control." for n in range(1, 25)]


@pytest.fixture
def renderer() -> Iterator[Renderer]:
    r = Renderer(SLOW)
    if not r.engine.available:
        pytest.fail(f"{r.engine.reason} (Debian package espeak-ng)", pytrace=False)
    yield r
    r.close()


def sent_to_worker(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every render request the worker is sent, as sent (a spy on the pipe's writer)."""
    sent: list[dict[str, Any]] = []
    ask = renderer_module._WorkerProcess.ask

    def spy(self: Any, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        if request.get("op") == "render":
            sent.append(dict(request))
        return ask(self, request, timeout)

    monkeypatch.setattr(renderer_module._WorkerProcess, "ask", spy)
    return sent


# -- a voice change during a render -------------------------------------------------------------


def test_a_batch_renders_with_the_settings_it_was_started_with(renderer: Renderer) -> None:
    def change_voice_mid_way(p: RenderProgress) -> None:
        if p.done == 3:
            renderer.settings = FAST  # as Voice.apply_settings does, from another thread

    report = renderer.render(TEXTS[:8], change_voice_mid_way)
    assert report.failed == {}, report.explain()
    assert report.settings == SLOW
    for text in TEXTS[:8]:
        assert renderer.cache.lookup(text, SLOW) is not None, text
        assert renderer.cache.lookup(text, FAST) is None, text
    again = renderer.render(TEXTS[:2])  # the change applies to the next batch
    assert again.settings == FAST and again.rendered == 2, again.explain()


class ChangesBetweenReads:
    """A ``Renderer.settings`` that is another voice at every read: the worst a voice change
    made from another thread (Voice.apply_settings) can do to a render under way."""

    def __init__(self) -> None:
        self.reads = 0

    def __get__(self, renderer: object, owner: type | None = None) -> VoiceSettings:
        self.reads += 1
        return (SLOW, FAST)[self.reads % 2]

    def __set__(self, renderer: object, settings: VoiceSettings) -> None:
        pass  # it changes by itself


def test_a_voice_change_mid_render_never_files_a_clip_under_the_other_voices_key(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The renderer used to read its settings once for the worker's voice and rate and
    again for the cache key: a change landing in between filed a clip under the other
    voice's key for good. Every request must name the file of its own voice and rate, and
    every file must sound like the key it is under."""
    sent = sent_to_worker(monkeypatch)
    with monkeypatch.context() as changing:
        changing.setattr(Renderer, "settings", ChangesBetweenReads(), raising=False)
        report = renderer.render(TEXTS[:6])
    assert report.failed == {}, report.explain()
    assert len(sent) == 6
    for request in sent:
        own = VoiceSettings(voice=request["voice"], rate=request["rate"])
        assert Path(request["out"]) == renderer.cache.path(request["text"], own), request

    # The files themselves: each as long as a clean render of its own key (espeak-ng varies
    # by tens of ms; SLOW and FAST differ by seconds).
    clean = Renderer(engine=renderer.engine, cache=SpeechCache(renderer.engine.identity,
                                                               tmp_path / "clean"))  # fmt: skip
    try:
        checked = 0
        for settings in (SLOW, FAST):
            filed = [t for t in TEXTS[:6] if renderer.cache.lookup(t, settings) is not None]
            report = clean.render(filed, settings=settings)
            assert report.failed == {}, report.explain()
            for text in filed:
                ours = renderer.cache.lookup(text, settings)
                reference = clean.cache.lookup(text, settings)
                assert ours is not None and reference is not None
                want = read_wav(reference).seconds
                assert read_wav(ours).seconds == pytest.approx(want, abs=0.15), (text, settings)
                checked += 1
        assert checked == 6
    finally:
        clean.close()


# -- short, silent or empty clips ----------------------------------------------------------------


def test_what_counts_as_cut_short() -> None:
    assert spoken_words("Set 3 of 8 — begin...") == 5  # a lone dash says nothing
    assert spoken_words("...") == 0 and shortest_plausible_seconds("...", 165) == 0.0
    # 6 words at 120 words a minute need 3 s; far less than that is missing words.
    assert shortest_plausible_seconds("one two three four five six", 120) == pytest.approx(
        MIN_SPOKEN_FRACTION * 3.0
    )


FAULTY_WORKER = """
import sys
from pathlib import Path

from routineplayer.speech import render_worker, wavtools

starts, faulty = Path(sys.argv[1]), int(sys.argv[2])
starts.mkdir(exist_ok=True)
(starts / str(len(list(starts.iterdir())))).touch()
if len(list(starts.iterdir())) <= faulty:
    def cut_short(pcm, *args):  # what a cancelled synthesis leaves: the words stop early
        pcm = wavtools.trim_silence(pcm, *args)
        return wavtools.Pcm(pcm.samples[: len(pcm.samples) // 6], pcm.rate)

    render_worker.trim_silence = cut_short
raise SystemExit(render_worker.main())
"""


def faulty_workers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, faulty: int) -> Path:
    """The first ``faulty`` workers started cut every clip short; later ones are sound."""
    starts = tmp_path / "worker-starts"
    command = [sys.executable, "-c", FAULTY_WORKER, str(starts), str(faulty)]
    monkeypatch.setattr(renderer_module, "worker_command", lambda: command)
    return starts


def test_a_clip_cut_short_gets_a_fresh_engine_and_is_rendered(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    starts = faulty_workers(monkeypatch, tmp_path, faulty=1)
    report = renderer.render(TEXTS[:3])
    assert report.failed == {}, report.explain()
    assert (report.rendered, report.restarts, report.engine_retries) == (3, 1, 1)
    assert len(list(starts.iterdir())) == 2
    for text in TEXTS[:3]:
        path = renderer.cache.lookup(text, SLOW)
        assert path is not None
        assert read_wav(path).seconds > shortest_plausible_seconds(text, SLOW.rate), text


def test_a_clip_cut_short_every_time_is_an_engine_fault_after_the_retries(
    renderer: Renderer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    starts = faulty_workers(monkeypatch, tmp_path, faulty=99)
    report = renderer.render([TEXTS[0]])
    assert report.kinds == {TEXTS[0]: FailureKind.ENGINE}, report.explain()
    assert "cut the text short" in report.failed[TEXTS[0]]
    assert report.restarts == report.engine_retries == RETRIES_PER_TEXT
    assert len(list(starts.iterdir())) == ATTEMPTS_PER_TEXT  # a fresh engine for each try
    assert renderer.cache.lookup(TEXTS[0], SLOW) is None  # nothing short is ever cached
    assert f"[{FailureKind.ENGINE.value}] {TEXTS[0]!r}" in report.explain()


# -- the voice list --------------------------------------------------------------------------


def test_the_voice_list_comes_with_the_first_worker_and_is_kept(renderer: Renderer) -> None:
    assert renderer.known_voices is None  # nothing started, nothing known, nothing waited for
    report = renderer.render(["Rest."])
    assert report.failed == {}, report.explain()
    known = renderer.known_voices
    assert known is not None and any(v["id"] == FAST.voice for v in known)
    pid = renderer.worker_pid
    renderer.close()
    assert renderer.voices() == known  # kept: no worker asked again
    assert renderer.worker_pid is None and pid is not None


# -- closing ---------------------------------------------------------------------------------


@pytest.mark.audio
def test_voice_close_returns_at_once_even_with_a_hung_worker_mid_render(qtbot: QtBot) -> None:
    # The Voice renders only when there is an output to play to: the null sink is one.
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        ["sh", str(root / "scripts" / "start-audio.sh")], check=True, capture_output=True
    )
    renderer = Renderer(render_timeout=60.0)  # a hang would hold a render for a minute
    voice = Voice(renderer=renderer)
    if not voice.player.speech_available:
        pytest.fail(f"speech is off here: {voice.status}", pytrace=False)
    texts = [f"Cue {n} of 200: breathe in, and grow tall through your back." for n in range(200)]
    voice.prepare_texts(texts)
    qtbot.waitUntil(lambda: len(list(renderer.cache.directory.glob("*.wav"))) >= 3, timeout=30_000)
    pid = renderer.worker_pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # alive but never answers: the render waits on it
    time.sleep(0.3)
    started = time.monotonic()
    voice.close()
    took = time.monotonic() - started
    assert took < 1.0, f"close() took {took:.1f} s"
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped, not left stopped
    assert renderer.worker_pid is None


# -- the worker's stderr ---------------------------------------------------------------------


def test_the_workers_stderr_reaches_the_log(
    renderer: Renderer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="routineplayer.speech.render_worker")
    report = renderer.render(["...", "Rest."])  # "..." renders silent: the worker says so
    assert report.kinds == {"...": FailureKind.ENGINE}, report.explain()

    def said(level: int, words: str) -> bool:
        return any(
            r.levelno == level and words in r.getMessage() and r.name.endswith("render_worker")
            for r in caplog.records
        )

    deadline = time.monotonic() + 10  # the lines come through a reader thread
    while not said(logging.WARNING, "engine fault on '...'") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert said(logging.WARNING, "engine fault on '...'")
    assert said(logging.INFO, "ready: ")  # each worker's greeting, with its pid
    assert any(f"speech worker {renderer.worker_pid}:" in r.getMessage() for r in caplog.records)


def test_library_lines_on_stderr_are_logged_by_what_they_say(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="routineplayer.speech.render_worker")
    stderr = io.StringIO(
        "INFO ready: espeak-ng\n"
        "Audio saved to /tmp/x.wav\n"
        "some chatter\n"
        "\n"
        "ALSA lib pcm.c:2666: Unknown PCM default: error 524\n"
        "Traceback (most recent call last):\n"
        '  File "render_worker.py", line 1, in <module>\n'
        "KeyError: 'rate'\n"
        "back to normal\n"
    )
    forward_stderr(stderr, 42)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("INFO", "speech worker 42: ready: espeak-ng"),
        ("DEBUG", "speech worker 42: Audio saved to /tmp/x.wav"),
        ("INFO", "speech worker 42: some chatter"),
        ("WARNING", "speech worker 42: ALSA lib pcm.c:2666: Unknown PCM default: error 524"),
        ("WARNING", "speech worker 42: Traceback (most recent call last):"),
        ("WARNING", 'speech worker 42:   File "render_worker.py", line 1, in <module>'),
        ("WARNING", "speech worker 42: KeyError: 'rate'"),
        ("INFO", "speech worker 42: back to normal"),
    ]
    assert stderr.closed  # the reader owns the stream
