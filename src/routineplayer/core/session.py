"""The session state machine: walks a Timeline on an injected monotonic clock.

Nothing here sleeps or counts ticks. Each segment has a start time on the session clock;
its deadline is start + duration, and each cue is due at start + offset. ``tick(now)``
returns every event that came due since the last call, in order, each stamped with the
time it was *scheduled* for, and the next segment starts at the previous one's deadline, not
at the tick that noticed it — so ticking every 100 ms, every second or at odd moments gives
the same timeline, with no drift.

Commands (start, pause, …) first catch up to now, so the events they return may include
ones that came due just before the command, followed by the ones the command caused.

Decisions (see issue 3):

- **Back** restarts the current step from its lead-in, so a person who reached for the key
  hears the step announced again and gets the 3-2-1 before the work starts (a rest step has
  no lead-in and restarts its rest). Another back less than BACK_AGAIN_WITHIN seconds after
  the previous one goes to the start of the previous step (the opening at most).
- **Skip** moves to the next segment. From a check it records no answer and counts the set
  as skipped; after RESETS_EXHAUSTED it moves on, like ``primary``. A set skipped in whole or
  in part is not checked: its check is passed over (no question, no answer), since there was
  no set to ask about, and the set is recorded as skipped.
- **Paused**: skip and back move while staying paused (the new segment's clock starts on
  resume); done, answer_check and moving on are answers, and an answer resumes first.
- **Resets exhausted**: the session stays CHECKING with ``resets_exhausted`` set and no
  timer; ``primary``, ``skip``, ``done`` or a "no" moves on to the next *step* (the message
  says the exercise is done for today); the sets left of that step are recorded as skipped.
- **Clock jumps**: a cue more than CUE_STALE_AFTER seconds overdue is emitted as
  CUE_DROPPED (never spoken), except a check's question, which stays relevant until it is
  answered. If more than SLEEP_JUMP seconds passed since the session last looked at the clock
  while a timer or cue was pending (the laptop slept), the session pauses itself at the last
  time it knew, so nothing is skipped and nothing stale is said. A check waits without a
  timer, so a long wait there is no jump.
- Reset counts belong to a set for the whole session: going back does not reset them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from routineplayer.core.clocks import session_clock
from routineplayer.core.model import StepKind
from routineplayer.core.summary import Ledger, SetOutcome, SetResult, Summary
from routineplayer.core.timeline import (
    TEXT_PAUSED,
    TEXT_PAUSED_AFTER_SLEEP,
    TEXT_RESUMED,
    TEXT_STOPPED,
    CueKind,
    Segment,
    SegmentKind,
    TimedCue,
    Timeline,
    reset_segment,
    resets_exhausted_text,
    set_segments,
)

CUE_STALE_AFTER = 1.0  # seconds overdue after which a cue is dropped, not said
SLEEP_JUMP = 30.0  # a gap this long between looks at the clock means the machine slept
BACK_AGAIN_WITHIN = 3.0  # a second back this soon goes to the previous step
CLOSING_CHIME = "done"


class State(StrEnum):
    IDLE = "idle"
    LEAD_IN = "lead-in"
    WORKING = "working"
    WAITING_DONE = "waiting-done"  # a rep set without tempo: done() ends it
    RESTING = "resting"
    CHECKING = "checking"  # no timer runs; waits for an answer for as long as it takes
    RESETTING = "resetting"  # the rest-and-reset after a "yes"
    PAUSED = "paused"
    FINISHED = "finished"  # played to the end, or stopped


RUNNING = frozenset(
    {
        State.LEAD_IN,
        State.WORKING,
        State.WAITING_DONE,
        State.RESTING,
        State.CHECKING,
        State.RESETTING,
    }
)

STATE_OF_SEGMENT = {
    SegmentKind.LEAD_IN: State.LEAD_IN,
    SegmentKind.WORK: State.WORKING,
    SegmentKind.WAIT_DONE: State.WAITING_DONE,
    SegmentKind.REST: State.RESTING,
    SegmentKind.CHECK: State.CHECKING,
    SegmentKind.RESET: State.RESETTING,
}

_SET_KINDS = (SegmentKind.WORK, SegmentKind.WAIT_DONE)


class EventKind(StrEnum):
    SEGMENT_STARTED = "segment-started"
    CUE = "cue"
    CHECK_ASKED = "check-asked"  # text: the question
    CHECK_ANSWERED = "check-answered"  # text: "yes" or "no"
    RESET_STARTED = "reset-started"  # text: the reset cue
    RESETS_EXHAUSTED = "resets-exhausted"  # text: what to do now
    PAUSED = "paused"
    RESUMED = "resumed"
    STATE_CHANGED = "state-changed"
    FINISHED = "finished"
    STOPPED = "stopped"
    CUE_DROPPED = "cue-dropped"  # more than CUE_STALE_AFTER late: shown in logs, never said
    SET_ENDED = "set-ended"  # result: the set's record, as soon as the set is over


@dataclass(frozen=True)
class Event:
    kind: EventKind
    at: float  # scheduled time on the session clock (monotonic seconds)
    segment_index: int  # into Session.segments; len(segments) once finished
    segment: Segment | None
    cue: TimedCue | None = None  # CUE / CUE_DROPPED (text "" = chime only)
    state: State | None = None  # STATE_CHANGED: the new state
    text: str = ""
    result: SetResult | None = None  # SET_ENDED


class Session:
    """One play of a timeline. Not thread-safe: drive it from one thread."""

    def __init__(self, timeline: Timeline, clock: Callable[[], float] = session_clock) -> None:
        self.timeline = timeline
        self._clock = clock
        self._segments: list[Segment] = list(timeline.segments)
        # For each live segment: its index in timeline.segments (an inserted one: the index
        # of the check that caused it) and whether the session inserted it.
        self._origin: list[int] = list(range(len(self._segments)))
        self._inserted: list[bool] = [False] * len(self._segments)
        self._index = 0
        self._state = State.IDLE
        self._resume_state = State.IDLE  # what a pause returns to
        self._seg_start = 0.0  # when the current segment started, shifted by pauses
        self._frozen = 0.0  # elapsed in the segment while paused
        self._next_cue = 0
        self._known = 0.0  # everything due up to this time has been emitted
        self._now = 0.0  # the time of the current call
        self._started_at: float | None = None
        self._ended_at: float | None = None
        self._pause_began = 0.0
        self._paused_total = 0.0
        self._last_back: float | None = None
        self._exhausted = False
        self._stopped = False
        self._stopped_at_step: int | None = None
        self._ledger = Ledger()
        self._out: list[Event] = []

    # -- what the views read -------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def resume_state(self) -> State:
        """The state a pause interrupted (the current state when not paused)."""
        return self._resume_state if self._state is State.PAUSED else self._state

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The live list: the timeline's segments plus the resets and replays inserted."""
        return tuple(self._segments)

    @property
    def segment_index(self) -> int:
        return self._index

    @property
    def segment(self) -> Segment | None:
        return self._segments[self._index] if self._index < len(self._segments) else None

    @property
    def resets_exhausted(self) -> bool:
        """A "yes" came once too often for this set: waiting for the user to move on."""
        return self._exhausted

    def now(self) -> float:
        return self._clock()

    @property
    def clock(self) -> Callable[[], float]:
        return self._clock

    def elapsed_in_segment(self, now: float | None = None) -> float:
        if self._state is State.PAUSED:
            return self._frozen
        seg = self.segment
        if self._state in (State.IDLE, State.FINISHED) or seg is None:
            return 0.0
        elapsed = max(0.0, (self._clock() if now is None else now) - self._seg_start)
        return elapsed if seg.duration is None else min(elapsed, seg.duration)

    def remaining(self, now: float | None = None) -> float | None:
        """Deadline - now for a timed segment; None when open-ended, idle or finished."""
        seg = self.segment
        if seg is None or seg.duration is None or self._state in (State.IDLE, State.FINISHED):
            return None
        return max(0.0, seg.duration - self.elapsed_in_segment(now))

    def next_due(self) -> float | None:
        """When the next cue or deadline falls due (session clock); None if nothing will."""
        seg = self.segment
        if self._state not in RUNNING or seg is None:
            return None
        times = [self._seg_start + seg.duration] if seg.duration is not None else []
        if self._next_cue < len(seg.cues):
            times.append(self._seg_start + seg.cues[self._next_cue].offset)
        return min(times) if times else None

    def upcoming_cues(self, until: float) -> list[tuple[float, int, TimedCue]]:
        """The cues the session will emit up to ``until`` if no command comes first, as
        (at, segment index, cue), in order; nothing while paused or waiting for an answer.

        For scheduling sound ahead of time (the output's latency): a command may change the
        future, so whoever schedules from this cancels what has not sounded on a command.
        Walks the same rule as ``_advance`` without changing anything.
        """
        out: list[tuple[float, int, TimedCue]] = []
        if self._state not in RUNNING:
            return out
        index, next_cue, seg_start = self._index, self._next_cue, self._seg_start
        while index < len(self._segments):
            seg = self._segments[index]
            if self._passed_over(seg):  # as _enter does
                index += 1
                continue
            deadline = None if seg.duration is None else seg_start + seg.duration
            for cue in seg.cues[next_cue:]:
                at = seg_start + cue.offset
                if at > until or (deadline is not None and at > deadline):
                    return out
                out.append((at, index, cue))
            if deadline is None or deadline > until:
                return out
            index, next_cue, seg_start = index + 1, 0, deadline
        if seg_start <= until:  # the closing words, said as the routine finishes
            out.append((seg_start, index, self._closing_cue()))
        return out

    def progress(self, now: float | None = None) -> float:
        """0..1 through the planned timeline; inserted resets and replays hold it still."""
        total = self.timeline.total
        seg = self.segment
        if seg is None:
            return 1.0 if self._state is State.FINISHED else 0.0
        if total <= 0:
            return 0.0
        planned = self.timeline.segments[self._origin[self._index]]
        if self._inserted[self._index]:
            position = planned.start  # the check's place, at the end of the set
        else:
            position = planned.start + min(self.elapsed_in_segment(now), planned.planned)
        return min(1.0, max(0.0, position / total))

    def summary(self) -> Summary:
        start = self._started_at
        end = self._ended_at if self._ended_at is not None else self._clock()
        paused = self._paused_total
        if self._state is State.PAUSED:
            paused += max(0.0, end - self._pause_began)
        exercises = [step for step in self.timeline.steps if step.kind is not StepKind.REST]
        return self._ledger.summary(
            self.timeline.routine.title,
            finished=self._state is State.FINISHED and not self._stopped,
            stopped=self._stopped,
            time_spent=0.0 if start is None else end - start,
            paused=paused,
            stopped_at_step=self._stopped_at_step,
            sets_planned=sum(step.sets for step in exercises),
            exercises_planned=len(exercises),
        )

    # -- commands ------------------------------------------------------------------------------

    def tick(self, now: float | None = None) -> list[Event]:
        self._begin(now)
        return self._take()

    def start(self) -> list[Event]:
        self._begin()
        if self._state is State.IDLE:
            self._start()
        return self._take()

    def pause(self) -> list[Event]:
        self._begin()
        if self._state in RUNNING:
            self._pause(self._now, self._now)
        return self._take()

    def resume(self) -> list[Event]:
        self._begin()
        if self._state is State.PAUSED:
            self._resume()
        return self._take()

    def toggle_pause(self) -> list[Event]:
        if not self._begin():  # after a sleep the key only reveals that we paused
            if self._state is State.PAUSED:
                self._resume()
            elif self._state in RUNNING:
                self._pause(self._now, self._now)
        return self._take()

    def primary(self) -> list[Event]:
        """The one key for everything: move on, resume, done, start, or else pause."""
        if not self._begin():
            if self._exhausted:
                self._move_on()
            elif self._state is State.PAUSED:
                self._resume()
            elif self._state is State.WAITING_DONE:
                self._done()
            elif self._state is State.IDLE:
                self._start()
            elif self._state in RUNNING:
                self._pause(self._now, self._now)
        return self._take()

    def done(self) -> list[Event]:
        """Ends a rep set that waits for done (and moves on after RESETS_EXHAUSTED)."""
        self._begin()
        if self._exhausted:
            self._move_on()
        elif self.resume_state is State.WAITING_DONE:
            self._done()
        return self._take()

    def skip(self) -> list[Event]:
        self._begin()
        seg = self.segment
        if self._exhausted:
            self._move_on()
        elif seg is not None and self._state not in (State.IDLE, State.FINISHED):
            if seg.kind is SegmentKind.CHECK:
                self._end_set(self._ledger.close(seg, SetOutcome.SKIPPED), self._now)
            elif seg.kind in _SET_KINDS:
                self._ledger.mark_skipped(seg)
            elif seg.step_index >= 0 and self._is_rest_step(seg):
                self._ledger.skip_rest_step(seg.step_index)
            self._forward(self._now)
            self._advance()
        return self._take()

    def back(self) -> list[Event]:
        self._begin()
        if self._state not in (State.IDLE, State.FINISHED):
            now = self._now
            target = self._step_start(self._index)
            again = self._last_back is not None and now - self._last_back < BACK_AGAIN_WITHIN
            if again and target > 0:
                target = self._step_start(target - 1)
            self._last_back = now
            self._drop_inserted_after(target)
            self._ledger.discard_open()
            self._enter(target, now)
            self._advance()
        return self._take()

    def answer_check(self, yes: bool) -> list[Event]:
        self._begin()
        seg = self.segment
        if self.resume_state is not State.CHECKING or seg is None or seg.check is None:
            return self._take()
        if self._exhausted:
            if not yes:
                self._move_on()
            return self._take()
        if self._state is State.PAUSED:
            self._resume()
        now = self._now
        self._ledger.answer(seg, yes, self.elapsed_in_segment(now))
        self._emit(EventKind.CHECK_ANSWERED, now, text="yes" if yes else "no")
        if not yes:
            self._end_set(self._ledger.close(seg, answer=False), now)
            self._forward(now)
        elif self._ledger.resets(seg) < seg.check.max_resets:
            self._ledger.retry(seg)
            self._emit(EventKind.RESET_STARTED, now, text=seg.check.reset_cue)
            self._insert_retry(seg)
            self._forward(now)
        else:
            result = self._ledger.close(seg, SetOutcome.RESETS_EXHAUSTED, answer=True)
            self._end_set(result, now)
            text = resets_exhausted_text(seg.check)
            self._emit(EventKind.RESETS_EXHAUSTED, now, text=text)
            self._emit_cue(TimedCue(self.elapsed_in_segment(now), text, CueKind.SAFETY), now)
            self._exhausted = True
        self._advance()
        return self._take()

    def stop(self) -> list[Event]:
        self._out = []
        if self._state in (State.IDLE, State.FINISHED):
            return []
        now = self._now = max(self._clock(), self._known)
        for result in self._ledger.stop_open():
            self._end_set(result, now)
        seg = self.segment
        self._stopped_at_step = seg.step_index if seg is not None else None
        self._stopped = True
        self._end(now)
        self._emit(EventKind.STOPPED, now)
        self._set_state(State.FINISHED, now)
        self._emit_cue(TimedCue(0.0, TEXT_STOPPED, CueKind.ANNOUNCE), now)
        return self._take()

    # -- the walk ------------------------------------------------------------------------------

    def _begin(self, now: float | None = None) -> bool:
        """Start a call at ``now``: catch up with everything due. True if it paused itself."""
        self._out = []
        now = self._clock() if now is None else now
        self._now = max(now, self._known)  # a clock that steps back means no time passed
        if (
            self._state in RUNNING
            and self._now - self._known > SLEEP_JUMP
            and self.next_due() is not None
        ):
            self._pause(self._known, self._now, TEXT_PAUSED_AFTER_SLEEP)
            self._known = self._now
            return True
        self._advance()
        return False

    def _advance(self) -> None:
        now = self._now
        while self._state in RUNNING:
            seg = self._segments[self._index]
            deadline = None if seg.duration is None else self._seg_start + seg.duration
            if self._next_cue < len(seg.cues):
                cue = seg.cues[self._next_cue]
                at = self._seg_start + cue.offset
                if at <= now and (deadline is None or at <= deadline):
                    self._next_cue += 1
                    self._emit_cue(cue, at, keep=seg.kind is SegmentKind.CHECK)
                    continue
            if deadline is None or deadline > now:
                break
            self._forward(deadline)
        self._known = now

    def _forward(self, at: float) -> None:
        """Leave the current segment for the next one (or the end) at ``at``."""
        seg = self._segments[self._index]
        nxt = self._index + 1
        if seg.kind in _SET_KINDS and not self._has_check(seg):
            following = self._segments[nxt] if nxt < len(self._segments) else None
            same_set = (
                following is not None
                and following.kind in _SET_KINDS
                and (following.step_index, following.set_number) == (seg.step_index, seg.set_number)
            )
            if not same_set:
                self._end_set(self._ledger.close(seg), at)
        self._enter(nxt, at)

    def _enter(self, index: int, at: float) -> None:
        self._index = index
        self._next_cue = 0
        self._exhausted = False
        self._seg_start = at
        self._frozen = 0.0
        if index >= len(self._segments):
            self._finish(at)
            return
        seg = self._segments[index]
        if self._passed_over(seg):
            self._end_set(self._ledger.close(seg), at)
            self._enter(index + 1, at)
            return
        if seg.kind in _SET_KINDS:
            self._ledger.open(seg)
        self._emit(EventKind.SEGMENT_STARTED, at)
        state = STATE_OF_SEGMENT[seg.kind]
        if self._state is State.PAUSED:
            self._resume_state = state
        else:
            self._set_state(state, at)
        if seg.kind is SegmentKind.CHECK:
            self._emit(EventKind.CHECK_ASKED, at, text=seg.instruction)

    def _start(self) -> None:
        now = self._now
        self._started_at = self._known = now
        self._enter(0, now)
        self._advance()

    def _finish(self, at: float) -> None:
        self._end(at)
        self._emit(EventKind.FINISHED, at)
        self._set_state(State.FINISHED, at)
        self._emit_cue(self._closing_cue(), at)

    def _closing_cue(self) -> TimedCue:
        return TimedCue(0.0, self.timeline.closing_text, CueKind.ANNOUNCE, CLOSING_CHIME)

    def _end(self, at: float) -> None:
        if self._state is State.PAUSED:
            self._paused_total += at - self._pause_began
        self._ended_at = at

    def _pause(self, at: float, said_at: float, text: str = TEXT_PAUSED) -> None:
        """Freeze the segment clock at ``at``; the pause is announced at ``said_at``."""
        self._frozen = self.elapsed_in_segment(at)
        self._resume_state = self._state
        self._pause_began = at
        self._emit(EventKind.PAUSED, at)
        self._set_state(State.PAUSED, at)
        self._emit_cue(TimedCue(self._frozen, text, CueKind.ANNOUNCE), said_at)

    def _resume(self) -> None:
        now = self._now
        self._seg_start = now - self._frozen
        self._paused_total += now - self._pause_began
        self._emit(EventKind.RESUMED, now)
        self._set_state(self._resume_state, now)
        self._emit_cue(TimedCue(self._frozen, TEXT_RESUMED, CueKind.ANNOUNCE), now)
        self._advance()

    def _done(self) -> None:
        if self._state is State.PAUSED:
            self._resume()
        self._forward(self._now)
        self._advance()

    def _move_on(self) -> None:
        """After RESETS_EXHAUSTED: the rest of this step is skipped; on to the next step."""
        if self._state is State.PAUSED:
            self._resume()
        seg = self._segments[self._index]
        now = self._now
        for later in range(seg.set_number + 1, seg.set_count + 1):
            unplayed = self._ledger.close(_with_set(seg, later), SetOutcome.SKIPPED)
            self._end_set(unplayed, now)
        target = self._index
        while target < len(self._segments) and (
            self._segments[target].step_index == seg.step_index
        ):
            target += 1
        self._enter(target, now)
        self._advance()

    def _insert_retry(self, check: Segment) -> None:
        """After the current check: the rest-and-reset, the set again, the check again."""
        origin = self._origin[self._index]
        retry = [reset_segment(check), *set_segments(self.timeline, origin), check]
        at = self._index + 1
        self._segments[at:at] = retry
        self._origin[at:at] = [origin] * len(retry)
        self._inserted[at:at] = [True] * len(retry)

    def _drop_inserted_after(self, index: int) -> None:
        keep = [i for i in range(len(self._segments)) if i <= index or not self._inserted[i]]
        self._segments = [self._segments[i] for i in keep]
        self._origin = [self._origin[i] for i in keep]
        self._inserted = [self._inserted[i] for i in keep]

    def _step_start(self, index: int) -> int:
        step = self._segments[index].step_index
        while index > 0 and self._segments[index - 1].step_index == step:
            index -= 1
        return index

    def _passed_over(self, seg: Segment) -> bool:
        """A check after a skipped set: never asked, so never answered or counted."""
        return seg.kind is SegmentKind.CHECK and self._ledger.skipped(seg)

    def _has_check(self, seg: Segment) -> bool:
        return seg.step_index >= 0 and self.timeline.steps[seg.step_index].check is not None

    def _is_rest_step(self, seg: Segment) -> bool:
        return seg.step_index >= 0 and self.timeline.steps[seg.step_index].kind is StepKind.REST

    # -- emitting ------------------------------------------------------------------------------

    def _emit(
        self,
        kind: EventKind,
        at: float,
        *,
        cue: TimedCue | None = None,
        state: State | None = None,
        text: str = "",
        result: SetResult | None = None,
    ) -> None:
        event = Event(kind, at, self._index, self.segment, cue, state, text, result)
        self._out.append(event)

    def _emit_cue(self, cue: TimedCue, at: float, *, keep: bool = False) -> None:
        stale = self._now - at > CUE_STALE_AFTER and not keep
        kind = EventKind.CUE_DROPPED if stale else EventKind.CUE
        self._emit(kind, at, cue=cue, text=cue.text)

    def _set_state(self, state: State, at: float) -> None:
        if state is not self._state:
            self._state = state
            self._emit(EventKind.STATE_CHANGED, at, state=state)

    def _end_set(self, result: SetResult, at: float) -> None:
        self._emit(EventKind.SET_ENDED, at, result=result)

    def _take(self) -> list[Event]:
        out, self._out = self._out, []
        return out


def _with_set(seg: Segment, set_number: int) -> Segment:
    """``seg`` standing for another set of the same step (to record that set)."""
    return replace(seg, set_number=set_number)
