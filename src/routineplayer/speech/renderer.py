"""Render cue texts into the cache through the worker process, respawning it when it fails.

The parent side of render_worker.py. Texts are rendered in the order given (callers pass
them in order of first use, e.g. ``Timeline.cue_texts()``), so play can begin as soon as
the first minute's cues exist while the rest are still being rendered. Texts already in
the cache are not sent at all: a warm cache starts no process.

A worker that dies or does not answer within the timeout is killed and a new one started;
the text is tried once more, and if it fails again it is reported (once) and skipped, so
the player falls back to a chime for it. An engine that answers with no usable audio is
treated the same way (a fresh engine, one more try): espeak-ng now and then returns silence
for a text it renders fine the next time. Every failure is kept with its kind
(``FailureKind``), so a report, a log line or a failing test says whose fault it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from routineplayer.speech.availability import SpeechEngine, detect_engine
from routineplayer.speech.cache import SpeechCache, VoiceSettings

RENDER_TIMEOUT_S = 10.0  # one text; espeak-ng renders a sentence in ~10 ms here
START_TIMEOUT_S = 30.0  # interpreter + pyttsx3 import on a slow, busy machine
ATTEMPTS_PER_TEXT = 2
MAX_RESTARTS_PER_BATCH = 5  # a worker that keeps dying is broken, not unlucky
FROZEN_WORKER_FLAG = "--speech-render-worker"


class WorkerFailed(RuntimeError):
    """The worker died, hung or could not start."""


class SpeechUnavailable(RuntimeError):
    """No speech engine here; the message says what to install."""


def worker_command() -> list[str]:
    if getattr(sys, "frozen", False):  # PyInstaller: no `-m`; the app's main dispatches the flag
        return [sys.executable, FROZEN_WORKER_FLAG]
    return [sys.executable, "-m", "routineplayer.speech.render_worker"]


class _WorkerProcess:
    """One running worker. A reader thread turns its stdout into a queue, for timeouts."""

    def __init__(self, start_timeout: float) -> None:
        self.process = subprocess.Popen(
            worker_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, name="speech-worker-reader", daemon=True).start()
        try:
            hello = self._next(start_timeout)
        except WorkerFailed:
            self.kill()  # never stored by the caller, so nobody else could end it
            raise
        if "error" in hello:
            self.kill()
            if hello.get("unavailable"):
                raise SpeechUnavailable(hello["error"])
            raise WorkerFailed(hello["error"])

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                self._replies.put(json.loads(line))
            except json.JSONDecodeError:
                continue
        self._replies.put(None)  # EOF: the process is gone

    def _next(self, timeout: float) -> dict[str, Any]:
        try:
            reply = self._replies.get(timeout=timeout)
        except queue.Empty:
            raise WorkerFailed(f"no answer from the speech worker within {timeout:.0f} s") from None
        if reply is None:
            self.process.wait()
            raise WorkerFailed(f"the speech worker exited (code {self.process.returncode})")
        return reply

    def ask(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerFailed(f"the speech worker is gone ({exc})") from exc
        return self._next(timeout)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


@dataclass(frozen=True)
class RenderProgress:
    done: int
    total: int
    text: str
    ok: bool
    from_cache: bool


class FailureKind(Enum):
    """Whose fault a text that was not rendered is: what a reader needs to act on it."""

    UNAVAILABLE = "no speech engine on this system"
    ENGINE = "speech engine fault: it ran and gave no usable audio, twice"
    WORKER = "speech worker failure: it died, hung or kept failing"
    REFUSED = "refused by the engine: the request itself (e.g. an unknown voice)"
    IO = "could not write the cache file"
    CLOSING = "not attempted: the app is closing"


# The worker's "kind" in a refusal (render_worker.py) -> ours.
_WORKER_KINDS = {"engine": FailureKind.ENGINE, "refused": FailureKind.REFUSED, "io": FailureKind.IO}


@dataclass
class RenderReport:
    total: int = 0
    rendered: int = 0
    cached: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # text -> reason
    kinds: dict[str, FailureKind] = field(default_factory=dict)  # text -> whose fault
    restarts: int = 0
    seconds: float = 0.0
    unavailable: str = ""  # set when no text could be rendered because speech is off
    cancelled: bool = False

    def explain(self) -> str:
        """The failures grouped by kind, one line each: for logs and failing tests."""
        if not self.failed:
            return f"all {self.total} texts rendered"
        lines = [f"{len(self.failed)} of {self.total} texts not rendered:"]
        for kind in FailureKind:
            texts = [t for t in self.failed if self.kinds.get(t, FailureKind.WORKER) is kind]
            for text in texts:
                lines.append(f"  [{kind.value}] {text!r}: {self.failed[text]}")
        return "\n".join(lines)


ProgressCallback = Callable[[RenderProgress], None]


class Renderer:
    """Owns the worker process; safe to call from one background thread at a time."""

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        engine: SpeechEngine | None = None,
        cache: SpeechCache | None = None,
        render_timeout: float = RENDER_TIMEOUT_S,
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        self.settings = settings or VoiceSettings()
        self.engine = engine or detect_engine()
        self.cache = cache or SpeechCache(self.engine.identity)
        self.render_timeout = render_timeout
        self.start_timeout = start_timeout
        self._worker: _WorkerProcess | None = None
        self._lock = threading.Lock()
        self._closing = False

    @property
    def worker_pid(self) -> int | None:
        worker = self._worker
        return worker.process.pid if worker is not None else None

    def _ensure_worker(self) -> _WorkerProcess:
        if self._worker is None or self._worker.process.poll() is not None:
            self._worker = _WorkerProcess(self.start_timeout)
        return self._worker

    def _drop_worker(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def close(self) -> None:
        # A render may hold the lock for a whole batch, waiting on a hung worker for up to
        # its timeout: kill the process first (safe from any thread), so that render fails
        # at once and, seeing _closing, starts no new worker; then the lock comes free.
        self._closing = True
        worker = self._worker
        if worker is not None and worker.process.poll() is None:
            worker.process.kill()  # only the signal: its reader thread sees EOF and says so
        with self._lock:
            self._drop_worker()

    def voices(self) -> list[dict[str, Any]]:
        """The installed voices ({id, name, languages, gender}), asked of the worker."""
        if not self.engine.available:
            return []
        with self._lock:
            try:
                return list(
                    self._ensure_worker().ask({"op": "voices"}, self.render_timeout)["voices"]
                )
            except WorkerFailed:
                self._drop_worker()
                return []

    def render(
        self,
        texts: Iterable[str],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> RenderReport:
        started = time.perf_counter()
        unique = list(dict.fromkeys(t for t in texts if t))
        report = RenderReport(total=len(unique))
        with self._lock:
            if not self.engine.available:
                report.unavailable = self.engine.reason
                return report
            todo = self.cache.missing(unique, self.settings)
            done = 0
            pending = set(todo)
            for text in unique:
                if text not in pending:
                    done += 1
                    report.cached += 1
                    if progress:
                        progress(RenderProgress(done, report.total, text, True, True))
            if todo:
                self.cache.remove_stale_temps()
            for text in todo:
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    break
                ok = self._render_one(text, report)
                done += 1
                if progress:
                    progress(RenderProgress(done, report.total, text, ok, False))
                if report.unavailable:
                    break
        report.seconds = time.perf_counter() - started
        return report

    def _render_one(self, text: str, report: RenderReport) -> bool:
        voice, rate = self.settings.key_fields()
        request = {
            "op": "render",
            "text": text,
            "voice": voice or None,
            "rate": rate,
            "out": str(self.cache.path(text, self.settings)),
        }
        error, kind = "", FailureKind.WORKER
        for attempt in range(1, ATTEMPTS_PER_TEXT + 1):
            if self._closing:
                error, kind = "the app is closing", FailureKind.CLOSING
                break
            if report.restarts > MAX_RESTARTS_PER_BATCH:
                error, kind = "the speech worker keeps failing", FailureKind.WORKER
                break
            try:
                reply = self._ensure_worker().ask(request, self.render_timeout)
            except SpeechUnavailable as exc:
                report.unavailable = str(exc)
                report.failed[text] = str(exc)
                report.kinds[text] = FailureKind.UNAVAILABLE
                return False
            except WorkerFailed as exc:
                error, kind = str(exc), FailureKind.WORKER
                self._drop_worker()
                report.restarts += 1
                continue
            if reply.get("ok"):
                report.rendered += 1
                return True
            error = str(reply.get("error", "unknown error"))
            kind = _WORKER_KINDS.get(str(reply.get("kind")), FailureKind.WORKER)
            if kind is not FailureKind.ENGINE or attempt == ATTEMPTS_PER_TEXT:
                break  # refused, or the disk: trying again would fail again
            self._drop_worker()  # an engine that gave silence once gets a fresh start
            report.restarts += 1
        report.failed[text] = error
        report.kinds[text] = kind
        return False
