"""Offline recognition of spoken answers: pocketsphinx on 16 kHz mono audio, one small
grammar per moment (core.voice_answers). Nothing is downloaded, nothing leaves the process,
and no audio is kept: each utterance is decoded and dropped.

The stream is cut into utterances by speech/utterance_cutter.py (voice activity and a level
above the room's, so an answer ends with the word even under steady noise); each is
decoded with the moment's grammar as it goes, and is an answer only if the whole utterance
is exactly one of the moment's phrases, and *sure* if its score is near a free phone loop's
on the same audio (SURE_RATIO). Two more rules:

- An utterance longer than MAX_UTTERANCE_S is not an answer: answers are one or two words,
  while a cue or a conversation is a sentence.
- A digital silence floor: audio that is exactly zero between words (a virtual microphone,
  synthetic test speech) starves pocketsphinx's noise and feature normalisation, and short
  words then decode as nothing or as another number (measured: pain words 46 % right on
  espeak-ng speech with zero silence, 90 % with the floor). So a constant noise floor at
  about -54 dBFS, below any real microphone's own, is added to every sample.

Two search modes, chosen by measurement (bench/bench_voice_answers.py): "jsgf" (the
default) decodes each utterance against a grammar of exactly the moment's phrases; "kws"
spots the phrases as keywords, and heard almost nothing right at one threshold.
"""

from __future__ import annotations

import array
import math
import random
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pocketsphinx import Decoder, get_model_path

from routineplayer.core.voice_answers import Moment, VoiceAnswer, answer_for, jsgf, phrases
from routineplayer.speech.utterance_cutter import UtteranceCutter

SAMPLE_RATE = 16000
# From the first frame kept before the word (300 ms) to its end. Measured on the corpus: the
# longest right answer 1.59 s ("carry on" at 130 words a minute); babble and the cues run
# longer. 2.0 s leaves a slow speaker 0.4 s to spare.
MAX_UTTERANCE_S = 2.0
FLOOR_AMPLITUDE = 128  # uniform noise of +-128 (about -54 dBFS RMS): see the docstring
KWS_THRESHOLD = "1e-20"
MODES = ("jsgf", "kws")
# Confidence: how much worse the grammar's best path scores than a free phone loop over the
# same utterance, per 10 ms frame (natural log). A word of the grammar that was really said
# scores near the phone loop; a sound forced onto a phrase tends to score below it. Measured
# on bench/bench_voice_answers.py's corpus (ROUTINEPLAYER_VOICE_DUMP), at -0.0025: 98 % of
# right answers are sure, half of the answers heard in the negatives are not, but only 6 %
# of the wrong answers (one answer word heard as another scores like the right one).
# A weak signal: it turns some false answers into "Sorry, was that yes or no?".
SURE_RATIO = -0.0025
_PHONES = "phones"


@dataclass(frozen=True)
class Heard:
    """One utterance the cutter closed, and what it means at the moment it was heard."""

    answer: VoiceAnswer | None  # None: not an answer (another word, too long, nothing)
    text: str  # the recogniser's hypothesis ("" if none)
    confidence: float  # per-frame log ratio of the grammar's path to a free phone loop (<= ~0)
    start_s: float  # speech start, seconds into the stream
    end_s: float  # speech end
    decided_s: float  # where in the stream it was decided (the end, plus the cutter's wait)
    sure: bool = True  # False: an answer, but it may be a mishearing: ask again


class Recogniser:
    """Feed 16 kHz mono signed 16-bit little-endian audio; get each utterance as it ends."""

    def __init__(self, moment: Moment, mode: str = "jsgf") -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.mode = mode
        self._decoder = Decoder(lm=None, loglevel="FATAL")
        self._kws_dir = tempfile.TemporaryDirectory(prefix="routineplayer-kws-")
        for each in Moment:
            self._add_search(each)
        self._decoder.add_allphone_file(_PHONES, str(Path(get_model_path()) / "en-us-phone.lm.bin"))
        self._utterance = bytearray()  # this utterance's audio, decoded twice, then dropped
        self._endpointer = UtteranceCutter(SAMPLE_RATE)
        self._frame_bytes: int = self._endpointer.frame_bytes
        self._pending = b""
        self._fed_samples = 0
        self._utterance_start: float | None = None
        self._floor = _noise_floor(SAMPLE_RATE, FLOOR_AMPLITUDE)
        self._floor_at = 0
        self.moment = moment
        self.set_moment(moment)

    def _add_search(self, moment: Moment) -> None:
        name = moment.value
        if self.mode == "jsgf":
            self._decoder.add_jsgf_string(name, jsgf(moment))
            return
        keyfile = Path(self._kws_dir.name) / f"{name}.kws"
        lines = [f"{p} /{KWS_THRESHOLD}/" for p in phrases(moment)]
        keyfile.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self._decoder.add_kws(name, str(keyfile))

    def set_moment(self, moment: Moment) -> None:
        """Listen for ``moment``'s phrases from the next utterance on."""
        self.moment = moment
        if self._utterance_start is None:
            self._decoder.activate_search(moment.value)

    def feed(self, pcm: bytes) -> list[Heard]:
        heard: list[Heard] = []
        data = self._pending + pcm
        size = self._frame_bytes
        whole = len(data) - len(data) % size
        self._pending = data[whole:]
        for at in range(0, whole, size):
            frame = self._with_floor(data[at : at + size])
            self._fed_samples += size // 2
            was_in_speech = self._endpointer.in_speech
            speech = self._endpointer.process(frame)
            if speech is None:
                continue
            if not was_in_speech:
                self._decoder.activate_search(self.moment.value)
                self._decoder.start_utt()
                self._utterance_start = float(self._endpointer.speech_start)
                self._utterance.clear()
            self._decoder.process_raw(speech, False, False)
            self._utterance += speech
            if not self._endpointer.in_speech:
                heard.append(self._close(float(self._endpointer.speech_end)))
        return heard

    def flush(self) -> list[Heard]:
        """The end of the stream: close an utterance still open."""
        last = self._pending.ljust(self._frame_bytes, b"\0")  # it takes one whole frame
        self._pending = b""
        speech = self._endpointer.end_stream(self._with_floor(last))
        if self._utterance_start is None:
            return []
        if speech:
            self._decoder.process_raw(speech, False, False)
            self._utterance += speech
        return [self._close(float(self._endpointer.speech_end))]

    def close(self) -> None:
        self._kws_dir.cleanup()

    def _close(self, end: float) -> Heard:
        self._decoder.end_utt()
        start = self._utterance_start if self._utterance_start is not None else end
        self._utterance_start = None
        hyp = self._decoder.hyp()
        text = " ".join((hyp.hypstr if hyp is not None else "").split())
        answer = None
        if end - start <= MAX_UTTERANCE_S:
            answer = answer_for(text, self.moment)
        confidence = -math.inf
        if answer is not None and hyp is not None:
            confidence = self._against_phones(_log(hyp.score))
        self._utterance.clear()
        decided = self._fed_samples / SAMPLE_RATE
        return Heard(answer, text, confidence, start, end, decided, confidence >= SURE_RATIO)

    def _against_phones(self, grammar_score: float) -> float:
        """The grammar's score against the phone loop's on the same audio, per frame."""
        decoder = self._decoder
        frames = max(1, len(self._utterance) // 320)  # 10 ms frames of 16-bit samples
        decoder.activate_search(_PHONES)
        decoder.start_utt()
        decoder.process_raw(bytes(self._utterance), False, True)
        decoder.end_utt()
        phones = decoder.hyp()
        decoder.activate_search(self.moment.value)
        loop_score = _log(phones.score) if phones is not None else -math.inf
        if not math.isfinite(loop_score):
            return -math.inf
        return (grammar_score - loop_score) / frames

    def _with_floor(self, frame: bytes) -> bytes:
        samples = array.array("h")
        samples.frombytes(frame)
        floor, at, n = self._floor, self._floor_at, len(self._floor)
        for i, value in enumerate(samples):
            mixed = value + floor[(at + i) % n]
            samples[i] = 32767 if mixed > 32767 else -32768 if mixed < -32768 else mixed
        self._floor_at = (at + len(samples)) % n
        return samples.tobytes()


def _log(score: float) -> float:
    # pocketsphinx hands scores back out of its log domain; a very poor path underflows to 0.
    return math.log(score) if score > 0 else -math.inf


def _noise_floor(samples: int, amplitude: int) -> array.array[int]:
    rnd = random.Random(0x5EED)  # the same floor every run: results do not vary by chance
    return array.array("h", (rnd.randint(-amplitude, amplitude) for _ in range(samples)))
