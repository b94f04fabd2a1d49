"""Render cue texts into the cache through the worker process, respawning it when it fails.

The parent side of render_worker.py. Texts are rendered in the order given (callers pass
them in order of first use, e.g. ``Timeline.cue_texts()``), so play can begin as soon as
the first minute's cues exist while the rest are still being rendered. Texts already in
the cache are not sent at all: a warm cache starts no process.

A batch renders with the voice settings it was started with: each ``RenderRequest`` is made
once, from that snapshot, and carries both what the worker is told (voice, rate) and the
cache file it writes. A voice change during a batch therefore cannot file a clip under
the other voice's key; it applies to the next batch.

A worker that dies or does not answer within the timeout is killed and a new one started,
and the text is tried again (``RETRIES_PER_TEXT``); if it still fails it is reported (once)
and skipped, so the player falls back to a chime for it. An engine that answers with no
usable audio (no file, only silence, or a clip far shorter than its words) is treated the
same way, with a fresh engine for each retry: espeak-ng now and then does that to a text
it renders fine the next time. Every failure is kept with its kind (``FailureKind``), so
a report, a log line or a failing test says whose fault it was.

The worker's stderr (its libraries' chatter, a traceback if it crashes) goes to the log.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO, Any

from routineplayer.speech.availability import SpeechEngine, detect_engine
from routineplayer.speech.cache import SpeechCache, VoiceSettings

RENDER_TIMEOUT_S = 10.0  # one text; espeak-ng renders a sentence in ~10 ms here
START_TIMEOUT_S = 30.0  # interpreter + pyttsx3 import on a slow, busy machine
# Fresh workers a text gets after a failed try (died, hung, no usable audio) before it is
# reported and becomes a chime. With one retry, the real-espeak tests still reported "only
# silence" in 3 of about 14 runs under load (issue 13); each retry is a new engine.
RETRIES_PER_TEXT = 2
ATTEMPTS_PER_TEXT = 1 + RETRIES_PER_TEXT
MAX_RESTARTS_PER_BATCH = 5  # workers that died or hung: one that keeps doing so is broken
# Fresh engines a batch spends on clips with no usable audio. Past that the engine is broken,
# not unlucky: its texts still get one try each, but no more fresh engines.
MAX_ENGINE_RETRIES_PER_BATCH = 10
CLOSE_WAIT_S = 0.5  # close(): how long to wait for a render to let go once its worker is killed
VOICES_POLL_S = 0.05  # voices(): how often to look again while a batch holds the worker
FROZEN_WORKER_FLAG = "--speech-render-worker"

log = logging.getLogger(__name__)
worker_log = logging.getLogger("routineplayer.speech.render_worker")
# What in a library's stderr line (not the worker's own, which name their level) makes it
# a warning.
_TROUBLE = re.compile(r"error|warning|traceback|exception|fatal|fail|abort|denied", re.IGNORECASE)
# pyttsx3 prints this after every file it saves: one line per render, nothing to act on.
_ROUTINE_CHATTER = ("Audio saved to ",)
_LEVELS = {
    name: getattr(logging, name) for name in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
}


class WorkerFailed(RuntimeError):
    """The worker died, hung or could not start."""


class SpeechUnavailable(RuntimeError):
    """No speech engine here; the message says what to install."""


def worker_command() -> list[str]:
    if getattr(sys, "frozen", False):  # PyInstaller: no `-m`; the app's main dispatches the flag
        return [sys.executable, FROZEN_WORKER_FLAG]
    return [sys.executable, "-m", "routineplayer.speech.render_worker"]


def forward_stderr(stream: IO[str], pid: int) -> None:
    """Log each line a worker writes to stderr, until it closes; then close the stream.

    The worker's own lines say their level ("WARNING engine fault on ..."). Anything else
    is its libraries' (pyttsx3, espeak-ng): a line that looks like trouble (an error, a
    warning, a traceback and the lines under it) is a WARNING, so the log says why a worker
    died; pyttsx3's notice after every file it saves is DEBUG; the rest is INFO.
    """
    in_traceback = False
    with contextlib.suppress(OSError, ValueError), stream:  # ValueError: closed under us
        for raw in stream:
            line = raw.rstrip()
            if not line:
                continue
            level_name, _, rest = line.partition(" ")
            level = _LEVELS.get(level_name)
            if level is not None:
                line = rest
            elif in_traceback or _TROUBLE.search(line):  # "Traceback (most recent..." too
                level = logging.WARNING
            elif line.startswith(_ROUTINE_CHATTER):
                level = logging.DEBUG
            else:
                level = logging.INFO
            # A traceback runs from its first line through the indented ones to the
            # exception's own line, the first one not indented.
            in_traceback = line.startswith("Traceback ") or (in_traceback and line[:1].isspace())
            worker_log.log(level, "speech worker %d: %s", pid, line)


class _WorkerProcess:
    """One running worker. Reader threads turn its stdout into a queue (for timeouts) and its
    stderr into log lines. Started in two steps, so the renderer can hold (and close() can
    kill) a worker that is still starting: the constructor only spawns it; handshake()
    waits for its greeting."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            worker_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",  # a stray byte in a library's message must not end the reader
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        assert self.process.stderr is not None
        threading.Thread(
            target=forward_stderr,
            args=(self.process.stderr, self.process.pid),
            name="speech-worker-stderr",
            daemon=True,
        ).start()
        threading.Thread(target=self._read, name="speech-worker-reader", daemon=True).start()

    def handshake(self, timeout: float) -> dict[str, Any]:
        """Wait for the greeting; returns it (with the installed voices)."""
        hello = self._next(timeout)
        if "error" in hello:
            if hello.get("unavailable"):
                raise SpeechUnavailable(hello["error"])
            raise WorkerFailed(hello["error"])
        return hello

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        # The reader owns the stream and closes it at EOF: closing it from another thread
        # while this one reads could raise here instead.
        with contextlib.suppress(OSError, ValueError), stdout:
            for line in stdout:
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
        except (BrokenPipeError, OSError, ValueError) as exc:  # ValueError: stdin closed
            raise WorkerFailed(f"the speech worker is gone ({exc})") from exc
        return self._next(timeout)

    def signal_kill(self) -> None:
        """Only the signal, safe from any thread: whoever waits on it sees EOF at once."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()

    def kill(self) -> None:
        self.signal_kill()
        self.process.wait()
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()


@dataclass(frozen=True)
class RenderProgress:
    done: int
    total: int
    text: str
    ok: bool
    from_cache: bool


@dataclass(frozen=True)
class RenderRequest:
    """One text to render, made once from one settings snapshot: what the worker is asked
    for (voice, rate) and the cache file it writes (keyed by the same voice and rate)
    cannot disagree, whatever happens to the renderer's settings meanwhile."""

    text: str
    settings: VoiceSettings
    out: Path

    def message(self) -> dict[str, Any]:
        """The worker's request (render_worker.py)."""
        voice, rate = self.settings.key_fields()
        return {"op": "render", "text": self.text, "voice": voice or None, "rate": rate,
                "out": str(self.out)}  # fmt: skip


class FailureKind(Enum):
    """Whose fault a text that was not rendered is: what a reader needs to act on it."""

    UNAVAILABLE = "no speech engine on this system"
    ENGINE = (
        "speech engine fault: it ran and gave no usable audio (none, silence or cut short), "
        "each time it was tried"
    )
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
    restarts: int = 0  # workers replaced: died, hung, or given no usable audio
    engine_retries: int = 0  # of those, for no usable audio (each rescued or reported)
    seconds: float = 0.0
    unavailable: str = ""  # set when no text could be rendered because speech is off
    cancelled: bool = False
    settings: VoiceSettings | None = None  # what the whole batch was rendered with

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
    """Owns the worker process. render() and voices() block (call them from a background
    thread); close() and ``known_voices`` do not and are safe from any thread."""

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        engine: SpeechEngine | None = None,
        cache: SpeechCache | None = None,
        render_timeout: float = RENDER_TIMEOUT_S,
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        # What a batch renders with when render() is given none. Changing it never touches a
        # batch under way: each batch reads it once, at its start.
        self.settings = settings or VoiceSettings()
        self.engine = engine or detect_engine()
        self.cache = cache or SpeechCache(self.engine.identity)
        self.render_timeout = render_timeout
        self.start_timeout = start_timeout
        self._worker: _WorkerProcess | None = None
        self._lock = threading.Lock()  # one batch (or voices ask) talks to the worker at a time
        self._closing = False
        self._voices: list[dict[str, Any]] | None = None  # set once, from a worker's greeting

    @property
    def worker_pid(self) -> int | None:
        worker = self._worker
        return worker.process.pid if worker is not None else None

    @property
    def known_voices(self) -> list[dict[str, Any]] | None:
        """The installed voices if a worker has said them (never blocks), else None."""
        voices = self._voices
        return None if voices is None else list(voices)

    def request_for(self, text: str, settings: VoiceSettings) -> RenderRequest:
        return RenderRequest(text, settings, self.cache.path(text, settings))

    def _ensure_worker(self) -> _WorkerProcess:
        """The running worker, starting one if needed. Call with the lock held."""
        if self._worker is not None and self._worker.process.poll() is None:
            return self._worker
        self._drop_worker()  # reap a dead one
        if self._closing:
            raise WorkerFailed("the app is closing")
        # Held before its greeting, so close() can kill a worker that is still starting;
        # and close() may have looked just before it was held: look again after.
        worker = self._worker = _WorkerProcess()
        if self._closing:
            worker.signal_kill()
        try:
            hello = worker.handshake(self.start_timeout)
        except (WorkerFailed, SpeechUnavailable):
            self._drop_worker()
            raise
        voices = hello.get("voices")
        if isinstance(voices, list) and self._voices is None:
            self._voices = voices
        return worker

    def _drop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.kill()

    def close(self, wait: float = CLOSE_WAIT_S) -> None:
        """Stop for good: kill the worker first, then wait up to ``wait`` for a render to let go.

        A render may be waiting on a hung worker for up to its timeout. Killing the process
        (safe from any thread) makes that wait end at once; seeing ``_closing``, the render
        starts no new worker and reaps the old one itself if this gives up waiting first.
        """
        self._closing = True
        worker = self._worker
        if worker is not None:
            worker.signal_kill()
        if self._lock.acquire(timeout=wait):
            try:
                self._drop_worker()
            finally:
                self._lock.release()

    def voices(self) -> list[dict[str, Any]]:
        """The installed voices ({id, name, languages, gender}); blocks until a worker has
        said them (starting one if need be), so call it off the GUI thread. Known once, then
        kept. Empty when speech is off or the worker fails; not kept then, so asked again."""
        if not self.engine.available:
            return []
        # A batch may hold the lock for a long time, but its worker's greeting carries the
        # list: look for it now and then rather than wait for the whole batch.
        while self._voices is None and not self._closing:
            if not self._lock.acquire(timeout=VOICES_POLL_S):
                continue
            try:
                if self._voices is None and not self._closing:
                    self._ensure_worker()  # its greeting carries the list
                break
            except (WorkerFailed, SpeechUnavailable) as exc:
                if not self._closing:  # closing kills the worker on purpose
                    log.warning("could not list the installed voices: %s", exc)
                self._drop_worker()
                return []
            finally:
                if self._closing:
                    self._drop_worker()
                self._lock.release()
        return list(self._voices or [])

    def render(
        self,
        texts: Iterable[str],
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        settings: VoiceSettings | None = None,
    ) -> RenderReport:
        """Render ``texts`` (in this order) with ``settings``, or the renderer's settings as
        they are now; either way the whole batch uses that one snapshot."""
        settings = self.settings if settings is None else settings  # read once, here
        started = time.perf_counter()
        unique = list(dict.fromkeys(t for t in texts if t))
        report = RenderReport(total=len(unique), settings=settings)
        with self._lock:
            try:
                self._render_batch(unique, settings, report, progress, cancel)
            finally:
                if self._closing:  # close() may have given up waiting: reap its kill here
                    self._drop_worker()
        report.seconds = time.perf_counter() - started
        return report

    def _render_batch(
        self,
        unique: list[str],
        settings: VoiceSettings,
        report: RenderReport,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        if not self.engine.available:
            report.unavailable = self.engine.reason
            return
        todo = self.cache.missing(unique, settings)
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
            ok = self._render_one(self.request_for(text, settings), report)
            done += 1
            if progress:
                progress(RenderProgress(done, report.total, text, ok, False))
            if report.unavailable:
                break

    def _render_one(self, request: RenderRequest, report: RenderReport) -> bool:
        text, message = request.text, request.message()
        error, kind = "", FailureKind.WORKER
        for attempt in range(1, ATTEMPTS_PER_TEXT + 1):
            if self._closing:
                error, kind = "the app is closing", FailureKind.CLOSING
                break
            if report.restarts - report.engine_retries > MAX_RESTARTS_PER_BATCH:
                error, kind = "the speech worker keeps failing", FailureKind.WORKER
                break
            try:
                reply = self._ensure_worker().ask(message, self.render_timeout)
            except SpeechUnavailable as exc:
                report.unavailable = str(exc)
                report.failed[text] = str(exc)
                report.kinds[text] = FailureKind.UNAVAILABLE
                return False
            except WorkerFailed as exc:
                error, kind = str(exc), FailureKind.WORKER
                if self._closing:  # killed on purpose: not the worker's fault
                    error, kind = "the app is closing", FailureKind.CLOSING
                    break
                self._drop_worker()
                report.restarts += 1
                continue
            if reply.get("ok"):
                report.rendered += 1
                return True
            error = str(reply.get("error", "unknown error"))
            kind = _WORKER_KINDS.get(str(reply.get("kind")), FailureKind.WORKER)
            if kind is not FailureKind.ENGINE:
                break  # refused, or the disk: trying again would fail again
            if (
                attempt == ATTEMPTS_PER_TEXT
                or report.engine_retries >= MAX_ENGINE_RETRIES_PER_BATCH
            ):
                break
            log.info("speech engine fault on %r (%s); trying a fresh engine", text, error)
            self._drop_worker()  # no usable audio: a fresh engine, and another try
            report.restarts += 1
            report.engine_retries += 1
        report.failed[text] = error
        report.kinds[text] = kind
        return False
