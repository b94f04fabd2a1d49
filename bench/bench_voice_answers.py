"""Spoken answers: how often the recogniser hears the right answer, and never a wrong one.

The clips are bench/voice_corpus.py's: synthetic espeak-ng voices (several voices and
variants, three speeds), clean, with pink noise at 20 and 10 dB SNR, and with room reverb;
and negatives (silence, noise, coughs, claps, other words, the app's own cues). Synthetic
voices are a proxy for people's voices: these figures say how the recogniser treats clear
synthetic speech, not how it will treat a person in pain on a laptop microphone.

Each mode of speech/recogniser.py ("jsgf" and "kws") is measured the same way. A group of
clips is laid out as one stream (each clip, then GAP_S of silence so that no utterance runs
into the next clip) and fed to one Recogniser in CHUNK_S chunks, its moment set to each
clip's as the clip begins. An utterance belongs to the clip whose stretch it overlaps most.

- accuracy: a clip is right when the answers heard in its stretch are exactly its answer,
  once. yes/no: Moment.CHECK, 10 dB SNR; pain: "zero".."ten" and "skip" at Moment.PAIN over
  every condition; play: the play commands at Moment.PLAY over every condition. Per
  condition: every answer clip of that condition.
- steady noise: the clean yes/no clips over one pink noise bed that never stops (about
  10 dB under the speech): a room's noise does not stop a second after each word.
- false answers per hour: voice_corpus.session_audio (the full-session routine's cue audio
  at its cue times, then 30 minutes of babble, pink noise, claps and coughs) fed at
  Moment.CHECK, a check waiting: every utterance given an answer is a false one.
- negative false answers: every negative clip at every moment; each answer is counted.
- latency: for each right answer, (decided_s - the end of the word) in stream time, the word's
  end being the clip's label (its last sample above -40 dB of its peak), plus the wall-clock
  time of the feed() call that returned it; p95.
- CPU: process CPU time (time.process_time) spent in feed() and flush() over the seconds of
  audio fed, as % of one core.

The unsuffixed figures are for the recogniser's default mode; _jsgf and _kws for each.
voice_kws_better is 1 when kws is the better mode by these figures (fewer false answers of
both kinds first, then the higher mean of the yes/no and pain accuracies), else 0.

Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): 2 voices at 1 speed and a
few phrases, fewer negatives, and the session's first 2 minutes plus 1 minute of noise.

The corpus is cached (voice_corpus.py) under the user cache, which bench/run_all.py points
at a fresh folder each run; set ROUTINEPLAYER_VOICE_CORPUS to a folder to keep it.

Figures go to stdout as `name value unit (target ...)`; details go to stderr.
"""

from __future__ import annotations

import inspect
import math
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import voice_corpus as vc
from routineplayer.core.voice_answers import Kind, Moment, VoiceAnswer
from routineplayer.runtime.hands_free import ECHO_TAIL_MS
from routineplayer.speech.recogniser import Heard, Recogniser

FIGURES = (
    "voice_yes_no_accuracy_pct",
    "voice_yes_no_accuracy_pct_jsgf",
    "voice_yes_no_accuracy_pct_kws",
    "voice_pain_accuracy_pct",
    "voice_pain_accuracy_pct_jsgf",
    "voice_pain_accuracy_pct_kws",
    "voice_play_accuracy_pct",
    "voice_play_accuracy_pct_jsgf",
    "voice_play_accuracy_pct_kws",
    "voice_false_answers_per_hour",
    "voice_false_answers_per_hour_jsgf",
    "voice_false_answers_per_hour_kws",
    "voice_false_answers_per_hour_unmuted",
    "voice_false_answers_per_hour_unmuted_jsgf",
    "voice_false_answers_per_hour_unmuted_kws",
    "voice_asked_again_per_hour",
    "voice_asked_again_per_hour_jsgf",
    "voice_asked_again_per_hour_kws",
    "voice_asked_again_pct",
    "voice_asked_again_pct_jsgf",
    "voice_asked_again_pct_kws",
    "voice_negative_false_answers",
    "voice_negative_false_answers_jsgf",
    "voice_negative_false_answers_kws",
    "voice_latency_p95_ms",
    "voice_latency_p95_ms_jsgf",
    "voice_latency_p95_ms_kws",
    "voice_cpu_pct",
    "voice_cpu_pct_jsgf",
    "voice_cpu_pct_kws",
    "voice_accuracy_clean_pct_jsgf",
    "voice_accuracy_snr20_pct_jsgf",
    "voice_accuracy_snr10_pct_jsgf",
    "voice_accuracy_reverb_pct_jsgf",
    "voice_accuracy_clean_pct_kws",
    "voice_accuracy_snr20_pct_kws",
    "voice_accuracy_snr10_pct_kws",
    "voice_accuracy_reverb_pct_kws",
    "voice_yes_no_steady_noise_accuracy_pct_jsgf",
    "voice_yes_no_steady_noise_accuracy_pct_kws",
    "voice_kws_better",
    "voice_synthetic_voices",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
CACHE_ENV = "ROUTINEPLAYER_VOICE_CORPUS"
DUMP_ENV = "ROUTINEPLAYER_VOICE_DUMP"
# Measuring both takes twice as long; ROUTINEPLAYER_VOICE_MODES=jsgf for one.
MODES = tuple(os.environ.get("ROUTINEPLAYER_VOICE_MODES", "jsgf,kws").split(","))
ECHO_TAIL_S = ECHO_TAIL_MS / 1000
CHUNK_S = 0.02
CHUNK_BYTES = round(CHUNK_S * vc.RATE) * 2
GAP_S = 1.0
STEADY_LEAD_S = 2.0  # noise alone before the first word of the steady-noise stream
STEADY_SNR_DB = 10.0
SESSION_NOISE_S = 60.0 if SHORT else 30 * 60.0
PROXY = (
    "synthetic espeak-ng voices are a proxy for people's voices: these figures are not a "
    "measurement of how the recogniser hears real people"
)


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def figure(name: str, value: float, unit: str, target: str) -> None:
    print(f"{name} {value:.1f} {unit} (target {target})", flush=True)


# -- feeding -----------------------------------------------------------------------------------


@dataclass
class Fed:
    """What one mode's recogniser made of everything fed to it."""

    cpu_s: float = 0.0
    audio_s: float = 0.0


@dataclass
class Outcome:
    clip: vc.Clip
    heard: list[Heard] = field(default_factory=list)
    latency_s: list[float] = field(default_factory=list)  # of each right answer

    @property
    def answers(self) -> list[VoiceAnswer]:
        """The answers taken: sure ones (an unsure one is asked again, never taken)."""
        return [h.answer for h in self.heard if h.answer is not None and h.sure]

    @property
    def unsure(self) -> int:
        return sum(h.answer is not None and not h.sure for h in self.heard)

    @property
    def right(self) -> bool:
        return self.answers == [self.clip.expected]


def feed_stream(
    mode: str,
    pcm: bytes,
    moments: Sequence[tuple[float, Moment]],
    fed: Fed,
    muted: Sequence[tuple[float, float]] = (),
) -> list[tuple[Heard, float]]:
    """Feed ``pcm`` to a new Recogniser in CHUNK_S chunks, switching to each moment at its
    time; every Heard with the wall-clock time of the call that returned it. Within the
    ``muted`` spans nothing is fed, and an utterance open as one begins is dropped, as
    runtime/voice_listener.py does while the app's own voice plays."""
    rec = Recogniser(moments[0][1] if moments else Moment.CHECK, mode)
    changes = list(moments)
    out: list[tuple[Heard, float]] = []

    def timed(call: Callable[[], list[Heard]]) -> None:
        cpu, wall = time.process_time(), time.perf_counter()
        heard = call()
        took = time.perf_counter() - wall
        fed.cpu_s += time.process_time() - cpu
        out.extend((h, took) for h in heard)

    spans = list(muted)
    was_muted = False
    try:
        for at in range(0, len(pcm), CHUNK_BYTES):
            now = at / 2 / vc.RATE
            while changes and changes[0][0] <= now:
                rec.set_moment(changes.pop(0)[1])
            while spans and spans[0][1] <= now:
                spans.pop(0)
            is_muted = bool(spans) and spans[0][0] <= now
            if is_muted:
                if not was_muted:
                    rec.flush()  # what was being heard as our voice began is not an answer
                was_muted = True
                continue
            was_muted = False
            timed(partial(rec.feed, pcm[at : at + CHUNK_BYTES]))
        timed(rec.flush)
    finally:
        close = getattr(rec, "close", None)
        if close is not None:
            close()
    fed.audio_s += len(pcm) / 2 / vc.RATE
    return out


def run_clips(
    mode: str, clips: Sequence[vc.Clip], fed: Fed, bed: vc.Float | None = None
) -> list[Outcome]:
    """``clips`` one after another, GAP_S of silence after each (with ``bed``, a noise bed
    of the stream's length, added under all of it after STEADY_LEAD_S of it alone)."""
    gap = np.zeros(round(GAP_S * vc.RATE), dtype=np.int16)
    lead = round(STEADY_LEAD_S * vc.RATE) if bed is not None else 0
    parts: list[vc.Int16] = [np.zeros(lead, dtype=np.int16)]
    starts: list[float] = []
    at = lead
    for clip in clips:
        starts.append(at / vc.RATE)
        samples = clip.samples()
        parts += [samples, gap]
        at += len(samples) + len(gap)
    stream = np.concatenate(parts)
    if bed is not None:
        stream = vc.to_int16(stream.astype(np.float64) + bed[: len(stream)])
    moments = [(s, c.moment) for s, c in zip(starts, clips, strict=True)]
    heard = feed_stream(mode, stream.astype("<i2").tobytes(), moments, fed)
    outcomes = [Outcome(clip) for clip in clips]
    windows = list(zip([0.0, *starts[1:]], [*starts[1:], math.inf], strict=True))
    for h, took in heard:
        # the endpointer's speech start can lie a frame or two before the sound (and a noisy
        # clip's utterance spans its noise): the clip it overlaps most is the one it is of
        i = max(
            range(len(windows)),
            key=lambda i: min(h.end_s, windows[i][1]) - max(h.start_s, windows[i][0]),
        )
        outcome = outcomes[i]
        outcome.heard.append(h)
        clip = outcome.clip
        if h.answer is not None and h.answer == clip.expected and clip.speech_end_s is not None:
            outcome.latency_s.append(h.decided_s - (starts[i] + clip.speech_end_s) + took)
    return outcomes


def steady_bed(clips: Sequence[vc.Clip], seconds: float) -> vc.Float:
    """Pink noise for the whole stream, STEADY_SNR_DB under the clips' median speech RMS."""
    levels = []
    for clip in clips:
        assert clip.sound_start_s is not None and clip.speech_end_s is not None
        x = clip.samples()
        levels.append(
            vc.rms(x[round(clip.sound_start_s * vc.RATE) : round(clip.speech_end_s * vc.RATE)])
        )
    bed = vc.noise_bed("pink", math.ceil(seconds) + 1.0, cache_dir()).astype(np.float64)
    wanted = statistics.median(levels) / 10 ** (STEADY_SNR_DB / 20)
    return bed * (wanted / vc.rms(bed))


def cache_dir() -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    return Path(folder) if folder else None


# -- figures -----------------------------------------------------------------------------------


def pct(outcomes: Sequence[Outcome]) -> float:
    return 100.0 * sum(o.right for o in outcomes) / len(outcomes) if outcomes else 0.0


@dataclass
class Result:
    mode: str
    yes_no: float
    pain: float
    play: float
    per_condition: dict[str, float]
    steady: float
    false_per_hour: float
    false_per_hour_unmuted: float
    asked_again_per_hour: float
    asked_again_pct: float  # answer clips whose answer was heard but not sure
    negative_false: int
    latency_p95_ms: float | None
    latency_by_condition: dict[str, float]  # p95, ms
    cpu_pct: float
    wrong: list[Outcome]
    false_negatives: list[Outcome]
    session_false: list[tuple[Heard, float]]


def measure(
    mode: str,
    clips: list[vc.Clip],
    session: tuple[bytes, float],
    cue_spans: Sequence[tuple[float, float]],
) -> Result:
    started = time.monotonic()
    fed = Fed()
    answers = [c for c in clips if c.expected is not None]
    negatives = [c for c in clips if c.expected is None]
    kinds: dict[str, Callable[[vc.Clip], bool]] = {
        "yes_no": lambda c: c.expected is not None and c.expected.kind in (Kind.YES, Kind.NO),
        "pain": lambda c: c.moment is Moment.PAIN,
        "play": lambda c: c.moment is Moment.PLAY,
    }
    outcomes: list[Outcome] = []
    for name, chosen in kinds.items():
        group = [c for c in answers if chosen(c)]
        outcomes += run_clips(mode, group, fed)
        log(f"{mode}: {name}: {len(group)} clips, {time.monotonic() - started:.1f} s")
    yes_no = [o for o in outcomes if kinds["yes_no"](o.clip)]
    negative_outcomes = run_clips(mode, negatives, fed)
    steady_clips = [o.clip for o in yes_no if o.clip.condition == "clean"]
    seconds = STEADY_LEAD_S + sum(c.seconds + GAP_S for c in steady_clips)
    steady = run_clips(mode, steady_clips, fed, steady_bed(steady_clips, seconds))
    pcm, duration = session
    muted = [(start, end + ECHO_TAIL_S) for start, end in cue_spans]
    session_heard = feed_stream(mode, pcm, [(0.0, Moment.CHECK)], fed, muted)
    unmuted_heard = feed_stream(mode, pcm, [(0.0, Moment.CHECK)], Fed())
    log(f"{mode}: all fed, {time.monotonic() - started:.1f} s")
    dump(mode, outcomes + negative_outcomes)
    latencies = [lat for o in outcomes for lat in o.latency_s]
    return Result(
        mode=mode,
        yes_no=pct([o for o in yes_no if o.clip.condition == "snr10"]),
        pain=pct([o for o in outcomes if kinds["pain"](o.clip)]),
        play=pct([o for o in outcomes if kinds["play"](o.clip)]),
        per_condition={
            cond: pct([o for o in outcomes if o.clip.condition == cond]) for cond in vc.CONDITIONS
        },
        steady=pct(steady),
        false_per_hour=taken(session_heard) / (duration / 3600),
        false_per_hour_unmuted=taken(unmuted_heard) / (duration / 3600),
        asked_again_per_hour=sum(h.answer is not None and not h.sure for h, _ in session_heard)
        / (duration / 3600),
        asked_again_pct=100.0 * sum(o.unsure > 0 for o in outcomes) / max(1, len(outcomes)),
        negative_false=sum(len(o.answers) for o in negative_outcomes),
        latency_p95_ms=float(np.percentile(latencies, 95)) * 1000 if latencies else None,
        latency_by_condition={
            cond: float(np.percentile(lat, 95)) * 1000
            for cond in vc.CONDITIONS
            if (lat := [x for o in outcomes if o.clip.condition == cond for x in o.latency_s])
        },
        cpu_pct=100.0 * fed.cpu_s / fed.audio_s,
        wrong=[o for o in outcomes if not o.right],
        false_negatives=[o for o in negative_outcomes if o.answers],
        session_false=[(h, t) for h, t in session_heard if h.answer is not None and h.sure],
    )


def taken(heard: Sequence[tuple[Heard, float]]) -> int:
    return sum(h.answer is not None and h.sure for h, _ in heard)


def dump(mode: str, outcomes: Sequence[Outcome]) -> None:
    """Every answer heard, with its confidence and length, for choosing the recogniser's
    SURE_RATIO and MAX_UTTERANCE_S: set ROUTINEPLAYER_VOICE_DUMP to a file."""
    path = os.environ.get(DUMP_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        for o in outcomes:
            for h in o.heard:
                if h.answer is not None:
                    right = o.clip.expected is not None and h.answer == o.clip.expected
                    what = "right" if right else "wrong" if o.clip.expected else "negative"
                    length = h.end_s - h.start_s
                    out.write(f"{mode}\t{o.clip.name}\t{what}\t{h.confidence:.6f}\t{length:.2f}\n")


def rank(r: Result) -> tuple[int, float, float]:
    """Lower is better: (-targets met, false answers, -accuracy)."""
    met = [
        r.yes_no >= 95,
        r.pain >= 90,
        r.false_per_hour == 0,
        r.negative_false == 0,
        r.latency_p95_ms is not None and r.latency_p95_ms <= 800,
        r.cpu_pct <= 15,
    ]
    return (-sum(met), r.false_per_hour + r.negative_false, -(r.yes_no + r.pain) / 2)


def details(r: Result, session_cues: list[tuple[float, str, str | None]], cues_end: float) -> None:
    log(f"--- {r.mode}: wrong answer clips: {len(r.wrong)}")
    log(
        f"{r.mode}: latency p95 by condition: "
        + ", ".join(f"{c} {ms:.0f} ms" for c, ms in r.latency_by_condition.items())
    )
    by_phrase = Counter(o.clip.text for o in r.wrong)
    log(f"{r.mode}: wrong by phrase: {dict(by_phrase.most_common())}")
    by_voice = Counter(o.clip.voice for o in r.wrong)
    log(f"{r.mode}: wrong by voice: {dict(by_voice.most_common())}")
    for o in r.wrong[:40]:
        said = [(h.text, round(h.end_s - h.start_s, 2), round(h.confidence, 2)) for h in o.heard]
        log(f"{r.mode}: WRONG {o.clip.name}: heard {said}")
    for o in r.false_negatives:
        log(
            f"{r.mode}: FALSE {o.clip.name} ({o.clip.kind} {o.clip.text[:60]!r}): "
            f"{[str(a) for a in o.answers]}"
        )
    for h, _ in r.session_false:
        near = [text for t, text, _ in session_cues if t <= h.start_s + 0.5 and text]
        what = repr(near[-1][:60]) if near and h.start_s < cues_end else "none: in the noise"
        log(
            f"{r.mode}: SESSION FALSE at {h.start_s:.1f} s: {h.answer} (heard {h.text!r}, "
            f"{h.end_s - h.start_s:.2f} s long); last cue {what}"
        )


def main() -> int:
    started = time.monotonic()
    default_mode = inspect.signature(Recogniser).parameters["mode"].default
    clips = vc.corpus(SHORT, cache_dir())
    session = vc.session_audio(SESSION_NOISE_S, SHORT, cache_dir())
    log(
        f"corpus: {sum(c.expected is not None for c in clips)} answer clips, "
        f"{sum(c.expected is None for c in clips)} negative clips (each sound at each "
        f"of the {len(Moment)} moments), session "
        f"{session[1] / 60:.1f} min; made in {time.monotonic() - started:.1f} s"
    )
    spans = vc.session_cue_spans(SHORT, cache_dir())
    results = {mode: measure(mode, clips, session, spans) for mode in MODES}
    cues = vc.full_session_cues()
    for r in results.values():
        details(r, cues, session[1] - SESSION_NOISE_S)

    chosen = results[default_mode]
    rows: list[tuple[str, Callable[[Result], float | None], str, str]] = [
        ("voice_yes_no_accuracy_pct", lambda r: r.yes_no, "%", ">= 95"),
        ("voice_pain_accuracy_pct", lambda r: r.pain, "%", ">= 90"),
        ("voice_play_accuracy_pct", lambda r: r.play, "%", "none"),
        ("voice_false_answers_per_hour", lambda r: r.false_per_hour, "/h", "0"),
        (
            "voice_false_answers_per_hour_unmuted",
            lambda r: r.false_per_hour_unmuted,
            "/h",
            "none: as if the app listened while its own voice plays",
        ),
        ("voice_asked_again_per_hour", lambda r: r.asked_again_per_hour, "/h", "none"),
        ("voice_asked_again_pct", lambda r: r.asked_again_pct, "%", "none: of answer clips"),
        ("voice_negative_false_answers", lambda r: r.negative_false, "answers", "0"),
        ("voice_latency_p95_ms", lambda r: r.latency_p95_ms, "ms", "<= 800"),
        ("voice_cpu_pct", lambda r: r.cpu_pct, "%", "<= 15"),
    ]
    for name, get, unit, target in rows:
        for suffix, r in (("", chosen), *((f"_{m}", results[m]) for m in MODES)):
            value = get(r)
            mode_note = f"; mode {r.mode}" + (" (default)" if suffix == "" else "")
            if value is None:
                figure(f"{name}{suffix}", -1, unit, f"{target}{mode_note}; no right answers")
            else:
                figure(f"{name}{suffix}", value, unit, f"{target}{mode_note}")
    for m in MODES:
        for cond in vc.CONDITIONS:
            figure(
                f"voice_accuracy_{cond}_pct_{m}",
                results[m].per_condition[cond],
                "%",
                "none: every answer clip in this condition",
            )
    for m in MODES:
        figure(
            f"voice_yes_no_steady_noise_accuracy_pct_{m}",
            results[m].steady,
            "%",
            f"none: pink noise that never stops, {STEADY_SNR_DB:g} dB under the speech",
        )

    better = min(MODES, key=lambda m: rank(results[m]))
    figure(
        "voice_kws_better",
        1 if better == "kws" else 0,
        "bool",
        f"none: {better} is the better mode by these figures (targets met, then false "
        f"answers, then accuracy); the recogniser's default is {default_mode}",
    )
    log(
        "By these figures "
        + ", ".join(f"{m} meets {-rank(results[m])[0]} of 6 targets" for m in MODES)
        + f": {better} is the better mode (most targets met, then fewest false answers of "
        f"both kinds, then the mean of the yes/no and pain accuracies); the default is "
        f"{default_mode}."
    )
    voices = len({c.voice for c in clips if c.expected is not None})
    figure("voice_synthetic_voices", voices, "voices", f"none: {PROXY}")
    log(f"Note: {PROXY}.")
    log(f"bench_voice_answers: {time.monotonic() - started:.1f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
