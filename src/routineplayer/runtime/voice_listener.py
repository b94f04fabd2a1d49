"""Spoken answers: the microphone's audio through a Recogniser on a worker thread.

The GUI thread only routes audio: while the listener is *open* (a moment is set and it is
not muted) each chunk is queued to the worker with the current *generation* and moment;
otherwise it is dropped there and never reaches the recogniser. Every change of what is
listened for (a new moment, ``listen(None)``, mute or unmute) starts a new generation. The
worker, on seeing a chunk of a new generation, first ends whatever utterance the recogniser
had open and throws it away, so an answer is never made of audio from both sides of a mute
(our own voice) or of two moments. A result that comes back from an older generation, or
while the listener is not open, is dropped on the GUI thread: decoding lags by a chunk or
two, and an utterance decided just after a mute must not become an answer.

The Recogniser is made once, on the worker thread (0.1-1 s), and reused.

The microphone is started by the first ``listen(moment)`` and runs until ``close()``, also
between moments: opening a device takes 0.2-1.2 s before its first chunk, which would cut
off the start of an answer said as soon as the question ends. No audio is kept either way
(see runtime/microphone.py), and nothing is decoded while not listening. If the microphone
or the recogniser fails, ``failed`` says so once, listening stays off, and answers are by
keys only for the rest of the listener's life: no retry, so no stream of failure lines.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from routineplayer.core.voice_answers import Moment
from routineplayer.runtime.microphone import RATE, Microphone
from routineplayer.speech.recogniser import MODES, Heard, Recogniser

log = logging.getLogger(__name__)

RESET_SILENCE_S = 0.5  # fed after a discarded utterance: clears the endpointer's history
STOP_WAIT_MS = 10_000  # the worker may be inside Recogniser() (up to ~1 s under load)


class _Worker(QObject):
    """Lives on the listener's thread: owns the Recogniser."""

    heard = Signal(object, int)  # Heard, generation
    failed = Signal(str)

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode
        self.recogniser: Recogniser | None = None
        self._generation = -1
        self._broken = False

    @Slot()
    def begin(self) -> None:
        try:
            self.recogniser = Recogniser(Moment.CHECK, self.mode)
        except Exception as exc:  # pocketsphinx missing or its model broken
            log.exception("voice listener: the recogniser did not start")
            self._broken = True
            self.failed.emit(f"Spoken answers could not start ({exc}): answers by keys only.")

    @Slot(object, int, object)
    def feed(self, pcm: bytes, generation: int, moment: Moment) -> None:
        recogniser = self.recogniser
        if recogniser is None or self._broken:
            return
        try:
            if generation != self._generation:
                self._generation = generation
                recogniser.flush()  # an utterance from before: never an answer
                recogniser.feed(bytes(int(RESET_SILENCE_S * RATE) * 2))
                recogniser.set_moment(moment)
            for heard in recogniser.feed(pcm):
                self.heard.emit(heard, generation)
        except Exception as exc:  # never let one bad chunk end listening silently
            log.exception("voice listener: decoding failed")
            self._broken = True
            self.failed.emit(f"Spoken answers stopped ({exc}): answers by keys only.")

    @Slot()
    def finish(self) -> None:
        """Close the recogniser here, then hand this object back to the main thread (so it
        is destroyed there) and end the thread."""
        if self.recogniser is not None:
            self.recogniser.close()
            self.recogniser = None
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())
        thread = QThread.currentThread()
        thread.quit()


class VoiceListener(QObject):
    """Turns what the microphone hears into ``Heard`` results, only while open."""

    heard = Signal(object)  # Heard, only those heard while open
    listening_changed = Signal(bool)  # mic open, a moment set and not muted
    failed = Signal(str)  # from the microphone or the recogniser, once

    _to_worker = Signal(object, int, object)  # pcm, generation, moment
    _finish = Signal()

    def __init__(
        self, microphone: Microphone, *, mode: str = "jsgf", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.microphone = microphone
        self._moment: Moment | None = None
        self._muted = False
        self._closed = False
        self._failed = False
        self._generation = 0
        self._listening = False
        self._thread = QThread()
        self._thread.setObjectName("voice-listener")
        self._worker = _Worker(mode)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.begin)
        self._to_worker.connect(self._worker.feed)
        self._finish.connect(self._worker.finish)
        self._worker.heard.connect(self._on_heard)
        self._worker.failed.connect(self._on_failed)
        microphone.audio.connect(self._on_audio)
        microphone.failed.connect(self._on_failed)
        self._thread.start()

    @property
    def listening(self) -> bool:
        return self._listening

    def listen(self, moment: Moment | None) -> None:
        """Listen for ``moment``'s phrases from now on; None: stop listening."""
        if self._closed or moment == self._moment:
            return
        self._moment = moment
        self._generation += 1
        if moment is not None and not self._failed and not self.microphone.active:
            self.microphone.start()  # on failure, failed arrives through _on_failed
        self._update()

    def mute(self, muted: bool) -> None:
        """True while the app's own voice plays: its audio is dropped, and an utterance in
        progress is discarded."""
        if self._closed or muted == self._muted:
            return
        self._muted = muted
        self._generation += 1
        self._update()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._generation += 1
        self.microphone.audio.disconnect(self._on_audio)
        self.microphone.failed.disconnect(self._on_failed)
        self.microphone.stop()
        if self._thread.isRunning():
            self._finish.emit()
            if not self._thread.wait(STOP_WAIT_MS):
                log.warning("voice listener: the worker did not stop in time")
        self._update()

    def _is_open(self) -> bool:
        return (
            not self._closed
            and not self._muted
            and self._moment is not None
            and self.microphone.active
        )

    def _update(self) -> None:
        listening = self._is_open()
        if listening != self._listening:
            self._listening = listening
            self.listening_changed.emit(listening)

    @Slot(bytes)
    def _on_audio(self, pcm: bytes) -> None:
        if self._is_open():
            self._to_worker.emit(pcm, self._generation, self._moment)

    @Slot(object, int)
    def _on_heard(self, heard: Heard, generation: int) -> None:
        if generation == self._generation and self._is_open():
            self.heard.emit(heard)

    @Slot(str)
    def _on_failed(self, line: str) -> None:
        self._generation += 1
        if not self._failed:
            self._failed = True
            self.microphone.stop()
            self.failed.emit(line)
        self._update()
