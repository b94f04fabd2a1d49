"""The movement assessment (seeds 001 and 004) and the rehab routine it builds.

The user tries each assessment movement and rates the pain it caused, 0–10. "Build my rehab
routine" then keeps the movements that caused pain of 3 or less: with 4 or more it takes
up to 5 (the least painful; assessment order breaks ties) and doses them within the seed's
"5–10 reps in 1–2 sets, 3 times a day"; with fewer than 4 it builds nothing and says to
see a professional. ``build_rehab_plan`` returns plain data; ``rehab_routine`` turns a
built plan into a routine the player plays. The instructions are ours, written to be
spoken; the seed only names the movements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from routineplayer.core.model import Check, Routine, Step, StepKind
from routineplayer.core.pain import check_pain

PAIN_LIMIT = 3  # "didn't cause pain higher than a 3"
MIN_MOVEMENTS = 4
MAX_MOVEMENTS = 5
TIMES_A_DAY = 3

# Dosing within the seed's 5–10 reps in 1–2 sets. A movement that already caused a little
# pain (exactly the limit) starts at the bottom of the range; the rest get the middle.
FULL_REPS, FULL_SETS = 8, 2
GENTLE_REPS, GENTLE_SETS = 5, 1
REST_BETWEEN_SETS = 60.0  # seconds: time to breathe and answer the check before set 2

ASSESSMENT_REPS = 5  # reps of each movement tried during the assessment

MAT = "A mat or a soft carpet"


@dataclass(frozen=True)
class Movement:
    key: str  # stable id, used for the ratings
    name: str
    instruction: str  # spoken at the start of the movement
    sides: tuple[str, ...] = ()
    equipment: tuple[str, ...] = (MAT,)
    note: str = ""


MOVEMENTS: tuple[Movement, ...] = (
    Movement(
        "hip-mobility",
        "Hip Mobility",
        "Lie on your back with your knees bent and your feet flat. Hold one knee and draw "
        "slow, small circles with it, letting the hip move while your lower back rests "
        "quietly on the floor. Each circle is one rep. Keep the circles small enough to "
        "stay comfortable.",
        sides=("left leg", "right leg"),
    ),
    Movement(
        "cat-camel",
        "Cat-Camel",
        "Come onto your hands and knees, hands under your shoulders, knees under your hips. "
        "Breathing out, slowly round your back up towards the ceiling and let your head "
        "hang. Breathing in, let your back sink gently and look ahead. That is one rep. "
        "Move only as far as feels easy.",
    ),
    Movement(
        "in-line-lunge-halo",
        "In-Line Lunge Halo",
        "Kneel on one knee on a cushion, with your front foot in line with the back knee, "
        "as if both were on a narrow plank. Hold a light weight, or just clasp your hands, "
        "close to your head, and circle it slowly around your head once each way while your "
        "hips and trunk stay tall and still. That is one rep.",
        sides=("left foot forward", "right foot forward"),
        equipment=("A cushion for your knee", "A light weight, if you like"),
    ),
    Movement(
        "beast-walk",
        "Forward/Reverse Beast Walk",
        "On hands and knees, tuck your toes under and lift your knees just off the floor, "
        "with your back flat like a table. Crawl a few small steps forwards, moving the "
        "opposite hand and foot together, then crawl back to where you started. That is "
        "one rep. Put your knees down whenever you need a rest.",
    ),
    Movement(
        "lateral-beast-walk",
        "Lateral Beast Walk",
        "Take the same position, knees hovering just off the floor and back flat. Move a "
        "few small steps sideways with your hands and feet, keeping your hips low and "
        "level, then come back the other way. That is one rep.",
    ),
    Movement(
        "hip-bridge",
        "Hip Bridges",
        "Lie on your back with your knees bent and your feet flat, hip-width apart. Draw in "
        "your lower belly, squeeze your buttocks and lift your hips until your body is in a "
        "line from shoulders to knees. Pause, then lower slowly. Do not arch your lower back "
        "at the top.",
    ),
    Movement(
        "single-leg-hip-bridge",
        "Single Leg Hip Bridges",
        "Set up as for a hip bridge, then straighten one leg so it lines up with the other "
        "thigh. Press through the foot on the floor to lift your hips, keeping them level so "
        "that neither side drops. Lower slowly.",
        sides=("left foot on the floor", "right foot on the floor"),
    ),
    Movement(
        "side-plank-clam-shell",
        "Side Plank Clam Shells",
        "Lie on your side, propped on your forearm with the elbow under your shoulder, knees "
        "bent and stacked. Lift your hips so you rest on your forearm and knees. Keeping "
        "your feet together, open the top knee like a clam shell, then close it slowly. "
        "Lower your hips to rest whenever you need to.",
        sides=("lying on your left side", "lying on your right side"),
    ),
    Movement(
        "bird-dog",
        "Bird Dog",
        "On hands and knees with your back flat, slowly reach one arm forwards and the "
        "opposite leg back until both line up with your back. Keep your hips level and your "
        "back from sagging. Hold for one breath, come back, and change sides. Both sides "
        "make one rep.",
    ),
    Movement(
        "kettlebell-walk",
        "Kettlebell Walk",
        "Hold a light kettlebell, or a bag with some weight in it, in one hand by your side. "
        "Stand tall and walk about ten slow steps without leaning towards or away from the "
        "weight, then turn and walk back. That is one rep.",
        sides=("weight in the left hand", "weight in the right hand"),
        equipment=("A light kettlebell, or a bag with some weight in it", "Room to walk"),
        # Seed 001 lists five ways to carry the weight; we keep the easiest and name the rest.
        note="Kettlebell walk: there are harder ways to carry the weight (overhead, upside "
        "down with the bottom up, or one overhead and one by your side). Carry it by your "
        "side first, and try the others only once that causes no pain.",
    ),
)

INTRO = (
    "Try each movement slowly for a few reps, only as far as is comfortable. Afterwards, "
    "rate the pain it caused from 0, no pain, to 10, the worst you can imagine. If a movement "
    "brings on sharp pain, or pain, numbness or tingling down a leg, stop it straight away "
    "and rate it as it felt."
)
PAIN_QUESTION = "How much pain did that movement cause, from 0 to 10?"


@dataclass(frozen=True)
class Prescription:
    movement: Movement
    pain: int  # as rated in the assessment
    reps: int
    sets: int


@dataclass(frozen=True)
class RehabPlan:
    chosen: tuple[Prescription, ...]  # empty when no routine should be built
    qualifying: int  # how many movements caused pain of PAIN_LIMIT or less
    message: str

    @property
    def built(self) -> bool:
        return bool(self.chosen)


def _prescribe(movement: Movement, pain: int) -> Prescription:
    if pain == PAIN_LIMIT:
        return Prescription(movement, pain, GENTLE_REPS, GENTLE_SETS)
    return Prescription(movement, pain, FULL_REPS, FULL_SETS)


def _names(chosen: tuple[Prescription, ...]) -> str:
    *names, last = [p.movement.name for p in chosen]
    return f"{', '.join(names)} and {last}" if names else last


def build_rehab_plan(ratings: Mapping[str, int]) -> RehabPlan:
    """The rehab plan from pain ratings keyed by ``Movement.key``.

    A movement with no rating (not tried, say because it looked too painful) does not count
    as pain-free. Raises ValueError for an unknown key or a rating off the 0–10 scale.
    """
    known = {m.key: m for m in MOVEMENTS}
    unknown = sorted(set(ratings) - set(known))
    if unknown:
        raise ValueError(f"no assessment movement called {', '.join(map(repr, unknown))}")
    for key, pain in ratings.items():
        try:
            check_pain(pain)
        except ValueError as exc:
            raise ValueError(f"{known[key].name}: {exc}") from None

    qualifying = [
        (ratings[m.key], order, m)
        for order, m in enumerate(MOVEMENTS)
        if m.key in ratings and ratings[m.key] <= PAIN_LIMIT
    ]
    if len(qualifying) < MIN_MOVEMENTS:
        if qualifying:
            count = f"Only {len(qualifying)} of the movements"
        else:
            count = "None of the movements"
        return RehabPlan(
            (),
            len(qualifying),
            f"{count} caused pain of {PAIN_LIMIT} or less, and a rehab routine needs at "
            f"least {MIN_MOVEMENTS}, so no routine was built. Please see a physiotherapist "
            "or a doctor: they can find out what is causing the pain and which movements "
            "are safe for you to start with.",
        )

    # Least painful first; sorting on (pain, assessment order) keeps ties in assessment order.
    best = sorted(qualifying, key=lambda item: item[:2])[:MAX_MOVEMENTS]
    chosen = tuple(_prescribe(m, pain) for pain, _, m in sorted(best, key=lambda item: item[1]))
    message = (
        f"Your rehab routine has {len(chosen)} movements that caused pain of {PAIN_LIMIT} "
        f"or less: {_names(chosen)}. Do it {TIMES_A_DAY} times a day. If a movement starts "
        "to hurt more than it did today, leave it out and take the assessment again."
    )
    return RehabPlan(chosen, len(qualifying), message)


def rehab_routine(plan: RehabPlan, assessed_on: date | None = None) -> Routine:
    """The plan as a routine: one reps step per movement that waits for "done", with the
    belly check after each set. Raises ValueError for a plan that built nothing."""
    if not plan.built:
        raise ValueError(f"no routine to build: {plan.message}")
    steps = tuple(
        Step(
            StepKind.REPS,
            title=p.movement.name,
            say=p.movement.instruction,
            reps=p.reps,
            sets=p.sets,
            rest_between_sets=REST_BETWEEN_SETS if p.sets > 1 else 0.0,
            sides=p.movement.sides,
            check=Check(),
            movement=p.movement.key,  # the movement library has a figure for each
        )
        for p in plan.chosen
    )
    when = f" on {assessed_on:%d %B %Y}" if assessed_on else ""
    equipment = dict.fromkeys(item for p in plan.chosen for item in p.movement.equipment)
    return Routine(
        title="My rehab routine",
        summary=(
            f"Built from your movement assessment{when}: the movements that caused pain of "
            f"{PAIN_LIMIT} or less, {_names(plan.chosen)}. Do this routine {TIMES_A_DAY} "
            "times a day."
        ),
        credit=(
            "Assessment movements and the rule for building the routine (4 to 5 movements "
            "that caused pain of 3 or less, 5 to 10 reps in 1 to 2 sets, 3 times a day) from "
            '"Identifying and Treating Back Pain & Back Spasms" (seeds 001 and 004). '
            "Instructions written for routineplayer."
        ),
        equipment=tuple(equipment),
        safety=(
            "Move slowly, and only as far as is comfortable.",
            f"Leave out a movement that hurts more than a {PAIN_LIMIT} out of 10.",
            *(p.movement.note for p in plan.chosen if p.movement.note),
        ),
        steps=steps,
    )


def assessment_routine() -> Routine:
    """The assessment itself as a routine: a few reps of each movement, waiting for "done".

    The pain rating after each movement is asked by the front-end, not by the routine.
    """
    return Routine(
        title="Movement assessment",
        summary=INTRO,
        credit=(
            'Assessment movements from "Identifying and Treating Back Pain & Back Spasms" '
            "(seeds 001 and 004). Instructions written for routineplayer."
        ),
        equipment=tuple(dict.fromkeys(item for m in MOVEMENTS for item in m.equipment)),
        safety=tuple(m.note for m in MOVEMENTS if m.note),
        steps=tuple(
            Step(
                StepKind.REPS,
                title=m.name,
                say=m.instruction,
                reps=ASSESSMENT_REPS,
                sides=m.sides,
                movement=m.key,
            )
            for m in MOVEMENTS
        ),
    )
