"""The speech worker process: one pyttsx3 engine, rendering cue texts to WAV files on request.

Run as ``python -m routineplayer.speech.render_worker``; speaks JSON lines on stdin/stdout
(see renderer.py for the parent side). pyttsx3 lives here, not in the app, because on Linux
it blocks for the whole utterance, keeps state between calls and wants a single thread; a
process of its own can be killed and replaced when it hangs or crashes, which a thread
cannot.

Messages (one JSON object per line):
  worker -> parent, first:  {"hello": true, "driver": ..., "voices": [...]}  or  {"error": ...}
  parent -> worker:         {"op": "render", "text": ..., "voice": ..., "rate": ..., "out": ...}
  worker -> parent:         {"ok": true, "seconds": ...}  or  {"ok": false, "error": ...}
  parent -> worker:         {"op": "voices"}  ->  {"ok": true, "voices": [...]}
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

from routineplayer.speech.availability import detect_engine
from routineplayer.speech.wavtools import (
    AudioFormatError,
    read_audio,
    trim_silence,
    write_wav_atomic,
)

SYNTH_TIMEOUT_S = 30.0  # the parent's own timeout (renderer.py) is shorter and wins


class _Engine:
    """The pyttsx3 engine, with the state it leaks between calls reset on every render.

    pyttsx3 2.99's espeak driver initialises espeak-ng in AUDIO_OUTPUT_RETRIEVAL mode, which
    synthesises on espeak's own thread: ``runAndWait()`` returns as soon as synthesis has
    *started*, and the WAV is written later from that thread. Reading the file right away
    gave empty or cut-off cues, and the next text could clear the buffer of the one still
    being written. So every render waits for pyttsx3's "finished-utterance" notification,
    which the driver sends after it has written and closed the file.
    """

    def __init__(self, driver: str) -> None:
        import pyttsx3  # here only: importing it is what the app process must avoid

        self.engine = pyttsx3.init(driver)
        self._finished = threading.Event()
        self.engine.connect("finished-utterance", lambda **_: self._finished.set())
        self.default_voice = self.engine.getProperty("voice")
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

    def render(self, text: str, voice: str | None, rate: int, out: Path) -> float:
        if voice and voice not in self._voice_ids:
            # pyttsx3 swallows a bad voice (logs it, keeps the previous one): refuse instead.
            raise ValueError(f"unknown voice {voice!r}")
        # Voice and rate are set on every call: the engine keeps whatever the last call set.
        self.engine.setProperty("voice", voice or self.default_voice)
        self.engine.setProperty("rate", rate)
        raw = out.with_name(f".{out.stem}.{os.getpid()}.raw.tmp")
        try:
            self._finished.clear()
            self.engine.save_to_file(text, str(raw))
            self.engine.runAndWait()
            if not self._finished.wait(SYNTH_TIMEOUT_S):
                raise RuntimeError("the speech engine did not finish")
            if not raw.is_file() or raw.stat().st_size == 0:
                raise RuntimeError("the speech engine wrote no audio")
            # nsss writes AIFF whatever the name says; espeak and sapi5 write WAV.
            pcm = trim_silence(read_audio(raw))
            if not pcm.samples:
                raise RuntimeError("the speech engine produced only silence")
            write_wav_atomic(out, pcm)
            return pcm.seconds
        finally:
            raw.unlink(missing_ok=True)


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
    _send(replies, {"hello": True, "driver": info.driver, "identity": info.identity})
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
            except (OSError, RuntimeError, ValueError, AudioFormatError) as exc:
                _send(replies, {"ok": False, "error": str(exc)})
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
    return serve(sys.stdin, replies)


if __name__ == "__main__":
    raise SystemExit(main())
