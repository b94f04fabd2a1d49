"""Cutting a microphone's stream into utterances: where a spoken answer starts and ends.

pocketsphinx's own Endpointer ends an utterance when its voice-activity detector has heard
no speech for most of a window. In a room with steady noise (a fan, traffic) at 10-20 dB
under the voice, that detector takes the noise for speech, so the utterance ran on until
the noise stopped: measured, answers were decided ~1.5 s after the word (p95), and under
noise that never stops, never (bench/bench_voice_answers.py).

Here a frame is *active* when the detector calls it speech **and** it is louder than the
room by MARGIN_DB, the room being the quietest frame of the last FLOOR_S. An utterance
starts with START_ACTIVE active frames among the last START_WINDOW (so one click is not a
word), taking PRE_ROLL frames before it (the soft start of "four"), and ends after
END_QUIET frames that are not active: 240 ms after the word, in noise as in quiet.

Same interface as pocketsphinx.Endpointer (frame_bytes, process, end_stream, in_speech,
speech_start, speech_end), so the recogniser does not care which it has.
"""

from __future__ import annotations

from collections import deque

from pocketsphinx import Vad

from routineplayer.speech.wavtools import level_dbfs

MARGIN_DB = 8.0  # a word is this much louder than the room (at 10 dB SNR: 2 dB to spare)
FLOOR_S = 1.0  # the room is the quietest frame of this long
START_ACTIVE = 3  # active frames among the last START_WINDOW to start an utterance
START_WINDOW = 5
PRE_ROLL = 10  # frames kept before the start (300 ms): a word's soft beginning
END_QUIET = 8  # frames not active that end an utterance (240 ms)


class UtteranceCutter:
    def __init__(self, sample_rate: int = 16000) -> None:
        self._vad = Vad(sample_rate=sample_rate)
        self.sample_rate = sample_rate
        self.frame_bytes: int = self._vad.frame_bytes
        self.frame_length: float = self._vad.frame_length
        self.in_speech = False
        self.speech_start = 0.0
        self.speech_end = 0.0
        self._frames = 0  # frames seen
        self._levels: deque[float] = deque(maxlen=max(1, round(FLOOR_S / self.frame_length)))
        self._before: deque[bytes] = deque(maxlen=PRE_ROLL)
        self._recent: deque[bool] = deque(maxlen=START_WINDOW)
        self._quiet = 0

    def process(self, frame: bytes) -> bytes | None:
        """One frame in; the speech to decode out (None outside an utterance). After the
        frame that ends an utterance, ``in_speech`` is False and ``speech_end`` is set."""
        at = self._frames * self.frame_length
        self._frames += 1
        level = level_dbfs(frame)
        self._levels.append(level)
        active = level >= min(self._levels) + MARGIN_DB and bool(self._vad.is_speech(frame))
        if not self.in_speech:
            self._before.append(frame)
            self._recent.append(active)
            if sum(self._recent) < START_ACTIVE:
                return None
            self.in_speech = True
            self._quiet = 0
            self.speech_start = at - (len(self._before) - 1) * self.frame_length
            self.speech_end = at + self.frame_length
            speech = b"".join(self._before)
            self._before.clear()
            self._recent.clear()
            return speech
        if active:
            self._quiet = 0
            self.speech_end = at + self.frame_length
        else:
            self._quiet += 1
            if self._quiet >= END_QUIET:
                self.in_speech = False
        return frame

    def end_stream(self, frame: bytes) -> bytes | None:
        """The last (padded) frame of the stream: an utterance still open ends with it."""
        speech = self.process(frame)
        was = speech is not None
        self.in_speech = False
        return speech if was else None
