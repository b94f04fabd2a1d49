"""The speech worker process: one pyttsx3 engine, rendering cue texts to WAV files on request.

Run as ``python -m routineplayer.speech.render_worker``; speaks JSON lines on stdin/stdout
(see renderer.py for the parent side). pyttsx3 lives here, not in the app, because on Linux
it blocks for the whole utterance, keeps state between calls and wants a single thread; a
process of its own can be killed and replaced when it hangs or crashes, which a thread
cannot.

Messages (one JSON object per line):
  worker -> parent, first:  {"hello": true, "driver": ..., "identity": ..., "voices": [...]}
                        or  {"error": ..., "unavailable": true}
  parent -> worker:         {"op": "render", "text": ..., "voice": ..., "rate": ..., "out": ...}
  worker -> parent:         {"ok": true, "seconds": ...}
                        or  {"ok": false, "error": ..., "kind": "engine" | "refused" | "io"}
  parent -> worker:         {"op": "voices"}  ->  {"ok": true, "voices": [...]}

Anything else the worker or its libraries print goes to stderr, which the parent logs.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from routineplayer.speech.availability import detect_engine
from routineplayer.speech.wavtools import (
    AudioFormatError,
    read_audio,
    trim_silence,
    write_wav_atomic,
)

# What the worker has to say goes to stderr as "LEVEL message" lines, which the parent
# re-logs at that level into the app's log (renderer.forward_stderr).
log = logging.getLogger("routineplayer.speech.render_worker")
LOG_FORMAT = "%(levelname)s %(message)s"

SYNTH_TIMEOUT_S = 30.0  # the parent's own timeout (renderer.py) is shorter and wins
# A clip shorter than this share of what its words need at the rate asked for was cut short
# by the engine (a cancelled synthesis), not spoken fast: every built-in cue comes out at
# 0.64 or more of it at 80, 165 and 300 words a minute with espeak-ng 1.51.
MIN_SPOKEN_FRACTION = 0.3


def spoken_words(text: str) -> int:
    """Words a text says, for its plausible length: a lone dash or "..." is none."""
    return sum(1 for word in text.split() if any(c.isalnum() for c in word))


def shortest_plausible_seconds(text: str, rate_wpm: int) -> float:
    """Below this a rendered clip of ``text`` is missing words (0 when it has none)."""
    return MIN_SPOKEN_FRACTION * spoken_words(text) * 60.0 / max(rate_wpm, 1)


class EngineFault(RuntimeError):
    """The engine ran but gave no usable audio: its fault, not the text's."""


class _Engine:
    """The pyttsx3 engine, driven so that its races cannot reach the files it writes.

    pyttsx3 2.99's espeak driver initialises espeak-ng in AUDIO_OUTPUT_RETRIEVAL mode, which
    synthesises on espeak's own thread, and that leaks into every call:
      - ``runAndWait()`` returns as soon as synthesis has *started*; the WAV is written later
        from espeak's thread. So each render waits for the "finished-utterance" notice the
        driver sends after writing the file.
      - ``runAndWait()`` calls the driver's stop(), which cancels synthesis if espeak is
        still busy, e.g. with a voice or rate change it queued a moment before; the driver
        then sends a spurious finished-utterance with completed=False (seen 90 times in 200
        renders, a third of them empty files). So voice and rate are set only when they
        change, espeak is let go idle after that and after every render, and only
        completed=True counts.
      - the text to say is sticky: a ``runAndWait()`` without a new ``save_to_file`` says the
        previous text again. So there is never one.
    """

    def __init__(self, driver: str) -> None:
        import pyttsx3  # here only: importing it is what the app process must avoid

        self.engine = pyttsx3.init(driver)
        self._is_busy = _espeak_busy_probe() if driver == "espeak" else None
        self.engine.runAndWait()  # nothing to say: leaves the command queue live and idle
        self._finished = threading.Event()
        self.engine.connect("finished-utterance", self._on_finished)
        self.default_voice = self.engine.getProperty("voice")
        self._settings: tuple[str, int] | None = None
        self.voices = [
            {
                "id": v.id,
                "name": v.name,
                "languages": [str(lang) for lang in (v.languages or [])],
                "gender": v.gender,
            }
            for v in self.engine.getProperty("voices")
        ]
        self._voice_ids = {v["id"] for v in self.voices}

    def _on_finished(self, name: object = None, completed: bool = True, **_: object) -> None:
        if completed:
            self._finished.set()

    def _wait_idle(self) -> None:
        deadline = time.monotonic() + SYNTH_TIMEOUT_S
        while self._is_busy is not None and self._is_busy() and time.monotonic() < deadline:
            time.sleep(0.001)

    def render(self, text: str, voice: str | None, rate: int, out: Path) -> float:
        if voice and voice not in self._voice_ids:
            # pyttsx3 swallows a bad voice (logs it, keeps the previous one): refuse instead.
            raise ValueError(f"unknown voice {voice!r}")
        settings = (voice or self.default_voice, rate)
        if settings != self._settings:
            self.engine.setProperty("voice", settings[0])
            self.engine.setProperty("rate", settings[1])
            self._settings = settings
        self._wait_idle()
        raw = out.with_name(f".{out.stem}.{os.getpid()}.raw.tmp")
        try:
            self._finished.clear()
            self.engine.save_to_file(text, str(raw))
            self.engine.runAndWait()
            if not self._finished.wait(SYNTH_TIMEOUT_S):
                raise EngineFault("the speech engine did not finish")
            self._wait_idle()
            if not raw.is_file() or raw.stat().st_size == 0:
                raise EngineFault("the speech engine wrote no audio")
            # nsss writes AIFF whatever the name says; espeak and sapi5 write WAV.
            pcm = trim_silence(read_audio(raw))
            if not pcm.samples:
                raise EngineFault("the speech engine produced only silence")
            floor = shortest_plausible_seconds(text, rate)
            if pcm.seconds < floor:
                raise EngineFault(
                    f"the speech engine cut the text short ({pcm.seconds:.2f} s of sound, "
                    f"at least {floor:.2f} s expected)"
                )
            write_wav_atomic(out, pcm)
            return pcm.seconds
        finally:
            raw.unlink(missing_ok=True)


def _espeak_busy_probe() -> Callable[[], bool]:
    """espeak-ng's own "still synthesising" flag (pyttsx3 2.99's binding of it)."""
    from pyttsx3.drivers import _espeak

    return lambda: bool(_espeak.IsPlaying())


def _send(stream: TextIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def serve(requests: TextIO, replies: TextIO) -> int:
    info = detect_engine()
    if not info.available:
        _send(replies, {"error": info.reason, "unavailable": True})
        return 1
    try:
        engine = _Engine(info.driver)
    except Exception as exc:  # any failure to start the engine is reported, not raised
        _send(replies, {"error": f"could not start {info.driver}: {exc}", "unavailable": True})
        return 1
    # The voice list comes with the greeting: a parent that has a worker knows it for free.
    hello = {"hello": True, "driver": info.driver, "identity": info.identity}
    _send(replies, {**hello, "voices": engine.voices})
    log.info("ready: %s (%s), %d voices", info.identity, info.driver, len(engine.voices))
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request.get("op")
        if op == "render":
            try:
                seconds = engine.render(
                    request["text"],
                    request.get("voice"),
                    int(request["rate"]),
                    Path(request["out"]),
                )
                _send(replies, {"ok": True, "seconds": seconds})
            except (EngineFault, AudioFormatError) as exc:  # before ValueError, its base
                log.warning("engine fault on %r: %s", request["text"], exc)
                _send(replies, {"ok": False, "error": str(exc), "kind": "engine"})
            except ValueError as exc:  # the request itself: an unknown voice
                log.warning("refused %r: %s", request["text"], exc)
                _send(replies, {"ok": False, "error": str(exc), "kind": "refused"})
            except (OSError, RuntimeError) as exc:
                log.warning("could not write %s: %s", request["out"], exc)
                _send(replies, {"ok": False, "error": str(exc), "kind": "io"})
        elif op == "voices":
            _send(replies, {"ok": True, "voices": engine.voices})
        else:
            _send(replies, {"ok": False, "error": f"unknown op {op!r}"})
    return 0


def main() -> int:
    # The protocol gets a private copy of stdout; fd 1 itself is pointed at stderr, so that
    # pyttsx3's "Audio saved to ..." prints and any C-level chatter cannot corrupt it.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format=LOG_FORMAT)
    try:
        return serve(sys.stdin, replies)
    except Exception:  # the parent sees it exit and starts another; the log says why
        log.exception("the speech worker failed")
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
