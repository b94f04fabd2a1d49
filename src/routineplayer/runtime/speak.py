"""Saying a prompt through an optional speech sink; without one (or if it fails) text is enough."""

from __future__ import annotations

import logging

from routineplayer.core.timeline import CueKind
from routineplayer.runtime.session_driver import CueSink

log = logging.getLogger(__name__)

QUESTION_CHIME = "check"


def say(sink: CueSink | None, text: str, *, chime: str | None = None) -> None:
    if sink is None or not text:
        return
    try:
        # A prompt answers a key just pressed, or asks the next question: what was being
        # said is stale. Queued behind it, it would be dropped as too late
        # (speech.voice_policy), so the answer to a key pressed mid-question went unheard.
        stop = getattr(sink, "stop", None)
        if callable(stop):
            stop()
        sink.play(text, CueKind.ANNOUNCE.priority, chime)
    except Exception:  # the words are on screen too: never let sound stop a prompt
        log.exception("could not say %r", text)
