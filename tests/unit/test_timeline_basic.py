"""The built-in routines validate, and their planned work matches the seeds' figures.

Seed 002 ("Sample Warm-Up Routine", and the cool-down) and seed 000 (jellyfish breathing,
the 2-minute slide sequence). The warm-up's figures sum to 9 minutes under a "10-minute"
title in the seed: we keep the seed's figures, title it "Warm-up", and its credit says so.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from routineplayer.core.library import Library
from routineplayer.core.loader import validate_file
from routineplayer.core.model import StepKind
from routineplayer.core.timeline import SegmentKind, Timeline, expand

WORK = (SegmentKind.WORK, SegmentKind.WAIT_DONE)

# routine -> [(exercise, minutes of work per side, sides)], in order.
SEED_FIGURES = {
    "warm-up": [
        ("light cardio", 3, 1),
        ("arm circles", 1, 1),
        ("leg swings", 1, 2),
        ("cat-cow", 1, 1),
        ("bird-dog", 1, 1),
        ("bodyweight squats", 1, 1),
    ],
    "cool-down": [
        ("slow walking", 3, 1),
        ("hamstring stretch", 1, 2),
        ("quadriceps stretch", 1, 2),
        ("chest stretch", 1, 1),
        ("child's pose", 2, 1),
    ],
    "jellyfish-breathing": [("jellyfish breathing", 5, 1)],
}
SEED_TOTAL_WORK_MINUTES = {
    "warm-up": 9,
    "cool-down": 10,
    "jellyfish-breathing": 5,
    "upper-back-slides": 2,
}


def _timeline(name: str) -> Timeline:
    library = Library()
    return expand(library.resolve(name), library.resolve)


def test_every_built_in_routine_validates() -> None:
    library = Library()
    for entry in library.entries():
        assert validate_file(entry.path, library) == [], entry.path


@pytest.mark.parametrize("name", sorted(SEED_TOTAL_WORK_MINUTES))
def test_planned_work_matches_the_seed(name: str) -> None:
    timeline = _timeline(name)
    assert timeline.work_seconds == SEED_TOTAL_WORK_MINUTES[name] * 60


@pytest.mark.parametrize("name", sorted(SEED_FIGURES))
def test_exercises_and_their_durations_follow_the_seed_in_order(name: str) -> None:
    timeline = _timeline(name)
    per_step: dict[int, list[float]] = defaultdict(list)
    for seg in timeline.segments:
        if seg.kind in WORK:
            per_step[seg.step_index].append(seg.planned)
    found = [(timeline.steps[i].title.lower(), pieces) for i, pieces in sorted(per_step.items())]
    assert [title for title, _ in found] == [exercise for exercise, _, _ in SEED_FIGURES[name]]
    for (_, pieces), (exercise, minutes, sides) in zip(found, SEED_FIGURES[name], strict=True):
        assert pieces == [minutes * 60.0] * sides, exercise


def test_the_slide_sequence_has_sets_and_the_check_after_each_set() -> None:
    timeline = _timeline("upper-back-slides")
    for step in timeline.steps:
        assert step.kind is StepKind.REPS and step.sets >= 2 and step.check is not None
    checks = [s for s in timeline.segments if s.kind is SegmentKind.CHECK]
    assert len(checks) == sum(step.sets for step in timeline.steps)


def test_the_full_session_is_the_three_routines_joined() -> None:
    full = _timeline("full-session")
    parts = ["warm-up", "upper-back-slides", "cool-down"]
    assert full.work_seconds == sum(_timeline(p).work_seconds for p in parts)
    exercises = [s for s in full.steps if s.kind is not StepKind.REST]
    assert exercises == [step for p in parts for step in _timeline(p).steps]


@pytest.mark.parametrize("name", [*sorted(SEED_TOTAL_WORK_MINUTES), "full-session"])
def test_segments_follow_each_other_without_gaps(name: str) -> None:
    timeline = _timeline(name)
    assert timeline.segments[0].start == 0
    for before, after in itertools.pairwise(timeline.segments):
        assert after.start == before.end
    assert timeline.total == timeline.segments[-1].end > timeline.work_seconds
