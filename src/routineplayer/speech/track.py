"""A whole routine as one audio file: ``routineplayer render NAME|FILE --out FILE.wav``.

Every cue and chime of the timeline at its time, silence between, for playing from a phone
or a speaker on the floor. Times are those of ``plan``, with two differences forced by a
recording that nobody can answer: a rep set that waits for "done" lasts its reps at
``default_tempo`` seconds each, and a belly check lasts as long as its question takes to
say plus a short pause (plan counts it as 0 s because it waits for the answer). Voices
follow the same rules as live playback (voice_policy.py), so the track sounds like a
session would; a cue that cannot be spoken is replaced by its chime or the stand-in chime.

Pure Python (``array`` and ``wave``): numpy is not a runtime dependency.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from pathlib import Path

from routineplayer.core.model import DEFAULT_SECONDS_PER_REP
from routineplayer.core.session import CLOSING_CHIME
from routineplayer.core.timeline import CueKind, SegmentKind, TimedCue, Timeline
from routineplayer.speech.cache import VoiceSettings
from routineplayer.speech.chimes import FALLBACK, chime_path
from routineplayer.speech.renderer import Renderer
from routineplayer.speech.voice_policy import Action, VoiceTiming, decide, too_late
from routineplayer.speech.wavtools import (
    CUE_RATE,
    Pcm,
    load_clip,
    mix_into,
    write_wav_atomic,
)

RATE = CUE_RATE

CHECK_PAUSE_S = 3.0  # after a check's question: a moment to notice before the next cue
TAIL_S = 2.0  # silence after the last sound


@dataclass(frozen=True)
class TrackCue:
    at: float  # seconds from the start of the track
    cue: TimedCue


@dataclass
class TrackReport:
    path: Path
    seconds: float = 0.0
    voices: list[tuple[float, str]] = field(default_factory=list)  # (onset, text) as placed
    dropped: list[str] = field(default_factory=list)  # queued too long behind other voices
    unspoken: list[str] = field(default_factory=list)  # no audio: a chime stands in
    speech_off: str = ""  # why there is no speech at all, if so


def _segment_seconds(
    timeline: Timeline, index: int, default_tempo: float, spoken: dict[str, float]
) -> float:
    seg = timeline.segments[index]
    if seg.kind is SegmentKind.WAIT_DONE and 0 <= seg.step_index < len(timeline.steps):
        return (timeline.steps[seg.step_index].reps or 0) * default_tempo
    if seg.kind is SegmentKind.CHECK:
        question = max((spoken.get(c.text, 0.0) for c in seg.cues), default=0.0)
        return question + CHECK_PAUSE_S
    return seg.planned


def track_cues(
    timeline: Timeline,
    default_tempo: float = DEFAULT_SECONDS_PER_REP,
    spoken: dict[str, float] | None = None,
) -> list[TrackCue]:
    """Every cue of the nominal path at its time in the track, closing words last.

    ``spoken`` gives each text's spoken length, for the time a check takes; without it a
    check lasts CHECK_PAUSE_S.
    """
    spoken = spoken or {}
    out: list[TrackCue] = []
    t = 0.0
    for index, seg in enumerate(timeline.segments):
        out.extend(TrackCue(t + cue.offset, cue) for cue in seg.cues)
        t += _segment_seconds(timeline, index, default_tempo, spoken)
    closing = TimedCue(0.0, timeline.closing_text, CueKind.ANNOUNCE, CLOSING_CHIME)
    out.append(TrackCue(t, closing))
    out.sort(key=lambda c: (c.at, -c.cue.priority))
    return out


def texts_due_within(timeline: Timeline, seconds: float = 60.0) -> list[str]:
    """The texts spoken in the first ``seconds`` of the routine, in order of first use: once
    these are rendered, play can start while the rest are rendered in the background."""
    due = [c.cue.text for c in track_cues(timeline) if c.cue.text and c.at < seconds]
    return list(dict.fromkeys(due))


@dataclass
class _Placed:
    text: str
    priority: int
    start: int  # sample index
    samples: array[int]
    requested: float

    @property
    def end(self) -> int:
        return self.start + len(self.samples)


class _VoiceTrack:
    """Places voices one at a time by the live rules, offline: the same decisions, exact times."""

    def __init__(self, timing: VoiceTiming) -> None:
        self.timing = timing
        self.placed: list[_Placed] = []
        self.queue: list[tuple[float, int, str, array[int]]] = []  # requested, priority, text, clip
        self.dropped: list[str] = []

    def _current(self) -> _Placed | None:
        return self.placed[-1] if self.placed else None

    def _run_queue(self, until: float) -> None:
        while self.queue:
            current = self._current()
            free_at = current.end / RATE if current else 0.0
            if free_at > until:
                return
            self.queue.sort(key=lambda r: (-r[1], r[0]))
            requested, priority, text, clip = self.queue.pop(0)
            start = max(free_at, requested)
            if too_late(requested, start, self.timing, priority):
                self.dropped.append(text)
                continue
            self.placed.append(_Placed(text, priority, round(start * RATE), clip, requested))

    def request(self, at: float, priority: int, text: str, clip: array[int]) -> None:
        self._run_queue(at)
        current = self._current()
        end = current.end / RATE if current else None
        decision = decide(at, priority, current.priority if current else None, end, self.timing)
        if decision.action is Action.START:
            self.placed.append(_Placed(text, priority, round(at * RATE), clip, at))
        elif decision.action is Action.CUT and current is not None:
            self._fade_out(current, at)
            self.placed.append(_Placed(text, priority, round(decision.start_at * RATE), clip, at))
        else:  # AFTER_CURRENT and QUEUE both start when the current one ends
            self.queue.append((at, priority, text, clip))

    def _fade_out(self, voice: _Placed, at: float) -> None:
        cut = max(0, round(at * RATE) - voice.start)
        fade = round(self.timing.fade_s * RATE)
        kept = voice.samples[: cut + fade]
        for i in range(cut, len(kept)):
            kept[i] = int(kept[i] * (len(kept) - i) / max(1, fade))
        voice.samples = kept

    def finish(self) -> None:
        self._run_queue(float("inf"))


def render_track(
    timeline: Timeline,
    out_path: Path,
    default_tempo: float = DEFAULT_SECONDS_PER_REP,
    *,
    settings: VoiceSettings | None = None,
    renderer: Renderer | None = None,
    timing: VoiceTiming | None = None,
) -> TrackReport:
    """Write the routine as one mono WAV at ``out_path`` (atomically); say what was placed."""
    own = renderer is None
    renderer = renderer or Renderer(settings)
    report = TrackReport(Path(out_path))
    try:
        render = renderer.render([*timeline.cue_texts(), timeline.closing_text])
    finally:
        if own:
            renderer.close()
    report.speech_off = render.unavailable

    clips: dict[str, array[int]] = {}
    for text in dict.fromkeys([*timeline.cue_texts(), timeline.closing_text]):
        path = renderer.cache.lookup(text, renderer.settings) if not render.unavailable else None
        if path is not None:
            clips[text] = load_clip(path, RATE)
    spoken = {text: len(clip) / RATE for text, clip in clips.items()}
    chimes: dict[str, array[int]] = {}

    def chime(name: str) -> array[int]:
        if name not in chimes:
            chimes[name] = load_clip(chime_path(name), RATE)
        return chimes[name]

    voices = _VoiceTrack(timing or VoiceTiming())
    chime_at: list[tuple[float, array[int]]] = []
    for item in track_cues(timeline, default_tempo, spoken):
        cue = item.cue
        if cue.chime:
            chime_at.append((item.at, chime(cue.chime)))
        if not cue.text:
            continue
        clip = clips.get(cue.text)
        if clip is None:
            if cue.text not in report.unspoken:
                report.unspoken.append(cue.text)
            if not cue.chime:
                chime_at.append((item.at, chime(FALLBACK)))
            continue
        voices.request(item.at, cue.priority, cue.text, clip)
    voices.finish()
    report.dropped = voices.dropped
    report.voices = [(p.start / RATE, p.text) for p in voices.placed]

    ends = [p.end for p in voices.placed] + [round(at * RATE) + len(c) for at, c in chime_at]
    track = array("h", bytes(2 * (max(ends, default=0) + round(TAIL_S * RATE))))
    for placed in voices.placed:
        mix_into(track, placed.start, placed.samples)
    for at, samples in chime_at:
        mix_into(track, round(at * RATE), samples)
    write_wav_atomic(Path(out_path), Pcm(track, RATE))
    report.seconds = len(track) / RATE
    return report
