"""The safety notice and the rule that shows it again before play."""

from __future__ import annotations

import pytest

from routineplayer.core import safety


@pytest.mark.parametrize(
    ("pain", "shown"), [(None, False), (0, False), (7, False), (8, True), (10, True)]
)
def test_the_notice_is_shown_again_from_pain_8(pain: int | None, shown: bool) -> None:
    assert safety.notice_needed_before_play(pain) is shown


@pytest.mark.parametrize("bad", [-1, 11])
def test_a_pain_off_the_scale_is_an_error(bad: int) -> None:
    with pytest.raises(ValueError, match="pain"):
        safety.notice_needed_before_play(bad)


def test_the_notice_names_every_red_flag_from_the_issue() -> None:
    urgent = " ".join(safety.URGENT_SIGNS).lower()
    for words in (
        ("bladder", "bowels"),  # loss of bowel or bladder control
        ("groin", "numb"),  # numbness in the groin
        ("weakness", "legs", "getting worse"),  # progressive weakness or numbness in the legs
        ("fever", "chills"),
        ("fall", "accident"),
        ("losing weight", "without trying"),
    ):
        assert all(w in urgent for w in words), words


def test_the_lead_says_why_the_notice_is_shown() -> None:
    assert safety.safety_notice().lead == safety.GENERAL_LEAD
    assert safety.safety_notice(7).lead == safety.GENERAL_LEAD
    assert "9 out of 10" in safety.safety_notice(9).lead


def test_the_text_holds_every_part_in_order() -> None:
    notice = safety.safety_notice(8)
    text = notice.as_text()
    parts = [
        notice.title,
        notice.lead,
        notice.urgent_intro,
        *notice.urgent_signs,
        notice.soon_intro,
        *notice.soon_signs,
        notice.disclaimer,
    ]
    positions = [text.index(part) for part in parts]
    assert positions == sorted(positions)
    assert "not a medical device" in text
