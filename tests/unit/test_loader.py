"""Loading valid routine files into the model: every kind of step, defaults and YAML features."""

from __future__ import annotations

from pathlib import Path

import pytest

from routineplayer.core.library import Library
from routineplayer.core.loader import (
    DEFAULT_SIDES,
    load_routine,
    load_routine_bytes,
    load_routine_text,
)
from routineplayer.core.model import (
    DEFAULT_LEAD_IN,
    Breathing,
    Check,
    Cue,
    Routine,
    SourcePos,
    Step,
    StepKind,
)
from routineplayer.core.problems import RoutineError

EVERY_KIND = """\
format: 1
title: Every kind
summary: All five kinds of step.
credit: Written for the tests.
position: Standing.
equipment: [a mat, a chair]
safety:
  - Stop if it hurts.
lead_in: 5s
steps:
  - title: Leg swings
    say: Swing one leg.
    duration: 1m
    sides: [left leg, right leg]
    sets: 2
    rest_between_sets: 20s
    check: true
    cues:
      - at: 30s
        say: Keep your back tall.
  - title: Slides
    reps: 8
    tempo: 4s
  - title: Bridges
    reps: 5
    sides: true
    check:
      reset: 1m30s
      max_resets: 0
  - title: Jellyfish breathing
    duration: 5m
    breathing:
      inhale: 4s
      exhale: 6s
      hold_out: 1.5
      imagery: A soft jellyfish.
  - title: Box
    breathing: {inhale: 4, hold_in: 4, exhale: 4, hold_out: 4, breaths: 6}
  - rest: 30s
    say: Rest now.
  - include: warm-up
"""


def test_every_kind_of_step_loads_into_the_model() -> None:
    routine = load_routine_text(EVERY_KIND, "every.yaml")
    assert routine == Routine(
        title="Every kind",
        summary="All five kinds of step.",
        credit="Written for the tests.",
        position="Standing.",
        equipment=("a mat", "a chair"),
        safety=("Stop if it hurts.",),
        lead_in=5.0,
        steps=(
            Step(
                StepKind.TIMED,
                title="Leg swings",
                say="Swing one leg.",
                duration=60.0,
                sides=("left leg", "right leg"),
                sets=2,
                rest_between_sets=20.0,
                check=Check(),
                cues=(Cue(30.0, "Keep your back tall."),),
            ),
            Step(StepKind.REPS, title="Slides", reps=8, tempo=4.0),
            Step(
                StepKind.REPS,
                title="Bridges",
                reps=5,
                sides=DEFAULT_SIDES,
                check=Check(reset=90.0, max_resets=0),
            ),
            Step(
                StepKind.BREATHING,
                title="Jellyfish breathing",
                duration=300.0,
                breathing=Breathing(4.0, 6.0, hold_out=1.5, imagery="A soft jellyfish."),
            ),
            Step(
                StepKind.BREATHING,
                title="Box",
                breathing=Breathing(4.0, 4.0, hold_in=4.0, hold_out=4.0, breaths=6),
            ),
            Step(StepKind.REST, say="Rest now.", duration=30.0),
            Step(StepKind.INCLUDE, include="warm-up"),
        ),
    )
    assert [type(s.duration) for s in routine.steps[:1]] == [float]


def test_defaults_when_keys_are_left_out() -> None:
    routine = load_routine_text("format: 1\ntitle: T\nsteps:\n  - duration: 45\n")
    assert routine.lead_in == DEFAULT_LEAD_IN
    assert routine.summary == routine.credit == routine.position == ""
    assert routine.equipment == routine.safety == ()
    (step,) = routine.steps
    assert step == Step(StepKind.TIMED, duration=45.0)
    assert (step.sets, step.rest_between_sets, step.sides, step.check, step.cues) == (
        1,
        0.0,
        (),
        None,
        (),
    )


@pytest.mark.parametrize(
    ("written", "sides", "check"),
    [("true", DEFAULT_SIDES, Check()), ("false", (), None), ("yes", DEFAULT_SIDES, Check())],
)
def test_sides_and_check_accept_yes_and_no(
    written: str, sides: tuple[str, ...], check: Check | None
) -> None:
    text = f"format: 1\ntitle: T\nsteps:\n  - reps: 3\n    sides: {written}\n    check: {written}\n"
    (step,) = load_routine_text(text).steps
    assert (step.sides, step.check) == (sides, check)


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("45s", 45.0), ("1m30s", 90.0), ("3m", 180.0), ("90", 90.0), ("7.5", 7.5), ('"1h"', 3600.0)],
)
def test_durations_as_people_write_them(written: str, seconds: float) -> None:
    (step,) = load_routine_text(f"format: 1\ntitle: T\nsteps:\n  - rest: {written}\n").steps
    assert step.duration == seconds


def test_strings_are_taken_as_written_not_as_yaml_booleans_or_numbers() -> None:
    text = """\
format: 1
title: 1984
position: 2024-01-01
steps:
  - title: No
    say: Yes
    duration: 10s
    sides: [on, off]
"""
    routine = load_routine_text(text)
    assert (routine.title, routine.position) == ("1984", "2024-01-01")
    assert (routine.steps[0].title, routine.steps[0].say) == ("No", "Yes")
    assert routine.steps[0].sides == ("on", "off")


def test_anchors_aliases_and_merge_keys_repeat_parts_of_a_routine() -> None:
    text = """\
format: 1
title: Repeats
steps:
  - &squats
    title: Squats
    reps: 10
    check: true
  - rest: 30s
  - *squats
  - <<: *squats
    reps: 5
  - <<: [{title: Merged}, {reps: 2, title: Ignored}]
"""
    steps = load_routine_text(text).steps
    assert steps[0] == steps[2] == Step(StepKind.REPS, title="Squats", reps=10, check=Check())
    assert steps[3] == Step(StepKind.REPS, title="Squats", reps=5, check=Check())
    assert steps[4] == Step(StepKind.REPS, title="Merged", reps=2)


def test_steps_remember_where_they_were_written(tmp_path: Path) -> None:
    path = tmp_path / "where.yaml"
    path.write_text("format: 1\ntitle: T\nsteps:\n  - rest: 5s\n  -   reps: 2\n")
    routine = load_routine(path)
    assert routine.source == str(path.resolve())
    assert [s.pos for s in routine.steps] == [
        SourcePos(str(path), 4, 5),
        SourcePos(str(path), 5, 7),
    ]


def test_byte_order_mark_and_windows_line_endings_are_fine() -> None:
    data = b"\xef\xbb\xbfformat: 1\r\ntitle: T\r\nsteps:\r\n  - rest: 5s\r\n"
    assert load_routine_bytes(data).title == "T"


def test_text_after_a_non_ascii_character_has_the_right_column() -> None:
    with pytest.raises(RoutineError) as caught:
        load_routine_text("format: 1\ntitle: Épaule\nsteps:\n  - {title: Café, rest: -1}\n")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (4, 25)


def test_a_python_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        "format: 1\ntitle: T\nsteps:\n"
        f"  - say: !!python/object/apply:os.system ['touch {marker}']\n    rest: 5s\n"
    )
    for pure_python in (False, True):
        with pytest.raises(RoutineError, match="not allowed"):
            load_routine_text(text, pure_python=pure_python)
    assert not marker.exists()


def test_both_parsers_read_the_built_in_routines_the_same() -> None:
    library = Library()
    for entry in library.entries():
        fast = load_routine(entry.path)
        pure = load_routine(entry.path, pure_python=True)
        assert fast == pure
        assert [s.pos for s in fast.steps] == [s.pos for s in pure.steps]
