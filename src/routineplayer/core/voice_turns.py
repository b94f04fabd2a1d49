"""What happens after a spoken answer is heard: confirm it aloud, hold it for the undo window,
ask again once when unsure, then leave the question to the keys. Pure logic on explicit
times (no Qt, no clock): runtime/hands_free.py feeds it and carries out what it returns.

The rules (issue: hands-free answers):

- A sure answer is confirmed aloud at once ("Yes: rest and reset.") and held for
  ``HOLD_S``. It is carried out when the hold ends. Within the hold, a different answer
  ("no", "no, I said no") replaces it, and any key press cancels it (the key then does
  what it always does). Holding, rather than carrying out and reversing, means an undone
  answer leaves no trace in the session: nothing to roll back, the same from both players.
- "pause" and "carry on" are carried out at once: each is the other's undo, and a person
  who says "pause" needs the clock stopped now, not in 3 s. They also cancel a held answer.
- An unsure answer asks again once ("Sorry, yes or no?"); a second unsure one says which
  keys answer, and the question is left to the keys: no more listening until the next one.
- Anything heard that is not an answer (a word to someone in the room) is ignored: it is
  not a failed attempt at answering.
"""

from __future__ import annotations

from dataclasses import dataclass

from routineplayer.core.voice_answers import Kind, Moment, VoiceAnswer

HOLD_S = 3.0  # the undo window

_CONFIRM = {
    Kind.YES: "Yes: rest and reset.",
    Kind.NO: "No: carry on.",
    Kind.SKIP: "Skipped.",
    Kind.PAUSE: "Paused.",
    Kind.CARRY_ON: "Carrying on.",
    Kind.NEXT: "Next step.",
    Kind.STOP: "Stopping the routine.",
}
_ASK_AGAIN = {
    Moment.CHECK: "Sorry, was that yes or no?",
    Moment.PAIN: "Sorry, say a number from zero to ten, or skip.",
    Moment.PLAY: "Sorry, say pause, carry on, next or stop.",
}
_KEYS = {
    Moment.CHECK: "Please press Y for yes or N for no.",
    Moment.PAIN: "Please type the number on the keyboard.",
    Moment.PLAY: "Please use the keys.",
}
_AT_ONCE = frozenset({Kind.PAUSE, Kind.CARRY_ON})


def confirmation(answer: VoiceAnswer) -> str:
    """What is said back as an answer is taken."""
    if answer.kind is Kind.PAIN:
        return f"Pain {answer.pain}."
    return _CONFIRM[answer.kind]


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Apply:
    answer: VoiceAnswer


@dataclass(frozen=True)
class Cancelled:
    answer: VoiceAnswer  # the held answer that will not be carried out


@dataclass(frozen=True)
class KeysOnly:
    """Two unsure answers: stop listening for this question; the keys answer it."""


Action = Say | Apply | Cancelled | KeysOnly


@dataclass
class _Held:
    answer: VoiceAnswer
    due: float


class VoiceTurns:
    """One question at a time; ``ask`` starts the next (or the play commands' turn)."""

    def __init__(self, hold_s: float = HOLD_S) -> None:
        self.hold_s = hold_s
        self.moment: Moment | None = None
        self._turn: object = None
        self._held: _Held | None = None
        self._unsure = 0
        self._keys_only = False

    @property
    def held(self) -> VoiceAnswer | None:
        return self._held.answer if self._held is not None else None

    @property
    def due(self) -> float | None:
        """When the held answer is to be carried out."""
        return self._held.due if self._held is not None else None

    @property
    def listening(self) -> bool:
        """False once a question was left to the keys."""
        return self.moment is not None and not self._keys_only

    def ask(self, moment: Moment | None, turn: object = None) -> list[Action]:
        """A new question, or none; ``turn`` tells two questions of one moment apart (the
        step playing). A held answer of the turn before is cancelled, never carried out:
        the session has moved on, and "next" said at a step's end must not skip the step
        after it."""
        if (moment, turn) == (self.moment, self._turn):
            return []
        actions = self._cancel()
        self.moment = moment
        self._turn = turn
        self._unsure = 0
        self._keys_only = False
        return actions

    def heard(self, answer: VoiceAnswer | None, sure: bool, now: float) -> list[Action]:
        if answer is None or not self.listening:
            return []
        if not sure:
            if self._held is not None:
                return []  # a held answer stands until a sure one replaces it
            self._unsure += 1
            assert self.moment is not None
            if self._unsure == 1:
                return [Say(_ASK_AGAIN[self.moment])]
            self._keys_only = True
            return [Say(_KEYS[self.moment]), KeysOnly()]
        self._unsure = 0
        if answer.kind in _AT_ONCE:
            actions: list[Action] = self._cancel()
            return [*actions, Apply(answer), Say(confirmation(answer))]
        if self._held is not None and self._held.answer == answer:
            return []  # said twice: the first hold stands
        actions = self._cancel()
        self._held = _Held(answer, now + self.hold_s)
        return [*actions, Say(confirmation(answer))]

    def key_pressed(self) -> list[Action]:
        """Any key: a held answer is cancelled (the key does its own thing)."""
        return self._cancel()

    def tick(self, now: float) -> list[Action]:
        if self._held is not None and now >= self._held.due:
            return self._release()
        return []

    def _release(self) -> list[Action]:
        held, self._held = self._held, None
        return [Apply(held.answer)] if held is not None else []

    def _cancel(self) -> list[Action]:
        held, self._held = self._held, None
        return [Cancelled(held.answer)] if held is not None else []
