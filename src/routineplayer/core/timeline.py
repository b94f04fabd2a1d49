"""Expanding a routine into the timeline of segments and cues that the player walks.

This one expansion is shared by ``routineplayer plan``, the session engine, cue rendering
and the whole-routine audio track, so what is planned is exactly what is played.

The nominal path is expanded ahead: every check answered "no", every rep step without
tempo taking DEFAULT_SECONDS_PER_REP per rep. A "yes" makes the session insert
``reset_segment`` and replay the set's segments (``set_segments``); those texts are part of
``cue_texts`` too, so all speech can be rendered before play starts.

Spoken cues of one segment never talk over each other by the estimate ``speech_seconds``
(words / WORDS_PER_SECOND): cues that fall together are resolved here, by core.cue_spacing's
rule, before anything consumes the timeline. Chimes may overlap speech. Tied cues keep
their time, or are left unsaid when an earlier tied cue is still speaking: the segment's
opening cue ("Begin.", "Switch sides", "Get ready", "Rest.", the check question, the reset
cue), safety cues, and countdown-kind cues (the "3", "2", "1", rep counts and breath words,
which mark the movement and the breath). Free cues take what is left, announcements
("Next: ...", the author's cues, "Get ready to try again.") before encouragement ("Halfway.",
imagery): each keeps its time if the voice is quiet then, else moves to the nearest quiet
moment within cue_spacing.MAX_MOVE seconds (``TimedCue.moved_from`` keeps where it was),
else is left unsaid (``Segment.unsaid``; a chime it had still sounds). Which cues are tied
is said here (``_spaced``); how claims on the voice are resolved, in core.cue_spacing.
docs/routine-format.md ("When cues fall together") says the same for authors.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import PurePath

from routineplayer.core.cost import first_excess, opening_cost
from routineplayer.core.cue_spacing import Claim, place
from routineplayer.core.durations import spoken_duration
from routineplayer.core.model import (
    DEFAULT_SECONDS_PER_REP,
    Check,
    Routine,
    SourcePos,
    Step,
    StepKind,
)

COUNTDOWN_FROM = 3
HALFWAY_MIN_SECONDS = 20.0  # shorter work needs no "halfway"
NEXT_UP_MIN_SECONDS = 30.0  # work this long announces the next step 10 s before its end
NEXT_UP_BEFORE_END = 10.0
OWN_CUE_NEAR = 3.0  # an author's cue this close to an automatic one replaces it
SPOKEN_BREATHS = 3  # breath phases are spoken for the first cycles, then only chimed
IMAGERY_EVERY_CYCLES = 6
WORDS_PER_SECOND = 2.5  # speech pace assumed when sizing a lead-in around its announcement
RESET_GET_READY_BEFORE_END = 5.0

TEXT_PAUSED = "Paused. Press space to carry on."
TEXT_PAUSED_AFTER_SLEEP = "Paused while the computer was asleep. Press space to carry on."
TEXT_RESUMED = "Carrying on."
TEXT_STOPPED = "Stopped. Take your time getting up."


class SegmentKind(StrEnum):
    LEAD_IN = "lead-in"
    WORK = "work"
    WAIT_DONE = "wait-done"  # rep set without tempo: lasts until the user says done
    REST = "rest"
    CHECK = "check"  # the belly-disconnect question: lasts until answered
    RESET = "reset"  # rest-and-reset after a "yes"; only inserted by the session


class CueKind(StrEnum):
    SAFETY = "safety"
    COUNTDOWN = "countdown"
    ANNOUNCE = "announce"
    ENCOURAGE = "encourage"

    @property
    def priority(self) -> int:
        """Higher wins when two voices would overlap: safety > countdown > announce > rest.

        Live, speech/voice_policy.py decides by it alone; the timeline's cue spacing first
        ties some cues to their time (the module docstring) and ranks the rest by it."""
        return _PRIORITY[self]


_PRIORITY = {CueKind.SAFETY: 3, CueKind.COUNTDOWN: 2, CueKind.ANNOUNCE: 1, CueKind.ENCOURAGE: 0}


class BreathPhaseKind(StrEnum):
    INHALE = "in"
    HOLD_IN = "hold-in"
    EXHALE = "out"
    HOLD_OUT = "hold-out"


BREATH_WORDS = {
    BreathPhaseKind.INHALE: "Breathe in",
    BreathPhaseKind.HOLD_IN: "Hold",
    BreathPhaseKind.EXHALE: "Breathe out",
    BreathPhaseKind.HOLD_OUT: "Hold",
}
BREATH_CHIMES = {BreathPhaseKind.INHALE: "breath-in", BreathPhaseKind.EXHALE: "breath-out"}


@dataclass(frozen=True)
class TimedCue:
    """Something to say and/or chime at ``offset`` seconds into a segment."""

    offset: float
    text: str  # "" = chime only
    kind: CueKind
    chime: str | None = None
    moved_from: float | None = None  # the offset it was planned at, if cue spacing moved it

    @property
    def priority(self) -> int:
        return self.kind.priority


@dataclass(frozen=True)
class BreathPhase:
    offset: float
    duration: float
    phase: BreathPhaseKind


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    step_index: int  # into Timeline.steps; -1 for the routine's opening lead-in
    title: str
    instruction: str
    duration: float | None  # None: open-ended (waits for done, or for an answer)
    planned: float  # seconds assumed by plans and audio tracks
    set_number: int = 1
    set_count: int = 1
    side: str | None = None
    cues: tuple[TimedCue, ...] = ()
    breath: tuple[BreathPhase, ...] = ()
    unsaid: tuple[TimedCue, ...] = ()  # spoken cues that cue spacing left out: for plan only
    check: Check | None = None
    start: float = 0.0  # planned start, seconds from the start of the routine

    @property
    def end(self) -> float:
        return self.start + self.planned


@dataclass(frozen=True)
class Timeline:
    routine: Routine
    steps: tuple[Step, ...]  # includes expanded, in play order
    segments: tuple[Segment, ...]
    closing_text: str

    @property
    def total(self) -> float:
        return self.segments[-1].end if self.segments else 0.0

    @property
    def work_seconds(self) -> float:
        return _work_seconds(self.segments)

    @property
    def length(self) -> str:
        """How long, as the library and the prestart dialog show it (see length_words)."""
        return length_words(self.work_seconds, self.total)

    @property
    def spoken_length(self) -> str:
        """How long, as the opening cue says it."""
        return length_words(self.work_seconds, self.total, spoken=True)

    def cue_texts(self) -> list[str]:
        """Every text the session may speak, each once, in order of first use."""
        texts: dict[str, None] = {}
        for seg in self.segments:
            for cue in seg.cues:
                texts.setdefault(cue.text)
            if seg.check is not None:
                for cue in reset_segment(seg).cues:
                    texts.setdefault(cue.text)
                texts.setdefault(resets_exhausted_text(seg.check))
        for extra in (
            self.closing_text,
            TEXT_PAUSED,
            TEXT_PAUSED_AFTER_SLEEP,
            TEXT_RESUMED,
            TEXT_STOPPED,
        ):
            texts.setdefault(extra)
        texts.pop("", None)
        return list(texts)


class IncludeError(ValueError):
    """An include names no routine, or includes loop; carries where it was written."""

    def __init__(self, message: str, pos: SourcePos) -> None:
        super().__init__(message)
        self.pos = pos


Resolver = Callable[[str], Routine]


class RoutineTooLarge(IncludeError):
    """The routine, includes and all, would expand past core.cost's bounds."""


MAX_FLAT_STEPS = 10_000  # includes of includes can multiply; a plan must stay finite
MAX_INCLUDE_DEPTH = 16  # a routine that includes one that includes one ...: 3 is plenty


def routine_name(routine: Routine) -> str:
    """What an include calls a routine: its file's stem, or its title when unsaved."""
    return PurePath(routine.source).stem if routine.source else routine.title


def flatten_steps(routine: Routine, resolve: Resolver) -> list[Step]:
    """The routine's steps with every include replaced by the included routine's steps."""
    return [step for _, step in _flatten(routine, resolve)]


def flatten_checked(routine: Routine, resolve: Resolver) -> list[Step]:
    """flatten_steps, refusing a routine that would expand past core.cost's bounds:
    RoutineTooLarge at the step of ``routine`` itself (its own, or the include) that
    takes it over, before anything is expanded."""
    flat = _flatten(routine, resolve)
    opening = opening_cost(routine.title, routine.position, routine.lead_in)
    index, why = first_excess([step for _, step in flat], routine.lead_in, opening)
    if index >= 0:
        where = routine.steps[flat[index][0]]
        raise RoutineTooLarge(f"the routine is too large: {why}", where.pos)
    return [step for _, step in flat]


def _flatten(routine: Routine, resolve: Resolver) -> list[tuple[int, Step]]:
    """Each step of the flattened routine, with the index of the top-level step it is from."""
    out: list[tuple[int, Step]] = []
    root = ((routine.source or routine.title, routine_name(routine)),)
    for index, step in enumerate(routine.steps):
        _flatten_into(out, index, step, resolve, root)
    return out


def _flatten_into(
    out: list[tuple[int, Step]],
    origin: int,
    step: Step,
    resolve: Resolver,
    stack: tuple[tuple[str, str], ...],
) -> None:
    if step.kind is not StepKind.INCLUDE:
        if len(out) >= MAX_FLAT_STEPS:
            raise IncludeError(f"includes expand to more than {MAX_FLAT_STEPS} steps", step.pos)
        out.append((origin, step))
        return
    if len(stack) > MAX_INCLUDE_DEPTH:  # also what keeps this recursion shallow
        chain = " -> ".join(name for _, name in stack[:4])
        raise IncludeError(
            f"includes nest more than {MAX_INCLUDE_DEPTH} deep ({chain} -> ...)", step.pos
        )
    try:
        included = resolve(step.include or "")
    except LookupError as exc:
        raise IncludeError(str(exc), step.pos) from exc
    key = included.source or included.title
    if any(key == seen for seen, _ in stack):
        chain = " -> ".join([*(name for _, name in stack), routine_name(included)])
        raise IncludeError(f"include loop: {chain}", step.pos)
    inner = (*stack, (key, routine_name(included)))
    for child in included.steps:
        _flatten_into(out, origin, child, resolve, inner)


def speech_seconds(text: str) -> float:
    return len(text.split()) / WORDS_PER_SECOND


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def dose_text(step: Step) -> str:
    """How much of a step, in words: '2 sets of 8 reps, each side'."""
    if step.kind is StepKind.REPS:
        amount = _plural(step.reps or 0, "rep")
    elif step.kind is StepKind.BREATHING and step.duration is None and step.breathing:
        amount = _plural(step.breathing.breaths or 0, "breath")
    else:
        amount = spoken_duration(step.work_seconds() or 0)
    if step.sets > 1:
        amount = f"{step.sets} sets of {amount}"
    if len(step.sides) > 1:
        amount += ", each side"
    return amount


def _countdown(end: float) -> list[TimedCue]:
    return [
        TimedCue(float(end - n), str(n), CueKind.COUNTDOWN)
        for n in range(COUNTDOWN_FROM, 0, -1)
        if end - n > 0
    ]


# Besides a segment's opening cue, these keep their time: they mark the movement or the breath.
_TIED_KINDS = frozenset({CueKind.SAFETY, CueKind.COUNTDOWN})


def _spaced(
    opening: TimedCue | None, others: Iterable[TimedCue], length: float | None
) -> tuple[tuple[TimedCue, ...], tuple[TimedCue, ...]]:
    """A segment's cues in time order, no spoken one over another by the rule in the module
    docstring; and the spoken cues that rule left unsaid."""
    ordered = sorted(
        [*([opening] if opening is not None else []), *others],
        key=lambda c: (c.offset, c is not opening, -c.priority),
    )
    claims = [
        Claim(c.offset, speech_seconds(c.text), c is opening or c.kind in _TIED_KINDS, c.priority)
        for c in ordered
        if c.text
    ]
    starts = iter(place(claims, length))
    cues: list[TimedCue] = []
    unsaid: list[TimedCue] = []
    for cue in ordered:
        at = next(starts) if cue.text else cue.offset
        if at is None:
            unsaid.append(cue)
            if cue.chime:
                cues.append(replace(cue, text=""))
        elif at != cue.offset:
            cues.append(replace(cue, offset=at, moved_from=cue.offset))
        else:
            cues.append(cue)
    cues.sort(key=lambda c: (c.offset, -c.priority))
    return tuple(cues), tuple(unsaid)


def _lead_in(step: Step, index: int, routine: Routine) -> Segment:
    say = f" {step.say}" if step.say else ""
    text = f"Get ready: {step.display_title}. {dose_text(step)}.{say}"
    if step.waits_for_done:
        text += " Press space when each set is done."
    length = max(routine.lead_in, math.ceil(speech_seconds(text)) + COUNTDOWN_FROM + 1.0)
    cues, unsaid = _spaced(TimedCue(0.0, text, CueKind.ANNOUNCE), _countdown(length), length)
    return Segment(
        SegmentKind.LEAD_IN,
        index,
        step.display_title,
        step.say,
        length,
        length,
        set_count=step.sets,
        cues=cues,
        unsaid=unsaid,
    )


def _about(seconds: float) -> float:
    # Whole minutes read better; short routines keep their seconds.
    return 60.0 * round(seconds / 60) if seconds >= 90 else float(round(seconds))


def length_words(work: float, total: float, *, spoken: bool = False) -> str:
    """A routine's length, told one way everywhere: the exercise, then the whole time with
    every get-ready and rest ('9 min of exercise · about 11 min in all'; aloud, '9 minutes of
    exercise, about 11 minutes in all'). The whole time is left out when it rounds the same."""
    work, total = _about(work), _about(total)
    words = spoken_duration if spoken else _glance
    parts = [f"{words(work)} of exercise"] if work else []
    if total != work:
        parts.append(f"about {words(total)} in all")
    return (", " if spoken else " · ").join(parts)


def _glance(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)  # as spoken_duration reads it, but short
    return f"{minutes} min" if minutes and not secs else f"{round(seconds)} s"


def _work_seconds(segments: Iterable[Segment]) -> float:
    return sum(s.planned for s in segments if s.kind in (SegmentKind.WORK, SegmentKind.WAIT_DONE))


def _opening(routine: Routine, body: list[Segment]) -> Segment:
    """The routine's title and length, then its position. The whole time counts this segment
    too, whose length depends on its words: a second pass settles it (minutes keep their word
    count, so the two passes agree)."""
    work, rest = _work_seconds(body), sum(s.planned for s in body)
    length = routine.lead_in
    for _ in range(2):
        text = f"{routine.title}. {length_words(work, rest + length, spoken=True)}."
        if routine.position:
            text += f" {routine.position}"
        length = max(routine.lead_in, math.ceil(speech_seconds(text)) + 1.0)
    cue = TimedCue(0.0, text, CueKind.ANNOUNCE)
    return Segment(
        SegmentKind.LEAD_IN, -1, routine.title, routine.summary, length, length, cues=(cue,)
    )


def _breathing(step: Step, length: float) -> tuple[tuple[BreathPhase, ...], list[TimedCue]]:
    assert step.breathing is not None
    b = step.breathing
    pattern = [
        (BreathPhaseKind.INHALE, b.inhale),
        (BreathPhaseKind.HOLD_IN, b.hold_in),
        (BreathPhaseKind.EXHALE, b.exhale),
        (BreathPhaseKind.HOLD_OUT, b.hold_out),
    ]
    phases: list[BreathPhase] = []
    cues: list[TimedCue] = []
    t, cycle = 0.0, 0
    while t < length - 1e-9:
        if b.imagery and (
            cycle == SPOKEN_BREATHS
            or (cycle > SPOKEN_BREATHS and cycle % IMAGERY_EVERY_CYCLES == 0)
        ):
            cues.append(TimedCue(t, b.imagery, CueKind.ENCOURAGE))
        for kind, seconds in pattern:
            if seconds <= 0 or t >= length - 1e-9:
                continue
            seconds = min(seconds, length - t)
            phases.append(BreathPhase(t, seconds, kind))
            text = BREATH_WORDS[kind] if cycle < SPOKEN_BREATHS else ""
            chime = BREATH_CHIMES.get(kind)
            if text or chime:
                cues.append(TimedCue(t, text, CueKind.COUNTDOWN, chime))
            t += seconds
        cycle += 1
    return tuple(phases), cues


def _work(step: Step, index: int, set_no: int, side_no: int, next_title: str | None) -> Segment:
    sides = step.sides if len(step.sides) > 1 else ()
    side = sides[side_no] if sides else None
    last_of_step = set_no == step.sets and side_no == max(len(sides) - 1, 0)
    length = step.work_seconds()
    planned = length if length is not None else step.work_seconds(DEFAULT_SECONDS_PER_REP) or 0.0

    if side_no > 0:
        start_text, chime = f"Switch sides: {side}.", "switch"
    else:
        prefix = f"Set {set_no} of {step.sets}. " if step.sets > 1 else ""
        start_text = f"{prefix}{side.capitalize() + '. ' if side else ''}Begin."
        chime = "start"
    if length is None:
        start_text += f" {_plural(step.reps or 0, 'rep')}, at your own pace."

    cues: list[TimedCue] = []
    breath: tuple[BreathPhase, ...] = ()
    opening: TimedCue | None = None
    if step.kind is StepKind.BREATHING and length is not None:
        # The first "breathe in" (with its chime) is the start signal.
        breath, breath_cues = _breathing(step, length)
        cues.extend(breath_cues)
    else:
        opening = TimedCue(0.0, start_text, CueKind.ANNOUNCE, chime)
    if length is not None and step.kind is not StepKind.BREATHING:
        if step.kind is StepKind.REPS and step.tempo and step.tempo >= 1.5 and step.reps:
            cues.extend(
                TimedCue(i * step.tempo, str(i + 1), CueKind.COUNTDOWN) for i in range(1, step.reps)
            )
        else:
            # A cue the author wrote near the middle replaces the automatic "halfway".
            own_near_middle = any(abs(c.at - length / 2) < OWN_CUE_NEAR for c in step.cues)
            if length >= HALFWAY_MIN_SECONDS and not own_near_middle:
                cues.append(TimedCue(length / 2, "Halfway.", CueKind.ENCOURAGE))
            cues.extend(_countdown(length))
        if last_of_step and next_title and length >= NEXT_UP_MIN_SECONDS:
            next_at = length - NEXT_UP_BEFORE_END
            cues.append(TimedCue(next_at, f"Next: {next_title}.", CueKind.ANNOUNCE))
    limit = length if length is not None else math.inf
    cues.extend(TimedCue(c.at, c.say, CueKind.ANNOUNCE) for c in step.cues if c.at < limit)
    spaced, unsaid = _spaced(opening, cues, length)
    kind = SegmentKind.WORK if length is not None else SegmentKind.WAIT_DONE
    return Segment(
        kind,
        index,
        step.display_title,
        step.say,
        length,
        planned,
        set_number=set_no,
        set_count=step.sets,
        side=side,
        cues=spaced,
        breath=breath,
        unsaid=unsaid,
    )


def _check(step: Step, index: int, set_no: int) -> Segment:
    assert step.check is not None
    text = f"{step.check.question} Press Y for yes, or N for no."
    cue = TimedCue(0.0, text, CueKind.SAFETY, "check")
    return Segment(
        SegmentKind.CHECK,
        index,
        step.display_title,
        step.check.question,
        None,
        0.0,
        set_number=set_no,
        set_count=step.sets,
        cues=(cue,),
        check=step.check,
    )


def _rest(step: Step, index: int, seconds: float, text: str, set_no: int) -> Segment:
    cues = _countdown(seconds)
    if seconds >= NEXT_UP_MIN_SECONDS:
        cues.append(TimedCue(seconds / 2, "Halfway through the rest.", CueKind.ENCOURAGE))
    spaced, unsaid = _spaced(TimedCue(0.0, text, CueKind.ANNOUNCE, "rest"), cues, seconds)
    return Segment(
        SegmentKind.REST,
        index,
        "Rest" if step.kind is not StepKind.REST else step.display_title,
        text,
        seconds,
        seconds,
        set_number=set_no,
        set_count=step.sets,
        cues=spaced,
        unsaid=unsaid,
    )


def _step_segments(step: Step, index: int, routine: Routine, nxt: str | None) -> Iterator[Segment]:
    if step.kind is StepKind.REST:
        seconds = step.duration or 0.0
        yield _rest(step, index, seconds, step.say or f"Rest for {spoken_duration(seconds)}.", 1)
        return
    yield _lead_in(step, index, routine)
    for set_no in range(1, step.sets + 1):
        for side_no in range(max(len(step.sides), 1) if len(step.sides) > 1 else 1):
            yield _work(step, index, set_no, side_no, nxt)
        if step.check is not None:
            yield _check(step, index, set_no)
        left = step.sets - set_no
        if left and step.rest_between_sets > 0:
            text = f"Rest. {_plural(left, 'set')} left."
            yield _rest(step, index, step.rest_between_sets, text, set_no)


def expand(routine: Routine, resolve: Resolver) -> Timeline:
    """The full planned timeline of a routine (includes resolved with ``resolve``).

    Raises IncludeError (RoutineTooLarge when it would be too large to build)."""
    steps = flatten_checked(routine, resolve)
    body: list[Segment] = []
    for i, step in enumerate(steps):
        nxt = next((s.display_title for s in steps[i + 1 :] if s.kind is not StepKind.REST), None)
        body.extend(_step_segments(step, i, routine, nxt))
    raw = [_opening(routine, body), *body] if steps else []
    segments, t = [], 0.0
    for seg in raw:
        segments.append(replace(seg, start=t))
        t += seg.planned
    closing = f"Well done. That is the end of {routine.title}."
    return Timeline(routine, tuple(steps), tuple(segments), closing)


def reset_segment(check_segment: Segment) -> Segment:
    """The rest-and-reset that a "yes" to ``check_segment`` starts."""
    check = check_segment.check
    assert check is not None
    seconds = check.reset
    cues: list[TimedCue] = []
    if seconds >= 90:
        cues.append(TimedCue(seconds - 60, "One minute of rest left.", CueKind.ENCOURAGE))
    get_ready = seconds - RESET_GET_READY_BEFORE_END
    if get_ready > 0:
        cues.append(TimedCue(get_ready, "Get ready to try again.", CueKind.ANNOUNCE))
    # The countdown follows "get ready" without talking over it.
    cues.extend(c for c in _countdown(seconds) if c.offset > get_ready + 1.5)
    opening = TimedCue(0.0, check.reset_cue, CueKind.SAFETY, "rest")
    spaced, unsaid = _spaced(opening, cues, seconds)
    return replace(
        check_segment,
        kind=SegmentKind.RESET,
        title="Rest and reset",
        instruction=check.reset_cue,
        duration=seconds,
        planned=seconds,
        cues=spaced,
        unsaid=unsaid,
        check=None,
    )


def resets_exhausted_text(check: Check) -> str:
    return (
        f"Your lower belly has disconnected {_plural(check.max_resets + 1, 'time')} on this set. "
        "That is enough for this exercise today. Rest, then press Enter to move on."
    )


def set_segments(timeline: Timeline, check_index: int) -> list[Segment]:
    """The work segments of the set that the check at ``check_index`` followed."""
    check = timeline.segments[check_index]
    return [
        s
        for s in timeline.segments[:check_index]
        if s.step_index == check.step_index
        and s.set_number == check.set_number
        and s.kind in (SegmentKind.WORK, SegmentKind.WAIT_DONE)
    ]
