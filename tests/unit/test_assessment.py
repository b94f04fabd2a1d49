"""The movement assessment and the rehab routine built from its pain ratings."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routineplayer.core import assessment
from routineplayer.core.assessment import MOVEMENTS, build_rehab_plan, rehab_routine
from routineplayer.core.loader import load_routine_text
from routineplayer.core.model import Check, StepKind
from routineplayer.core.saver import dump_routine

KEYS = [m.key for m in MOVEMENTS]


def rated(*pains: int) -> dict[str, int]:
    """Ratings for the first len(pains) movements, in assessment order."""
    return dict(zip(KEYS, pains, strict=False))


def chosen_keys(plan: assessment.RehabPlan) -> list[str]:
    return [p.movement.key for p in plan.chosen]


def test_the_movements_are_the_seeds_list_in_order() -> None:
    assert [m.name for m in MOVEMENTS] == [
        "Hip Mobility",
        "Cat-Camel",
        "In-Line Lunge Halo",
        "Forward/Reverse Beast Walk",
        "Lateral Beast Walk",
        "Hip Bridges",
        "Single Leg Hip Bridges",
        "Side Plank Clam Shells",
        "Bird Dog",
        "Kettlebell Walk",
    ]
    assert len(set(KEYS)) == len(KEYS)
    assert all(m.instruction for m in MOVEMENTS)


def test_pain_of_exactly_3_qualifies_and_4_does_not() -> None:
    plan = build_rehab_plan(rated(3, 3, 3, 3, 4, 4))
    assert plan.built and plan.qualifying == 4
    assert chosen_keys(plan) == KEYS[:4]
    assert build_rehab_plan(rated(3, 3, 3, 4, 4)).built is False


def test_exactly_4_qualifying_builds_4() -> None:
    plan = build_rehab_plan(rated(9, 0, 5, 1, 2, 8, 3, 7, 6, 10))
    assert chosen_keys(plan) == [KEYS[1], KEYS[3], KEYS[4], KEYS[6]]
    assert "4 movements" in plan.message and "3 times a day" in plan.message


def test_exactly_5_qualifying_builds_all_5() -> None:
    plan = build_rehab_plan(rated(9, 0, 5, 1, 2, 8, 3, 7, 6, 2))
    assert plan.qualifying == 5
    assert chosen_keys(plan) == [KEYS[1], KEYS[3], KEYS[4], KEYS[6], KEYS[9]]


def test_6_qualifying_keeps_the_5_least_painful_in_assessment_order() -> None:
    # The 3 (Single Leg Hip Bridges) is the one left out.
    plan = build_rehab_plan(rated(2, 0, 5, 1, 2, 8, 3, 7, 6, 2))
    assert plan.qualifying == 6
    assert chosen_keys(plan) == [KEYS[0], KEYS[1], KEYS[3], KEYS[4], KEYS[9]]


def test_ties_are_broken_by_assessment_order() -> None:
    plan = build_rehab_plan(dict.fromkeys(KEYS, 1))
    assert plan.qualifying == 10
    assert chosen_keys(plan) == KEYS[:5]
    # Two 3s compete for the last place: the earlier one wins.
    plan = build_rehab_plan(rated(0, 0, 0, 0, 3, 3))
    assert chosen_keys(plan) == KEYS[:5]


@pytest.mark.parametrize(
    ("ratings", "opening"),
    [
        ({}, "None of the movements"),
        (dict.fromkeys(KEYS, 4), "None of the movements"),
        (rated(0, 1, 3, 9, 9, 9, 9, 9, 9, 9), "Only 3 of the movements"),
    ],
    ids=["nothing rated", "none", "three"],
)
def test_fewer_than_4_builds_nothing_and_says_see_a_professional(
    ratings: dict[str, int], opening: str
) -> None:
    plan = build_rehab_plan(ratings)
    assert not plan.built and plan.chosen == ()
    assert plan.message.startswith(opening)
    assert "no routine was built" in plan.message
    assert "physiotherapist or a doctor" in plan.message
    with pytest.raises(ValueError, match="no routine to build"):
        rehab_routine(plan)


def test_an_unrated_movement_does_not_count() -> None:
    ratings = {KEYS[0]: 0, KEYS[2]: 1, KEYS[5]: 2}
    assert not build_rehab_plan(ratings).built
    assert chosen_keys(build_rehab_plan({**ratings, KEYS[9]: 3})) == [
        KEYS[0],
        KEYS[2],
        KEYS[5],
        KEYS[9],
    ]


def test_bad_ratings_are_refused() -> None:
    with pytest.raises(ValueError, match="'side-plank'"):
        build_rehab_plan({"side-plank": 1})
    with pytest.raises(ValueError, match="Bird Dog: pain must be between 0 and 10"):
        build_rehab_plan({"bird-dog": 11})


def test_the_dose_stays_in_the_seeds_range_and_is_lighter_at_pain_3() -> None:
    plan = build_rehab_plan(rated(0, 1, 2, 3))
    doses = [(p.pain, p.reps, p.sets) for p in plan.chosen]
    assert doses == [(0, 8, 2), (1, 8, 2), (2, 8, 2), (3, 5, 1)]
    assert all(5 <= p.reps <= 10 and 1 <= p.sets <= 2 for p in plan.chosen)


def test_the_routine_has_one_checked_rep_step_per_movement() -> None:
    plan = build_rehab_plan(rated(0, 3, 9, 1, 2, 9, 9, 9, 9, 1))
    routine = rehab_routine(plan, assessed_on=date(2025, 3, 1))

    assert [s.title for s in routine.steps] == [p.movement.name for p in plan.chosen]
    for step, p in zip(routine.steps, plan.chosen, strict=True):
        assert step.kind is StepKind.REPS and step.waits_for_done
        assert (step.reps, step.sets) == (p.reps, p.sets)
        assert step.check == Check()
        assert step.say == p.movement.instruction
        assert step.sides == p.movement.sides
        assert step.rest_between_sets == (60.0 if p.sets == 2 else 0.0)
    assert "3 times a day" in routine.summary and "01 March 2025" in routine.summary
    assert "A light kettlebell, or a bag with some weight in it" in routine.equipment
    assert any("Kettlebell walk:" in line for line in routine.safety)


def test_the_built_routine_is_a_valid_routine_file() -> None:
    routine = rehab_routine(build_rehab_plan(dict.fromkeys(KEYS, 2)))
    assert load_routine_text(dump_routine(routine), "rehab.yaml") == routine


def test_the_assessment_plays_as_a_routine() -> None:
    routine = assessment.assessment_routine()
    assert [s.title for s in routine.steps] == [m.name for m in MOVEMENTS]
    assert all(s.waits_for_done and s.check is None for s in routine.steps)
    assert load_routine_text(dump_routine(routine), "assessment.yaml") == routine


@given(st.dictionaries(st.sampled_from(KEYS), st.integers(0, 10)))
def test_the_rule_holds_for_any_ratings(ratings: dict[str, int]) -> None:
    plan = build_rehab_plan(ratings)
    pain_free = [k for k in KEYS if k in ratings and ratings[k] <= 3]
    assert plan.qualifying == len(pain_free)
    chosen = chosen_keys(plan)
    if len(pain_free) < 4:
        assert chosen == []
        return
    assert len(chosen) == min(5, len(pain_free))
    assert chosen == [k for k in KEYS if k in chosen], "assessment order"
    left_out = [k for k in pain_free if k not in chosen]
    for out in left_out:
        for k in chosen:
            assert (ratings[k], KEYS.index(k)) < (ratings[out], KEYS.index(out))
