"""Movement files and a routine's movements: loaded, refused with every problem named,
and written back by the saver."""

from __future__ import annotations

from pathlib import Path

import pytest

from routineplayer.core.figure import View
from routineplayer.core.loader import load_routine_text
from routineplayer.core.motion import PropKind
from routineplayer.core.motion_library import motion_for
from routineplayer.core.motion_reader import load_motion_file, load_motion_text
from routineplayer.core.problems import RoutineError
from routineplayer.core.saver import dump_routine

GOOD = """\
format: 1
name: Arm raise
description: Lift both arms in front of you and lower them.
view: side
cycle: 3s
props: [mat, {prop: chair, x: 0.4}]
defaults:
  reps: 8
  tempo: 3s
  sides: [left, right]
  check: true
keyframes:
  - at: 0
  - at: 0.5
    shoulder_l: 170
    shoulder_r: 170
"""


def _problems(text: str, motion_id: str = "arm-raise") -> list[str]:
    with pytest.raises(RoutineError) as caught:
        load_motion_text(text, "m.yaml", motion_id)
    return [str(p) for p in caught.value.problems]


def test_a_good_file_loads() -> None:
    m = load_motion_text(GOOD, "m.yaml", "arm-raise")
    assert (m.id, m.name, m.view, m.cycle) == ("arm-raise", "Arm raise", View.SIDE, 3.0)
    assert [p.kind for p in m.props] == [PropKind.MAT, PropKind.CHAIR]
    assert m.props[1].x == 0.4
    assert (m.defaults.reps, m.defaults.tempo, m.defaults.check) == (8, 3.0, True)
    assert m.keyframes[1].pose.angle("shoulder_l") == 170
    # A later keyframe keeps what it does not name; the first starts from standing.
    assert m.keyframes[1].pose.angle("trunk") == 180


def test_a_file_loads_from_disk_with_its_stem_as_the_id(tmp_path: Path) -> None:
    path = tmp_path / "arm-raise.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_motion_file(path).id == "arm-raise"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("shoulder_l: 170", "shoulder_l: 250"),
            "m.yaml:15:17: keyframes[1].shoulder_l: expected a number from -60 to 180, got 250",
        ),
        (("shoulder_l: 170", "sholder_l: 170"), "did you mean 'shoulder_l'?"),
        (("at: 0.5", "at: 0"), "keyframes[1].at: must come after 0"),
        (("view: side", "view: sied"), "did you mean 'side'?"),
        (("props: [mat,", "props: [plate,"), "unknown prop 'plate'; did you mean 'plates'?"),
        (("  reps: 8\n", "  reps: 8\n  duration: 1m\n"), "give duration (a timed step) or reps"),
        (("cycle: 3s", "cycle: 2m"), "cycle: must be at most 1m"),
        (("name: Arm raise\n", ""), "missing required key 'name'"),
    ],
)
def test_each_mistake_is_named_with_its_place(change: tuple[str, str], expected: str) -> None:
    problems = _problems(GOOD.replace(*change))
    assert any(expected in p for p in problems), problems


def test_a_file_name_that_is_not_an_id_is_refused() -> None:
    assert "lower-case letters" in _problems(GOOD, "Arm Raise")[0]


ROUTINE = """\
format: 1
title: Mine
movements:
  wall-push:
    name: Wall push-up
    description: Hands on a wall, bend and straighten the arms.
    view: side
    cycle: 3s
    props: [{prop: wall, x: 0.55}]
    keyframes:
      - at: 0
        trunk: 160
        shoulder_l: 90
        shoulder_r: 90
      - at: 0.5
        elbow_l: 90
        elbow_r: 90
steps:
  - title: Push-ups
    movement: wall-push
    reps: 5
    tempo: 3s
  - title: Bird-dog
    movement: bird-dog
    duration: 30s
"""


def test_a_routine_shows_its_own_movements_and_the_librarys() -> None:
    routine = load_routine_text(ROUTINE)
    own, library = routine.steps
    assert own.movement == "wall-push"
    assert motion_for(own) is routine.movements[0]
    found = motion_for(library)
    assert found is not None and found.id == "bird-dog"


def test_an_unknown_movement_is_named_with_a_suggestion() -> None:
    with pytest.raises(RoutineError) as caught:
        load_routine_text(ROUTINE.replace("movement: bird-dog", "movement: bird-dgo"))
    (problem,) = caught.value.problems
    assert problem.key_path == "steps[1].movement"
    assert (problem.line, problem.column) == (24, 15)
    assert "'bird-dgo'" in problem.message and "did you mean 'bird-dog'?" in problem.message


def test_a_routines_movement_is_checked_as_a_file_is() -> None:
    with pytest.raises(RoutineError) as caught:
        load_routine_text(ROUTINE.replace("elbow_l: 90", "elbow_l: 200"))
    (problem,) = caught.value.problems
    assert problem.key_path == "movements.wall-push.keyframes[1].elbow_l"


def test_a_routine_cannot_redefine_a_library_movement() -> None:
    with pytest.raises(RoutineError) as caught:
        load_routine_text(ROUTINE.replace("  wall-push:", "  bird-dog:"))
    assert any("movement of the library already" in p.message for p in caught.value.problems)


def test_the_saver_writes_movements_back_the_same() -> None:
    routine = load_routine_text(ROUTINE)
    text = dump_routine(routine)
    assert load_routine_text(text) == routine
    assert "movement: bird-dog" in text and "wall-push:" in text
