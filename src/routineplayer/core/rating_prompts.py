"""The pain questions as keys and spoken texts, shared by the window, audio-only and terminal.

A rating is one key press: 0–9 for itself and T for ten (a "1 then 0" would make 1 wait for
a possible second key, and a person on the floor should hear their answer taken at once).
S or Esc skips. Where the pain is (lower back, buttock/leg, upper back, other) is one letter;
a remembered location makes the rating before a session a single key press. The after-
session note is typed, so only the window asks for it.

``PainInterview`` is the little state machine every front-end drives with key presses;
``all_texts`` lists what it (and the high-pain notice, and the assessment) may say, so
speech can be rendered before it is needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routineplayer.core.assessment import ASSESSMENT_REPS, PAIN_QUESTION, Movement
from routineplayer.core.pain import PAIN_MAX, PAIN_MIN, PainLocation
from routineplayer.core.safety import HIGH_PAIN, high_pain_lead

TEN_KEY = "t"
SKIP_KEYS = frozenset({"s", "\x1b"})  # S, Esc
ENTER_KEYS = frozenset({"\r", "\n"})
KEYS_HINT = "Press 0–9, T for 10, or S to skip"

LOCATION_KEYS: dict[str, PainLocation] = {
    "l": PainLocation.LOWER_BACK,
    "b": PainLocation.BUTTOCK_LEG,
    "u": PainLocation.UPPER_BACK,
    "o": PainLocation.OTHER,
}
LOCATION_LABELS: dict[PainLocation, str] = {
    PainLocation.LOWER_BACK: "Lower back",
    PainLocation.BUTTOCK_LEG: "Buttock or leg",
    PainLocation.UPPER_BACK: "Upper back",
    PainLocation.OTHER: "Somewhere else",
}

BEFORE_QUESTION = (
    "Before we start: how is your pain right now, from 0 to 10? "
    "Press a number key, T for 10, or S to skip."
)
AFTER_QUESTION = (
    "How is your pain now, after the routine, from 0 to 10? "
    "Press a number key, T for 10, or S to skip."
)
LOCATION_QUESTION = (
    "Where is the pain? Press L for lower back, B for buttock or leg, U for upper back, "
    "O for somewhere else, or S to skip."
)
NOTE_QUESTION = "Add a note if you like, then press Enter. Esc saves without a note."
SKIPPED_TEXT = "Skipped. No rating recorded."
NO_PLACE_TEXT = "No place recorded."
SAVED_TEXT = "Saved."
ASSESSMENT_RATING_HINT = (
    "Then rate the pain it caused: press a number from 0 to 9, T for 10, "
    "or S if you did not try it."
)
GO_AHEAD_PROMPT = "Press G to go ahead gently, or Escape not to start."


class When(StrEnum):
    BEFORE = "before"
    AFTER = "after"


class Phase(StrEnum):
    LEVEL = "level"
    LOCATION = "location"
    NOTE = "note"
    DONE = "done"


@dataclass(frozen=True)
class PainAnswer:
    level: int | None  # None: skipped
    location: PainLocation | None = None
    note: str | None = None
    spoken: bool = False  # the rating (or the skip) was said aloud (runtime.hands_free)

    @property
    def skipped(self) -> bool:
        return self.level is None


def rating_for_key(key: str) -> int | None:
    """The rating a key gives ("0"–"9", "t" for 10), or None for any other key."""
    key = key.lower()
    if key == TEN_KEY:
        return PAIN_MAX
    if len(key) == 1 and key.isascii() and key.isdigit():
        return int(key)
    return None


def key_for_rating(level: int | None) -> str:
    """The key that gives ``level`` (None: the skip key): a spoken rating is taken as the
    key press it stands for, so it goes through the same interview (whose ``spoken`` the
    player sets)."""
    if level is None:
        return "s"
    return TEN_KEY if level == PAIN_MAX else str(level)


def is_skip_key(key: str) -> bool:
    return key.lower() in SKIP_KEYS


def location_for_key(key: str) -> PainLocation | None:
    return LOCATION_KEYS.get(key.lower())


def level_text(level: int) -> str:
    return f"Pain {level} noted."


def location_text(location: PainLocation) -> str:
    return f"{LOCATION_LABELS[location]}."


def question_for(when: When) -> str:
    return BEFORE_QUESTION if when is When.BEFORE else AFTER_QUESTION


class PainInterview:
    """One pain question driven by key presses; ``said`` is what to speak after each key.

    Before a session: the level, then (for pain above 0 with no location chosen yet) where.
    A location key pressed while the level is asked chooses the place without answering,
    so the window can offer both on one page. After a session: the level, then a typed
    note when ``ask_note`` (the window only).
    """

    def __init__(
        self,
        when: When,
        *,
        location: PainLocation | None = None,
        ask_location: bool = True,
        ask_note: bool = False,
    ) -> None:
        self.when = when
        self.phase = Phase.LEVEL
        self.level: int | None = None
        self.location = location if when is When.BEFORE else None
        self._ask_location = ask_location and when is When.BEFORE
        self._ask_note = ask_note and when is When.AFTER
        self.note: str | None = None
        self.spoken = False  # set by a player that took the rating by voice

    @property
    def done(self) -> bool:
        return self.phase is Phase.DONE

    @property
    def question(self) -> str:
        """What to ask (say, show) in the current phase; "" once done."""
        return {
            Phase.LEVEL: question_for(self.when),
            Phase.LOCATION: LOCATION_QUESTION,
            Phase.NOTE: NOTE_QUESTION,
            Phase.DONE: "",
        }[self.phase]

    @property
    def answer(self) -> PainAnswer:
        location = self.location if self.level else None  # no place for "no pain"
        return PainAnswer(self.level, location, self.note or None, self.spoken)

    def press(self, key: str) -> str | None:
        """Take one key; returns what to say about it, or None when the key means nothing.

        Keys are single characters as typed ("5", "t", "s", "\\x1b" for Esc, "\\r").
        """
        if self.phase is Phase.LEVEL:
            return self._press_level(key)
        if self.phase is Phase.LOCATION:
            return self._press_location(key)
        if self.phase is Phase.NOTE and (key in ENTER_KEYS or is_skip_key(key)):
            # Typed letters go to the note field, so only Enter and Esc arrive here.
            return self.finish_note(None)
        return None

    def _press_level(self, key: str) -> str | None:
        location = location_for_key(key)
        if location is not None and self._ask_location:
            self.location = location
            return location_text(location)
        if is_skip_key(key):
            self.phase = Phase.DONE
            return SKIPPED_TEXT
        level = rating_for_key(key)
        if level is None:
            return None
        self.level = level
        if level > PAIN_MIN and self._ask_location and self.location is None:
            self.phase = Phase.LOCATION
            return f"{level_text(level)} {LOCATION_QUESTION}"
        self.phase = Phase.NOTE if self._ask_note else Phase.DONE
        return level_text(level)

    def _press_location(self, key: str) -> str | None:
        location = location_for_key(key)
        if location is None and not is_skip_key(key) and key not in ENTER_KEYS:
            return None
        self.location = location
        self.phase = Phase.DONE
        return location_text(location) if location else NO_PLACE_TEXT

    def finish_note(self, note: str | None) -> str:
        """The note phase is over: keep ``note`` (None or "" for none)."""
        self.note = (note or "").strip() or None
        self.phase = Phase.DONE
        return SAVED_TEXT


def high_pain_notice_text(pain_before: int) -> str:
    """Said when a rating of HIGH_PAIN or more brings the safety notice back before play."""
    return f"{high_pain_lead(pain_before)} {GO_AHEAD_PROMPT}"


def movement_prompt(movement: Movement) -> str:
    """What the assessment says for one movement: how to do it, then how to rate it."""
    sides = ""
    if movement.sides:
        sides = f" Do it on each side: {' then '.join(movement.sides)}."
    return (
        f"{movement.name}. {movement.instruction}{sides} Try it {ASSESSMENT_REPS} times, "
        f"slowly. {PAIN_QUESTION} {ASSESSMENT_RATING_HINT}"
    )


def all_texts(movements: tuple[Movement, ...] = ()) -> list[str]:
    """Every text a pain question (and the assessment of ``movements``) may say, once each."""
    texts = [BEFORE_QUESTION, AFTER_QUESTION, LOCATION_QUESTION, NOTE_QUESTION, SKIPPED_TEXT]
    texts += [level_text(n) for n in range(PAIN_MIN, PAIN_MAX + 1)]
    texts += [f"{level_text(n)} {LOCATION_QUESTION}" for n in range(PAIN_MIN + 1, PAIN_MAX + 1)]
    texts += [location_text(loc) for loc in PainLocation]
    texts += [NO_PLACE_TEXT, SAVED_TEXT]
    texts += [high_pain_notice_text(n) for n in range(HIGH_PAIN, PAIN_MAX + 1)]
    texts += [movement_prompt(m) for m in movements]
    return list(dict.fromkeys(texts))
