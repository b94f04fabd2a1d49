"""The figure's kinematics and interpolation (core/figure.py), and the library's movements
drawn through them: limits, continuity, the floor, tempo and mirroring."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routineplayer.core.figure import (
    HEAD_RADIUS,
    JOINTS,
    LIMB_JOINTS,
    Keyframe,
    View,
    body,
    limits_for,
    mirrored,
    pose,
    pose_at,
)
from routineplayer.core.motion import Motion, phase_at
from routineplayer.core.motion_library import (
    all_builtin_motions,
    builtin_motion_ids,
    movements_dir,
)
from routineplayer.core.motion_reader import load_motion_file

SAMPLES = 400  # phases per cycle checked
FLOOR_TOLERANCE = 1e-9
# Between two phases 1/400 of a cycle apart no point may jump further than this (body
# heights): a cycle of 2 s drawn at 60 fps moves 1/120 of a cycle a frame.
MAX_STEP = 0.02

MOTIONS = all_builtin_motions()
IDS = [m.id for m in MOTIONS]


def test_standing_stands_on_the_floor_upright() -> None:
    b = body(pose(), View.SIDE)
    assert b["ankle_l"][1] == pytest.approx(0.0)
    assert b["head"][1] > b["neck"][1] > b["pelvis"][1] > b["knee_l"][1]
    assert b["toe_l"][0] > b["ankle_l"][0], "the feet point the way the figure faces"
    assert 0.95 < b.bounds()[3] < 1.02, "standing, the figure is one body height tall"


def test_flexion_moves_a_limb_forwards_in_the_side_view() -> None:
    b = body(pose(shoulder_l=90, hip_r=90), View.SIDE)
    assert b["hand_l"][0] > b["shoulder_l"][0] + 0.3
    assert b["hand_l"][1] == pytest.approx(b["shoulder_l"][1])
    assert b["knee_r"][0] > b["hip_r"][0] + 0.2


def test_abduction_takes_each_arm_out_to_its_own_side_in_the_front_view() -> None:
    b = body(pose(shoulder_l=90, shoulder_r=90), View.FRONT)
    assert b["hand_l"][0] > b["shoulder_l"][0] + 0.3 > 0.3
    assert b["hand_r"][0] < b["shoulder_r"][0] - 0.3 < -0.3


def test_mirroring_swaps_the_sides() -> None:
    p = pose(shoulder_l=120, hip_r=-20, elbow_l=30, x=0.2)
    m = mirrored(p)
    for joint in LIMB_JOINTS:
        assert m.angle(f"{joint}_l") == p.angle(f"{joint}_r")
        assert m.angle(f"{joint}_r") == p.angle(f"{joint}_l")
    assert m.x == -p.x
    # Drawn: the side view faces the other way with the right arm doing what the left did.
    a, b = body(p, View.SIDE), body(p, View.SIDE, mirror=True)
    assert b.facing == -a.facing
    assert b["hand_r"][0] == pytest.approx(-a["hand_l"][0])
    assert b["hand_r"][1] == pytest.approx(a["hand_l"][1])
    # Front view: the picture is the mirror image, the lean included.
    p = pose(shoulder_l=150, trunk=170)
    a, b = body(p, View.FRONT), body(p, View.FRONT, mirror=True)
    for name, (x, y) in a.points.items():
        other = name[:-1] + ("r" if name.endswith("_l") else "l") if name[-2:-1] == "_" else name
        assert b[other][0] == pytest.approx(-x, abs=1e-9)
        assert b[other][1] == pytest.approx(y, abs=1e-9)


def test_interpolation_passes_through_the_keyframes_and_loops() -> None:
    frames = (
        Keyframe(0.0, pose(shoulder_l=0)),
        Keyframe(0.3, pose(shoulder_l=90)),
        Keyframe(0.6, pose(shoulder_l=170)),
    )
    for k in frames:
        assert pose_at(frames, k.at).angle("shoulder_l") == pytest.approx(
            k.pose.angle("shoulder_l")
        )
    assert pose_at(frames, 1.3).angle("shoulder_l") == pytest.approx(90)
    assert pose_at(frames, 0.999999).angle("shoulder_l") == pytest.approx(0, abs=1e-3)


@given(
    st.lists(st.floats(-60, 180), min_size=2, max_size=8),
    st.floats(0, 1, exclude_max=True),
)
def test_interpolation_never_goes_past_the_keyframes_around_it(
    values: list[float], phase: float
) -> None:
    n = len(values)
    frames = tuple(Keyframe(i / n, pose(shoulder_l=v)) for i, v in enumerate(values))
    i = int(phase * n) % n
    low, high = sorted((values[i], values[(i + 1) % n]))
    got = pose_at(frames, phase).angle("shoulder_l")
    assert low - 1e-6 <= got <= high + 1e-6


@pytest.mark.parametrize("path", sorted(movements_dir().glob("*.yaml")), ids=lambda p: p.stem)
def test_every_movement_file_loads_with_both_parsers(path: Path) -> None:
    for pure in (False, True):
        motion = load_motion_file(path, pure_python=pure)
        assert motion.id == path.stem
        assert motion.name and motion.description and motion.keyframes


def test_the_library_is_not_empty() -> None:
    assert len(MOTIONS) >= 1
    assert set(IDS) == set(builtin_motion_ids())


@pytest.mark.parametrize("motion", MOTIONS, ids=IDS)
def test_every_pose_of_every_movement_is_within_human_limits(motion: Motion) -> None:
    for k in range(SAMPLES):
        p = pose_at(motion.keyframes, k / SAMPLES)
        for joint in JOINTS:
            low, high = limits_for(motion.view, joint)
            assert low - 1e-6 <= p.angle(joint) <= high + 1e-6, (motion.id, k, joint)


@pytest.mark.parametrize("motion", MOTIONS, ids=IDS)
def test_every_movement_moves_continuously_and_never_through_the_floor(motion: Motion) -> None:
    for mirror in (False, True):
        before = body(pose_at(motion.keyframes, 0.0), motion.view, mirror=mirror)
        for k in range(1, SAMPLES + 1):
            now = body(pose_at(motion.keyframes, k / SAMPLES), motion.view, mirror=mirror)
            jump = max(math.dist(now[n], before[n]) for n in now.points)
            assert jump < MAX_STEP, (motion.id, mirror, k, jump)
            if motion.view is not View.TOP:
                lowest = min(y for _, y in now.points.values())
                assert lowest >= -FLOOR_TOLERANCE, (motion.id, k)
                assert now["head"][1] - HEAD_RADIUS >= -FLOOR_TOLERANCE
            before = now


@pytest.mark.parametrize("motion", MOTIONS, ids=IDS)
def test_a_movement_at_tempo_t_draws_the_same_pose_at_t_and_t_plus_tempo(motion: Motion) -> None:
    tempo = motion.defaults.tempo or 3.0
    for t in (0.0, 0.7, 1.9, 2.4):
        a = pose_at(motion.keyframes, phase_at(tempo, t))
        b = pose_at(motion.keyframes, phase_at(tempo, t + tempo))
        assert a.values == pytest.approx(b.values, abs=1e-6)


def test_a_rep_starts_each_cycle_at_its_first_pose() -> None:
    assert phase_at(4.0, 0.0) == 0.0
    assert phase_at(4.0, 8.0) == pytest.approx(0.0)
    assert phase_at(4.0, 5.0) == pytest.approx(0.25)
    assert phase_at(0.0, 5.0) == 0.0


def test_every_assessment_movement_and_built_in_exercise_has_a_figure() -> None:
    from routineplayer.core.assessment import MOVEMENTS
    from routineplayer.core.library import Library
    from routineplayer.core.model import StepKind
    from routineplayer.core.motion_library import library_motion, motion_for

    assert all(library_motion(m.key) is not None for m in MOVEMENTS)
    library = Library()
    for name in ("warm-up", "cool-down", "upper-back-slides", "jellyfish-breathing"):
        for step in library.resolve(name).steps:
            if step.kind in (StepKind.TIMED, StepKind.REPS, StepKind.BREATHING):
                assert motion_for(step) is not None, (name, step.title)
