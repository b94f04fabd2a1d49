"""Synthetic test utterances for spoken answers: what bench_voice_answers.py feeds the recogniser.

Every clip is 16 kHz mono signed 16-bit little-endian PCM (what speech/recogniser.py takes),
with PAD_BEFORE_S of silence before the sound and PAD_AFTER_S after it (in the noisy
conditions the noise runs through the padding too, as a room's would).

Answers: every phrase of core/voice_answers.py (yes/no at Moment.CHECK, "zero".."ten" and
"skip" at Moment.PAIN, the play commands at Moment.PLAY), said by espeak-ng in VOICES (voice +
variant) at RATES_WPM, each in CONDITIONS:

- clean: espeak-ng's WAV through sox (normalised to -6 dBFS peak, resampled to 16 kHz with
  ``rate -h``), leading and trailing silence cut at SPEECH_THRESHOLD_DB below the peak, then
  padded. The speech's start and end (the labels) are the first and last sample above that
  threshold, plus the padding.
- snr20, snr10: the clean clip plus pink noise made by sox (``synth pinknoise``, -R so it is
  the same on every run; each clip takes its own stretch of a 60 s bed), scaled so that
  20·log10(rms(speech) / rms(noise)) is exactly 20 or 10 dB, both RMS taken over the
  speech span of the clean clip (start to end label): computed, not set by ear.
- reverb: the clean clip through sox ``reverb`` (REVERB: 50 % reverberance, 50 % HF damping,
  85 % room scale, 15 ms pre-delay, dry and wet mixed), normalised to -6 dBFS peak again.
  The reverb tail rings into the trailing padding; the end label stays the dry speech's end.

Negatives (expected: no answer at all), each given once per Moment (same audio):

- silence: digital silence.
- noise: sox pink, brown and white noise alone at several levels, and a quiet room (pink at
  -55 dBFS RMS).
- cough: bursts made by sox: pink noise band-limited by ``sinc`` to 200-3500 Hz, plus (10 dB
  under it) a sawtooth at 120-170 Hz low-passed at 1.5 kHz for the voiced rasp, both with
  a 4 ms attack and a quarter-sine decay over the rest of 0.2-0.35 s (``fade q``), added
  and normalised to -6 dBFS peak; one variant coughs twice, 0.15 s apart.
- clap: bursts made by sox: white noise band-limited to 600-7000 Hz, 1.5 ms attack and a
  logarithmic decay over the rest of 0.12-0.15 s (``fade l``), -6 dBFS peak; one, two or
  three claps 0.3 s apart.
- words: other words and phrases said by espeak-ng (NEGATIVE_WORDS; some sound like answers:
  "yesterday", "nobody", "seventeen", "carrot").
- cue: the app's own spoken cues (every cue text of the built-in routine full-session),
  rendered by espeak-ng in the app's default voice and rate.

``session_audio`` lays the full-session cue audio (speech and chimes) out at the cue times of
its timeline, then appends noise: a pink bed, babble (non-answer phrases in several voices,
overlapping, at low level) and claps/coughs: for false answers per hour.

Everything rendered is cached under ``user_cache_dir()/voice-corpus`` (or a folder passed
in), one raw file per recipe, keyed by a hash of the recipe (texts, voices, rates, levels,
effect parameters, the espeak-ng and sox versions, FORMAT): a second run reads files only.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from routineplayer.core import paths
from routineplayer.core.voice_answers import Moment, VoiceAnswer, own_phrases

FORMAT = 1  # bump when the way any clip is made changes
RATE = 16000
PAD_BEFORE_S = 0.5
PAD_AFTER_S = 1.0
SPEECH_THRESHOLD_DB = -40.0  # below the clip's peak: where speech starts and ends
PEAK_DBFS = -6.0  # speech is normalised to this peak
FULL_SCALE = 32768.0

VOICES = (
    "en-us",
    "en-gb",
    "en-gb-x-rp",
    "en-us+f3",
    "en-gb+m3",
    "en-us+f5",
    "en-029",
    "en-gb-scotland",
    "en-gb-x-gbcwmd+f4",
    "en-us-nyc+m5",
)
SHORT_VOICES = ("en-us", "en-gb+f3")
RATES_WPM = (130, 165, 200)
SHORT_RATES_WPM = (165,)
CONDITIONS = ("clean", "snr20", "snr10", "reverb")
SNR_DB = {"snr20": 20.0, "snr10": 10.0}
REVERB = ("reverb", "50", "50", "85", "100", "15", "0")
SHORT_PHRASES = ("yes", "no", "zero", "three", "seven", "ten", "skip", "pause", "carry on")

APP_VOICE = "en"  # espeak-ng's default voice, which the app speaks with unless told
APP_RATE_WPM = 165  # speech/cache.py VoiceSettings.rate

NEGATIVE_KINDS = ("silence", "noise", "cough", "clap", "words", "cue")
NEGATIVE_WORDS = (
    "hello",
    "what time is it",
    "maybe later",
    "the weather is nice",
    "yesterday",
    "seventeen",
    "nobody",
    "carrot",
    "okay",
    "thank you",
    "hang on a minute",
    "where are my keys",
    "forty",
    "tennis",
)
SHORT_NEGATIVE_WORDS = ("hello", "yesterday", "seventeen", "nobody")
NEGATIVE_VOICES = ("en-us", "en-gb+f3", "en-029", "en-gb-scotland")
SHORT_NEGATIVE_VOICES = ("en-us",)
SHORT_CUES = 3  # the first cue texts, and the check question
BABBLE = (
    *NEGATIVE_WORDS,
    "did you see the game last night",
    "I will put the kettle on",
    "can you pass me that",
    "the bus was late again this morning",
    "we should go for a walk later",
    "have you fed the cat",
    "turn the music down a bit",
    "I think it might rain",
    "dinner is almost ready",
    "where did I leave my phone",
    "that sounds like a good idea",
    "I am going to the shops",
)
BABBLE_VOICES = ("en-gb", "en-us+f3", "en-029", "en-us+f5")
SHORT_BABBLE = 8

# session_audio levels, dBFS RMS (speech is about -20 dBFS RMS at a -6 dBFS peak)
CUE_FLOOR_DBFS = -55.0  # a quiet room under the app's cues
NOISE_BED_DBFS = -45.0  # pink noise under the babble
BABBLE_DBFS = (-38.0, -28.0)  # each babble phrase, uniformly between
BABBLE_GAP_S = 1.2  # mean time between babble onsets (exponential): 2-3 talkers overlap
BURST_GAP_S = (20.0, 60.0)  # between claps/coughs
BURST_PEAK_DBFS = (-12.0, -3.0)
SHORT_CUE_SECONDS = 120.0

_T = TypeVar("_T")
_R = TypeVar("_R")
Int16 = npt.NDArray[np.int16]
Float = npt.NDArray[np.float64]
Recipe = Mapping[str, Any]


@dataclass(frozen=True)
class Clip:
    """One test utterance (or non-utterance) and what the recogniser should make of it."""

    name: str  # unique in a corpus, e.g. "yes/en-us/165/snr10" or "cue:12/check"
    path: Path  # raw PCM, 16 kHz mono s16le
    moment: Moment
    expected: VoiceAnswer | None  # None: a negative, nothing may be answered
    kind: str  # "answer", or one of NEGATIVE_KINDS
    condition: str  # one of CONDITIONS (negatives: "clean")
    text: str = ""  # what was said ("" for no speech)
    voice: str | None = None
    rate_wpm: int | None = None
    sound_start_s: float | None = None  # speech (or cough, clap) start, seconds into the clip
    speech_end_s: float | None = None  # ... and end; None when there is nothing to hear

    def pcm(self) -> bytes:
        return self.path.read_bytes()

    def samples(self) -> Int16:
        return np.fromfile(self.path, dtype="<i2").astype(np.int16)

    @property
    def seconds(self) -> float:
        return self.path.stat().st_size / 2 / RATE


def default_cache_dir() -> Path:
    return paths.user_cache_dir() / "voice-corpus"


# -- tools and the cache -----------------------------------------------------------------------


def _need(command: str) -> str:
    found = shutil.which(command)
    if found is None:
        raise RuntimeError(f"{command} is not installed (Debian package {command})")
    return found


@cache
def tool_versions() -> str:
    """espeak-ng's and sox's version lines: part of every cache key."""
    lines = []
    for command in ("espeak-ng", "sox"):
        out = subprocess.run(
            [_need(command), "--version"], capture_output=True, text=True, check=True
        ).stdout
        lines.append(out.strip().splitlines()[0] if out.strip() else command)
    return " | ".join(lines)


_RAW = ["-t", "raw", "-r", str(RATE), "-e", "signed-integer", "-b", "16", "-c", "1", "-L"]


def _sox(args: Sequence[str], stdin: bytes | None = None) -> bytes:
    """Run sox quietly and repeatably (-R: its noise and dither are the same every run)."""
    result = subprocess.run(
        [_need("sox"), "-V1", "-R", *args], input=stdin, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"sox {' '.join(args)} failed: {result.stderr.decode(errors='replace')}")
    return result.stdout


def _raw_from_sox(args: Sequence[str], stdin: bytes | None = None) -> Int16:
    """sox's raw 16 kHz s16le output as samples."""
    return np.frombuffer(_sox(args, stdin), dtype="<i2").astype(np.int16)


class Store:
    """Raw PCM files keyed by a hash of their recipe; written whole (temp file + rename)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self.made = 0  # files rendered by this Store (not found in the cache)

    def path(self, recipe: Recipe) -> Path:
        blob = json.dumps([FORMAT, tool_versions(), recipe], sort_keys=True, ensure_ascii=False)
        return self.directory / f"{hashlib.sha256(blob.encode()).hexdigest()}.raw"

    def get(self, recipe: Recipe, make: Callable[[], Int16]) -> Path:
        path = self.path(recipe)
        if path.is_file():
            return path
        data = np.asarray(make(), dtype="<i2").tobytes()
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.made += 1
        return path


def _load(path: Path) -> Int16:
    return np.fromfile(path, dtype="<i2").astype(np.int16)


def _pmap(fn: Callable[[_T], _R], items: Iterable[_T]) -> list[_R]:
    """``fn`` over ``items`` on a few threads (each call mostly waits on a subprocess)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        return list(pool.map(fn, items))


# -- signal helpers ----------------------------------------------------------------------------


def to_int16(x: Float) -> Int16:
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def rms(x: npt.NDArray[Any]) -> float:
    x = np.asarray(x, dtype=np.float64)
    return float(np.sqrt(np.mean(x * x))) if x.size else 0.0


def sound_span(x: Int16, threshold_db: float = SPEECH_THRESHOLD_DB) -> tuple[int, int] | None:
    """(first, last + 1) sample above ``threshold_db`` below the peak; None for silence."""
    peak = float(np.max(np.abs(x.astype(np.int32)))) if x.size else 0.0
    if peak <= 0:
        return None
    above = np.flatnonzero(np.abs(x.astype(np.int32)) > peak * 10 ** (threshold_db / 20))
    return int(above[0]), int(above[-1]) + 1


def _pad(x: Int16) -> Int16:
    before = np.zeros(round(PAD_BEFORE_S * RATE), dtype=np.int16)
    after = np.zeros(round(PAD_AFTER_S * RATE), dtype=np.int16)
    return np.concatenate([before, x, after])


def _level(x: Float, dbfs: float) -> Float:
    """``x`` scaled to an RMS of ``dbfs``."""
    r = rms(x)
    return x * (FULL_SCALE * 10 ** (dbfs / 20) / r) if r > 0 else x


# -- rendering ---------------------------------------------------------------------------------


def _speech_recipe(text: str, voice: str, rate_wpm: int) -> Recipe:
    return {"what": "speech", "text": text, "voice": voice, "rate": rate_wpm, "peak": PEAK_DBFS}


def speech(store: Store, text: str, voice: str, rate_wpm: int) -> Path:
    """``text`` said by espeak-ng, 16 kHz, -6 dBFS peak, silence before and after cut."""

    def make() -> Int16:
        wav = subprocess.run(
            [_need("espeak-ng"), "-v", voice, "-s", str(rate_wpm), "--stdout", text],
            capture_output=True,
            check=True,
        ).stdout
        effects = ["gain", "-n", str(PEAK_DBFS), "rate", "-h", "16k"]
        x = _raw_from_sox(["-t", "wav", "-", *_RAW, "-", *effects], wav)
        span = sound_span(x)
        if span is None:
            raise RuntimeError(f"espeak-ng said nothing for {text!r} ({voice}, {rate_wpm})")
        return x[span[0] : span[1]]

    return store.get(_speech_recipe(text, voice, rate_wpm), make)


def _noise_bed(store: Store, colour: str, seconds: float) -> Path:
    """``colour`` noise (pink, brown, white) from sox, -6 dBFS peak."""
    recipe = {"what": "noise", "colour": colour, "seconds": seconds}

    args = ["-n", *_RAW, "-", "synth", f"{seconds:g}", f"{colour}noise", "gain", "-n", "-6"]
    return store.get(recipe, partial(_raw_from_sox, args))


def noise_bed(colour: str, seconds: float, cache_dir: Path | None = None) -> Int16:
    """``seconds`` of sox's ``colour`` noise (pink, brown, white), -6 dBFS peak."""
    return _load(_noise_bed(Store(cache_dir), colour, seconds))


@dataclass(frozen=True)
class Burst:
    """A cough or a clap, made by sox: band-limited noise (plus, for a cough, a buzz: the
    voiced rasp) with a fast attack and a decay over the rest of the burst."""

    kind: str  # "cough" or "clap"
    seconds: float
    low_hz: int
    high_hz: int
    buzz_hz: int = 0  # a cough's voicing: a sawtooth at this pitch, 10 dB under the noise
    attack_s: float = 0.004

    def sox_runs(self) -> list[tuple[list[str], float]]:
        """(sox effects from -n, weight) of each part; the parts are added, then the sum
        normalised to PEAK_DBFS."""
        # a clap dies away fast (logarithmic), a cough's breath more slowly (quarter sine)
        shape = "l" if self.kind == "clap" else "q"
        envelope = ["fade", shape, f"{self.attack_s:g}", f"{self.seconds:g}"]
        envelope.append(f"{self.seconds - self.attack_s:g}")
        noise = "whitenoise" if self.kind == "clap" else "pinknoise"
        band = ["sinc", f"{self.low_hz}-{self.high_hz}"]
        runs = [(["synth", f"{self.seconds:g}", noise, *band, *envelope, "gain", "-n", "-1"], 1.0)]
        if self.buzz_hz:
            buzz = ["synth", f"{self.seconds:g}", "sawtooth", str(self.buzz_hz), "lowpass", "1500"]
            runs.append(([*buzz, *envelope, "gain", "-n", "-1"], 10 ** (-10 / 20)))
        return runs


COUGHS = (
    (Burst("cough", 0.32, 250, 3500, buzz_hz=140),),
    (Burst("cough", 0.25, 300, 3000, buzz_hz=170), Burst("cough", 0.2, 300, 3000, buzz_hz=160)),
    (Burst("cough", 0.35, 200, 2500, buzz_hz=120),),
)
CLAPS = (
    (Burst("clap", 0.15, 600, 7000, attack_s=0.0015),),
    (Burst("clap", 0.12, 800, 6000, attack_s=0.0015),) * 2,
    (Burst("clap", 0.14, 600, 7000, attack_s=0.0015),) * 3,
)
BURST_GAP_IN_SEQUENCE_S = {"cough": 0.15, "clap": 0.3}  # coughs: silence between; claps: beat


def burst(store: Store, b: Burst) -> Path:
    def make() -> Int16:
        parts = [w * _raw_from_sox(["-n", *_RAW, "-", *e]).astype(np.float64) for e, w in runs]
        total = np.sum(parts, axis=0)
        return to_int16(total * (FULL_SCALE * 10 ** (PEAK_DBFS / 20) / np.max(np.abs(total))))

    runs = b.sox_runs()
    return store.get({"what": "burst", "runs": runs, "peak": PEAK_DBFS}, make)


def burst_sequence(store: Store, bursts: Sequence[Burst]) -> Int16:
    """Coughs one after another with a short gap; claps at a steady 0.3 s beat."""
    parts = [_load(burst(store, b)) for b in bursts]
    kind = bursts[0].kind
    gap = round(BURST_GAP_IN_SEQUENCE_S[kind] * RATE)
    starts, t = [], 0
    for part in parts:
        starts.append(t)
        t += (len(part) + gap) if kind == "cough" else gap
    out = np.zeros(max(s + len(p) for s, p in zip(starts, parts, strict=True)), dtype=np.float64)
    for s, p in zip(starts, parts, strict=True):
        out[s : s + len(p)] += p
    return to_int16(out)


def _padded_bursts(store: Store, bursts: Sequence[Burst]) -> Int16:
    return _pad(burst_sequence(store, bursts))


def _padded_speech(store: Store, text: str, voice: str, rate_wpm: int) -> Path:
    inner = speech(store, text, voice, rate_wpm)
    return store.get(_clean_recipe(text, voice, rate_wpm), lambda: _pad(_load(inner)))


_PADS = (PAD_BEFORE_S, PAD_AFTER_S)


def _noisy(store: Store, clean_recipe: Recipe, clean: Path, name: str, snr_db: float) -> Path:
    bed_path = _noise_bed(store, "pink", 60.0)
    recipe = {"what": "snr", "of": clean_recipe, "snr": snr_db, "noise": "pink", "seed": name}

    def make() -> Int16:
        x = _load(clean).astype(np.float64)
        return add_noise(x, _load(bed_path).astype(np.float64), snr_db, name)

    return store.get(recipe, make)


def add_noise(clean: Float, bed: Float, snr_db: float, seed: str) -> Int16:
    """``clean`` plus a stretch of ``bed`` (chosen by ``seed``) at ``snr_db`` against the
    speech: both RMS over the clean clip's sound span."""
    span = sound_span(to_int16(clean))
    assert span is not None
    rng = random.Random(seed)
    start = rng.randrange(0, len(bed) - len(clean))
    noise = bed[start : start + len(clean)]
    speech_rms = rms(clean[span[0] : span[1]])
    noise_rms = rms(noise[span[0] : span[1]])
    gain = speech_rms / (noise_rms * 10 ** (snr_db / 20))
    return to_int16(clean + gain * noise)


def _reverb(store: Store, clean_recipe: Recipe, clean: Path) -> Path:
    recipe = {"what": "reverb", "of": clean_recipe, "effects": REVERB}

    def make() -> Int16:
        x = _load(clean)
        effects = [*REVERB, "gain", "-n", str(PEAK_DBFS)]
        y = _raw_from_sox([*_RAW, "-", *_RAW, "-", *effects], x.tobytes())
        return np.concatenate([y, np.zeros(max(0, len(x) - len(y)), dtype=np.int16)])[: len(x)]

    return store.get(recipe, make)


# -- the corpus --------------------------------------------------------------------------------


def _labels(path: Path) -> tuple[float | None, float | None]:
    span = sound_span(_load(path))
    return (None, None) if span is None else (span[0] / RATE, span[1] / RATE)


def answer_clips(store: Store, short: bool) -> list[Clip]:
    """Every answer phrase × voice × rate × condition (short: a few phrases, 2 voices, 1 rate)."""
    said: list[tuple[Moment, str, VoiceAnswer]] = [
        (moment, phrase, answer)
        for moment in (Moment.CHECK, Moment.PAIN, Moment.PLAY)
        for phrase, answer in own_phrases(moment).items()
        if not short or phrase in SHORT_PHRASES
    ]
    voices = SHORT_VOICES if short else VOICES
    rates = SHORT_RATES_WPM if short else RATES_WPM
    jobs = [(m, p, a, v, r) for (m, p, a) in said for v in voices for r in rates]
    cleans = _pmap(lambda j: _padded_speech(store, j[1], j[3], j[4]), jobs)
    reverbs = _pmap(
        lambda jc: _reverb(store, _clean_recipe(jc[0][1], jc[0][3], jc[0][4]), jc[1]),
        list(zip(jobs, cleans, strict=True)),
    )
    clips: list[Clip] = []
    for (moment, phrase, answer, voice, rate), clean, reverb in zip(
        jobs, cleans, reverbs, strict=True
    ):
        start, end = _labels(clean)
        base = f"{phrase}/{voice}/{rate}"
        recipe = _clean_recipe(phrase, voice, rate)
        made = {
            "clean": clean,
            "snr20": _noisy(store, recipe, clean, base, SNR_DB["snr20"]),
            "snr10": _noisy(store, recipe, clean, base, SNR_DB["snr10"]),
            "reverb": reverb,
        }
        for condition in CONDITIONS:
            clips.append(
                Clip(
                    name=f"{base}/{condition}",
                    path=made[condition],
                    moment=moment,
                    expected=answer,
                    kind="answer",
                    condition=condition,
                    text=phrase,
                    voice=voice,
                    rate_wpm=rate,
                    sound_start_s=start,
                    speech_end_s=end,
                )
            )
    return clips


def _clean_recipe(text: str, voice: str, rate_wpm: int) -> Recipe:
    return {"what": "clean", "of": _speech_recipe(text, voice, rate_wpm), "pad": _PADS}


def full_session_cues() -> list[tuple[float, str, str | None]]:
    """(time from the routine's start, text, chime) of every cue of full-session, in order."""
    from routineplayer.core.library import Library
    from routineplayer.core.timeline import expand

    lib = Library()
    timeline = expand(lib.resolve("full-session"), lib.resolve)
    return [
        (seg.start + cue.offset, cue.text, cue.chime)
        for seg in timeline.segments
        for cue in seg.cues
    ]


def cue_texts(short: bool) -> list[str]:
    """full-session's distinct cue texts (short: the first few and the check question)."""
    texts = list(dict.fromkeys(text for _, text, _ in full_session_cues() if text))
    if short:
        check = [t for t in texts if "disconnect" in t][:1]
        texts = list(dict.fromkeys([*texts[:SHORT_CUES], *check]))
    return texts


def negative_clips(store: Store, short: bool) -> list[Clip]:
    """Things that are not answers, each once per Moment: silence, noise alone, coughs,
    claps, other words, the app's own cues."""
    made: list[tuple[str, str, Path, str, str | None, int | None]] = []  # kind, name, ...

    silence = store.get({"what": "silence", "seconds": 3.0}, lambda: np.zeros(3 * RATE, np.int16))
    made.append(("silence", "silence", silence, "", None, None))

    noises = [("pink", -30.0), ("brown", -25.0), ("white", -35.0), ("pink", -55.0)]
    if short:
        noises = noises[:2]
    for colour, dbfs in noises:
        bed = _noise_bed(store, colour, 60.0)

        def make(bed: Path = bed, dbfs: float = dbfs, seed: str = f"{colour}{dbfs}") -> Int16:
            x = _load(bed).astype(np.float64)
            start = random.Random(seed).randrange(0, len(x) - 4 * RATE)
            return to_int16(_level(x[start : start + 4 * RATE], dbfs))

        path = store.get({"what": "noise-clip", "colour": colour, "dbfs": dbfs}, make)
        made.append(("noise", f"noise-{colour}{dbfs:g}", path, "", None, None))

    for kind, sequences in (("cough", COUGHS), ("clap", CLAPS)):
        for i, seq in enumerate(sequences[:2] if short else sequences):
            recipe = {"what": kind, "bursts": [b.sox_runs() for b in seq], "pad": _PADS}
            path = store.get(recipe, partial(_padded_bursts, store, seq))
            made.append((kind, f"{kind}{i + 1}x{len(seq)}", path, "", None, None))

    words = SHORT_NEGATIVE_WORDS if short else NEGATIVE_WORDS
    voices = SHORT_NEGATIVE_VOICES if short else NEGATIVE_VOICES
    word_jobs = [(w, v) for w in words for v in voices]
    for (word, word_voice), path in zip(
        word_jobs,
        _pmap(lambda j: _padded_speech(store, j[0], j[1], APP_RATE_WPM), word_jobs),
        strict=True,
    ):
        made.append(("words", f"{word}/{word_voice}", path, word, word_voice, APP_RATE_WPM))

    texts = cue_texts(short)
    for i, (text, path) in enumerate(
        zip(
            texts,
            _pmap(lambda t: _padded_speech(store, t, APP_VOICE, APP_RATE_WPM), texts),
            strict=True,
        )
    ):
        made.append(("cue", f"cue:{i}", path, text, APP_VOICE, APP_RATE_WPM))

    clips = []
    for kind, name, path, text, voice, rate in made:
        start, end = _labels(path)
        for moment in Moment:
            clips.append(
                Clip(
                    name=f"{name}/{moment.value}",
                    path=path,
                    moment=moment,
                    expected=None,
                    kind=kind,
                    condition="clean",
                    text=text,
                    voice=voice,
                    rate_wpm=rate,
                    sound_start_s=start,
                    speech_end_s=end,
                )
            )
    return clips


def corpus(short: bool = False, cache_dir: Path | None = None) -> list[Clip]:
    """Answer clips then negative clips (see the module docstring)."""
    store = Store(cache_dir)
    return answer_clips(store, short) + negative_clips(store, short)


# -- a whole session ---------------------------------------------------------------------------


def _chime(store: Store, name: str) -> Path:
    from routineplayer.speech.chimes import chime_path

    source = chime_path(name)
    recipe = {
        "what": "chime",
        "name": name,
        "bytes": hashlib.sha256(source.read_bytes()).hexdigest(),
    }
    return store.get(recipe, partial(_raw_from_sox, [str(source), *_RAW, "-", "rate", "-h", "16k"]))


def _add(track: Float, at: int, x: Float) -> None:
    end = min(len(track), at + len(x))
    if end > at:
        track[at:end] += x[: end - at]


def session_cue_spans(short: bool, cache_dir: Path | None = None) -> list[tuple[float, float]]:
    """(start, end) in seconds of each spoken cue and chime in session_audio's track."""
    store = Store(cache_dir)
    cues = full_session_cues()
    cue_seconds = (max(t for t, _, _ in cues) + 20.0) if not short else SHORT_CUE_SECONDS
    spans: list[tuple[float, float]] = []
    lengths: dict[str, float] = {}
    for t, text, chime in cues:
        if t >= cue_seconds:
            continue
        names = [f"chime:{chime}"] if chime else []
        names += [text] if text else []
        for name in names:
            if name not in lengths:
                path = _chime(store, chime or "") if name.startswith("chime:") else None
                path = path or speech(store, name, APP_VOICE, APP_RATE_WPM)
                lengths[name] = len(_load(path)) / RATE
            spans.append((t, t + lengths[name]))
    return sorted(spans)


def session_audio(
    seconds_of_noise: float, short: bool, cache_dir: Path | None = None
) -> tuple[bytes, float]:
    """full-session's cue audio (speech and chimes at the cue times, over a quiet room's
    pink floor), then ``seconds_of_noise`` of noise: a pink bed, babble (non-answer phrases,
    overlapping, at -38 to -28 dBFS RMS) and a clap or a cough every 20-60 s. Short: the
    first SHORT_CUE_SECONDS of cues only. Returns (16 kHz mono s16le PCM, seconds)."""
    store = Store(cache_dir)
    cues = full_session_cues()
    cue_seconds = (max(t for t, _, _ in cues) + 20.0) if not short else SHORT_CUE_SECONDS
    cues = [c for c in cues if c[0] < cue_seconds]
    total = cue_seconds + seconds_of_noise
    n = round(total * RATE)
    n_cue = round(cue_seconds * RATE)
    track = np.zeros(n, dtype=np.float64)

    bed = _load(_noise_bed(store, "pink", round(total) + 1.0)).astype(np.float64)[:n]
    track[:n_cue] += _level(bed[:n_cue], CUE_FLOOR_DBFS)
    track[n_cue:] += _level(bed[n_cue:], NOISE_BED_DBFS)

    texts = list(dict.fromkeys(text for _, text, _ in cues if text))
    rendered = dict(
        zip(texts, _pmap(lambda t: speech(store, t, APP_VOICE, APP_RATE_WPM), texts), strict=True)
    )
    chimes = {name: _chime(store, name) for name in {c for _, _, c in cues if c}}
    for t, text, chime in cues:
        at = round(t * RATE)
        if chime:
            _add(track, at, _load(chimes[chime]).astype(np.float64))
        if text:
            _add(track, at, _load(rendered[text]).astype(np.float64))

    rng = random.Random(20240601)
    pool = BABBLE[:SHORT_BABBLE] if short else BABBLE
    voices = BABBLE_VOICES[:2] if short else BABBLE_VOICES
    babble_jobs = [(p, v, r) for p in pool for v in voices for r in (150, 190)]
    babble = [
        _load(p).astype(np.float64)
        for p in _pmap(lambda j: speech(store, j[0], j[1], j[2]), babble_jobs)
    ]
    t = cue_seconds
    while True:
        t += rng.expovariate(1 / BABBLE_GAP_S)
        if t >= total:
            break
        phrase = babble[rng.randrange(len(babble))]
        _add(track, round(t * RATE), _level(phrase, rng.uniform(*BABBLE_DBFS)))

    sequences = [*COUGHS, *CLAPS]
    bursts = [burst_sequence(store, seq).astype(np.float64) for seq in sequences]
    t = cue_seconds
    while True:
        t += rng.uniform(*BURST_GAP_S)
        if t >= total - 1:
            break
        b = bursts[rng.randrange(len(bursts))]
        peak = FULL_SCALE * 10 ** (rng.uniform(*BURST_PEAK_DBFS) / 20)
        _add(track, round(t * RATE), b * (peak / float(np.max(np.abs(b)))))
    return to_int16(track).astype("<i2").tobytes(), n / RATE
