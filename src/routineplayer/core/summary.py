"""What a played session amounts to: sets done, each check answer, resets, skips and time.

The session keeps a Ledger as it plays; ``Ledger.summary`` is what the player shows at the
end and what the journal stores. A set is keyed by (step index, set number): a step with
sides has one set record covering both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routineplayer.core.timeline import Segment


class SetOutcome(StrEnum):
    COMPLETED = "completed"
    SKIPPED = "skipped"  # the user skipped some of it, or it was never played (moved on)
    RESETS_EXHAUSTED = "resets-exhausted"  # "yes" once more than max_resets allows
    STOPPED = "stopped"  # the routine was stopped during this set


@dataclass(frozen=True)
class SetResult:
    step_index: int  # into Timeline.steps
    step_title: str
    set_number: int  # 1-based
    outcome: SetOutcome
    resets: int  # rest-and-resets taken on this set
    check_answer: bool | None  # the last answer; None: no check, or it was never answered


@dataclass(frozen=True)
class CheckAnswer:
    step_index: int
    step_title: str
    set_number: int
    attempt: int  # 1 for the first try at the set, 2 after one rest-and-reset, ...
    yes: bool
    waited: float  # seconds from the question to the answer (a check has no time limit)


@dataclass(frozen=True)
class Summary:
    routine_title: str
    finished: bool  # played to its end
    stopped: bool  # ended by stop()
    time_spent: float  # seconds from start to the end (or to now), pauses included
    paused: float  # seconds of that spent paused
    sets: tuple[SetResult, ...]  # in routine order
    checks: tuple[CheckAnswer, ...]  # in the order they were answered
    steps_skipped: tuple[int, ...]  # step indices with a skipped set, or a skipped rest step
    stopped_at_step: int | None = None  # step index where stop() was pressed
    # The whole routine's sets (a timed exercise is one set), and its exercises (rest steps
    # aside): "done" counts against these, not only against the sets that were reached.
    sets_planned: int = 0
    exercises_planned: int = 0

    @property
    def active(self) -> float:
        return self.time_spent - self.paused

    @property
    def sets_completed(self) -> int:
        return sum(r.outcome is SetOutcome.COMPLETED for r in self.sets)

    @property
    def resets_taken(self) -> int:
        return sum(r.resets for r in self.sets)


Key = tuple[int, int]


def _key(seg: Segment) -> Key:
    return (seg.step_index, seg.set_number)


@dataclass
class _Try:
    segment: Segment  # any segment of the set: it names the step and the set
    skipped: bool = False


class Ledger:
    """The running record of every set; the session tells it what happens to each."""

    def __init__(self) -> None:
        self._open: dict[Key, _Try] = {}  # sets under way
        self._results: dict[Key, SetResult] = {}
        self._resets: dict[Key, int] = {}
        self._checks: list[CheckAnswer] = []
        self._skipped_rest_steps: set[int] = set()

    def open(self, seg: Segment) -> None:
        self._open.setdefault(_key(seg), _Try(seg))

    def mark_skipped(self, seg: Segment) -> None:
        self._open.setdefault(_key(seg), _Try(seg)).skipped = True

    def skipped(self, seg: Segment) -> bool:
        """Some of the set under way was skipped (its check, if any, is then not asked)."""
        tried = self._open.get(_key(seg))
        return tried is not None and tried.skipped

    def skip_rest_step(self, step_index: int) -> None:
        self._skipped_rest_steps.add(step_index)

    def resets(self, seg: Segment) -> int:
        return self._resets.get(_key(seg), 0)

    def answer(self, seg: Segment, yes: bool, waited: float) -> None:
        attempt = self.resets(seg) + 1
        self._checks.append(
            CheckAnswer(seg.step_index, seg.title, seg.set_number, attempt, yes, waited)
        )

    def retry(self, seg: Segment) -> None:
        """A rest-and-reset was taken: the set stays under way and starts a fresh try."""
        self._resets[_key(seg)] = self.resets(seg) + 1
        self._open[_key(seg)] = _Try(seg)

    def close(
        self, seg: Segment, outcome: SetOutcome | None = None, answer: bool | None = None
    ) -> SetResult:
        """The set is over; without an outcome it is completed unless part was skipped."""
        tried = self._open.pop(_key(seg), None)
        if outcome is None:
            skipped = tried is not None and tried.skipped
            outcome = SetOutcome.SKIPPED if skipped else SetOutcome.COMPLETED
        result = SetResult(
            seg.step_index, seg.title, seg.set_number, outcome, self.resets(seg), answer
        )
        self._results[_key(seg)] = result
        return result

    def discard_open(self) -> None:
        """Going back: the sets under way will be played again from their start."""
        self._open.clear()

    def stop_open(self) -> list[SetResult]:
        tries = list(self._open.values())
        return [self.close(t.segment, SetOutcome.STOPPED) for t in tries]

    def summary(
        self,
        routine_title: str,
        *,
        finished: bool,
        stopped: bool,
        time_spent: float,
        paused: float,
        stopped_at_step: int | None,
        sets_planned: int = 0,
        exercises_planned: int = 0,
    ) -> Summary:
        sets = tuple(self._results[k] for k in sorted(self._results))
        skipped = {r.step_index for r in sets if r.outcome is SetOutcome.SKIPPED}
        return Summary(
            routine_title,
            finished,
            stopped,
            time_spent,
            paused,
            sets,
            tuple(self._checks),
            tuple(sorted(skipped | self._skipped_rest_steps)),
            stopped_at_step,
            sets_planned,
            exercises_planned,
        )
