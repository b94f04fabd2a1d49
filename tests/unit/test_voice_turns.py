"""core.voice_turns: confirm, hold for the undo window, ask again once, then keys."""

from __future__ import annotations

from routineplayer.core.voice_answers import Kind, Moment, VoiceAnswer
from routineplayer.core.voice_turns import (
    HOLD_S,
    Apply,
    Cancelled,
    KeysOnly,
    Say,
    VoiceTurns,
    confirmation,
)

YES = VoiceAnswer(Kind.YES)
NO = VoiceAnswer(Kind.NO)
PAUSE = VoiceAnswer(Kind.PAUSE)
NEXT = VoiceAnswer(Kind.NEXT)


def at_check() -> VoiceTurns:
    turns = VoiceTurns()
    assert turns.ask(Moment.CHECK, 3) == []
    return turns


def test_a_sure_answer_is_confirmed_at_once_and_carried_out_when_the_hold_ends() -> None:
    turns = at_check()
    assert turns.heard(YES, True, 10.0) == [Say("Yes: rest and reset.")]
    assert turns.held == YES
    assert turns.due == 10.0 + HOLD_S
    assert turns.tick(10.0 + HOLD_S - 0.01) == []
    assert turns.tick(10.0 + HOLD_S) == [Apply(YES)]
    assert turns.held is None
    assert turns.tick(20.0) == []


def test_the_other_answer_within_the_hold_replaces_the_first() -> None:
    turns = at_check()
    turns.heard(YES, True, 10.0)
    assert turns.heard(NO, True, 11.0) == [Cancelled(YES), Say("No: carry on.")]
    assert turns.tick(10.0 + HOLD_S) == []  # the first hold's end: nothing
    assert turns.tick(11.0 + HOLD_S) == [Apply(NO)]


def test_the_same_answer_twice_keeps_the_first_hold() -> None:
    turns = at_check()
    turns.heard(YES, True, 10.0)
    assert turns.heard(YES, True, 12.0) == []
    assert turns.tick(10.0 + HOLD_S) == [Apply(YES)]


def test_a_key_cancels_a_held_answer() -> None:
    turns = at_check()
    turns.heard(YES, True, 10.0)
    assert turns.key_pressed() == [Cancelled(YES)]
    assert turns.tick(100.0) == []
    assert turns.key_pressed() == []


def test_unsure_asks_again_once_then_leaves_it_to_the_keys() -> None:
    turns = at_check()
    assert turns.heard(YES, False, 1.0) == [Say("Sorry, was that yes or no?")]
    assert turns.listening
    assert turns.heard(NO, False, 2.0) == [Say("Please press Y for yes or N for no."), KeysOnly()]
    assert not turns.listening
    assert turns.heard(YES, True, 3.0) == []  # no longer listening for this question
    # The next question listens again, with its own second chance.
    assert turns.ask(Moment.CHECK, 4) == []
    assert turns.listening
    assert turns.heard(YES, False, 5.0) == [Say("Sorry, was that yes or no?")]


def test_a_sure_answer_after_an_unsure_one_starts_the_count_again() -> None:
    turns = at_check()
    turns.heard(YES, False, 1.0)
    turns.heard(YES, True, 2.0)
    turns.key_pressed()
    assert turns.heard(NO, False, 3.0) == [Say("Sorry, was that yes or no?")]


def test_words_that_are_no_answer_are_ignored() -> None:
    turns = at_check()
    assert turns.heard(None, True, 1.0) == []
    assert turns.heard(None, False, 1.0) == []
    assert turns.listening


def test_pause_and_carry_on_act_at_once_and_cancel_a_held_answer() -> None:
    turns = VoiceTurns()
    turns.ask(Moment.PLAY, 1)
    turns.heard(NEXT, True, 1.0)
    assert turns.heard(PAUSE, True, 2.0) == [Cancelled(NEXT), Apply(PAUSE), Say("Paused.")]
    assert turns.tick(10.0) == []


def test_a_held_answer_is_dropped_when_the_session_moves_on() -> None:
    turns = VoiceTurns()
    turns.ask(Moment.PLAY, 1)
    turns.heard(NEXT, True, 1.0)
    # The step ended on its own within the hold: "next" must not skip the step after it.
    assert turns.ask(Moment.PLAY, 2) == [Cancelled(NEXT)]
    assert turns.tick(10.0) == []
    turns.heard(NEXT, True, 11.0)
    assert turns.ask(None) == [Cancelled(NEXT)]
    assert not turns.listening


def test_confirmations_say_what_will_happen() -> None:
    assert confirmation(VoiceAnswer(Kind.PAIN, 4)) == "Pain 4."
    assert confirmation(VoiceAnswer(Kind.SKIP)) == "Skipped."
    assert confirmation(VoiceAnswer(Kind.STOP)) == "Stopping the routine."
