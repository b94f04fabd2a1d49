"""The pain questions as keys: one key rates (T for 10), S or Esc skips, letters say where."""

from __future__ import annotations

import pytest

from routineplayer.core.assessment import MOVEMENTS
from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import (
    AFTER_QUESTION,
    BEFORE_QUESTION,
    LOCATION_QUESTION,
    PainAnswer,
    PainInterview,
    Phase,
    When,
    all_texts,
    movement_prompt,
    rating_for_key,
)


@pytest.mark.parametrize(
    ("key", "level"),
    [("0", 0), ("5", 5), ("9", 9), ("t", 10), ("T", 10), ("s", None), ("x", None), ("", None)],
)
def test_one_key_gives_one_rating(key: str, level: int | None) -> None:
    assert rating_for_key(key) == level


def test_non_ascii_digits_are_not_ratings() -> None:
    assert rating_for_key("٣") is None  # Arabic-Indic three: isdigit() but not a key we show


def test_a_remembered_place_makes_the_rating_before_one_key() -> None:
    interview = PainInterview(When.BEFORE, location=PainLocation.LOWER_BACK)
    assert interview.question == BEFORE_QUESTION
    assert interview.press("6") == "Pain 6 noted."
    assert interview.done
    assert interview.answer == PainAnswer(6, PainLocation.LOWER_BACK)


def test_without_a_place_the_rating_asks_where() -> None:
    interview = PainInterview(When.BEFORE)
    said = interview.press("t")
    assert said is not None and said.endswith(LOCATION_QUESTION)
    assert interview.phase is Phase.LOCATION
    assert interview.press("7") is None, "a digit is no answer to where"
    assert interview.press("b") == "Buttock or leg."
    assert interview.answer == PainAnswer(10, PainLocation.BUTTOCK_LEG)


def test_the_place_can_be_chosen_first_and_skipped_later() -> None:
    interview = PainInterview(When.BEFORE)
    assert interview.press("u") == "Upper back."
    assert not interview.done
    interview.press("3")
    assert interview.answer == PainAnswer(3, PainLocation.UPPER_BACK)

    skipped_place = PainInterview(When.BEFORE)
    skipped_place.press("4")
    assert skipped_place.press("\x1b") == "No place recorded."
    assert skipped_place.answer == PainAnswer(4, None)


def test_no_pain_has_no_place() -> None:
    interview = PainInterview(When.BEFORE, location=PainLocation.OTHER)
    interview.press("0")
    assert interview.done
    assert interview.answer == PainAnswer(0, None)


@pytest.mark.parametrize("key", ["s", "S", "\x1b"])
def test_s_or_esc_skips(key: str) -> None:
    interview = PainInterview(When.BEFORE, location=PainLocation.LOWER_BACK)
    assert interview.press(key) is not None
    assert interview.done
    assert interview.answer.skipped


def test_after_the_session_a_note_follows_in_the_window_only() -> None:
    window = PainInterview(When.AFTER, ask_note=True)
    assert window.question == AFTER_QUESTION
    window.press("l")  # no place is asked after: a letter is nothing
    assert window.level is None
    window.press("2")
    assert window.phase is Phase.NOTE
    window.finish_note("  stiff in the morning ")
    assert window.answer == PainAnswer(2, None, "stiff in the morning")

    spoken = PainInterview(When.AFTER)  # audio-only and terminal: no typing
    spoken.press("2")
    assert spoken.done


def test_enter_ends_the_note_phase_without_a_note() -> None:
    interview = PainInterview(When.AFTER, ask_note=True)
    interview.press("1")
    assert interview.press("\r") == "Saved."
    assert interview.answer == PainAnswer(1)


def test_every_spoken_text_is_listed_for_rendering_ahead() -> None:
    texts = set(all_texts(MOVEMENTS))
    for when in When:
        for keys in (["5", "l"], ["5", "s"], ["t", "o"], ["s"], ["0"], ["u", "4"]):
            interview = PainInterview(when, ask_note=True)
            said = [interview.question]
            for key in keys:
                said.append(interview.press(key) or "")
            if interview.phase is Phase.NOTE:
                said += [interview.question, interview.finish_note("x")]
            assert set(filter(None, said)) <= texts, keys
    assert {movement_prompt(m) for m in MOVEMENTS} <= texts


def test_the_movement_prompt_says_how_and_how_to_rate() -> None:
    prompt = movement_prompt(MOVEMENTS[0])
    assert prompt.startswith("Hip Mobility. Lie on your back")
    assert "left leg then right leg" in prompt
    assert "T for 10" in prompt
