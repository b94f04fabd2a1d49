"""Saving routines: human key order, defaults left out, atomic writes that survive a crash."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine, load_routine_text
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind
from routineplayer.core.problems import RoutineError
from routineplayer.core.saver import dump_routine, save_routine

ROUTINE = Routine(
    title="Order",
    summary="S",
    equipment=("mat",),
    lead_in=10.0,
    steps=(
        Step(
            StepKind.REPS,
            title="Slides",
            say="Slide.",
            reps=6,
            tempo=5.0,
            sets=2,
            rest_between_sets=15.0,
            sides=("left arm", "right arm"),
            check=Check(max_resets=1),
            cues=(Cue(2.5, "Breathe out."),),
        ),
        Step(
            StepKind.BREATHING,
            title="Breathe",
            duration=300.0,
            breathing=Breathing(4.0, 6.0, imagery="A jellyfish."),
        ),
        Step(StepKind.REST, duration=90.0),
        Step(StepKind.INCLUDE, include="cool-down"),
    ),
)


def test_dump_writes_keys_in_human_order_and_leaves_defaults_out() -> None:
    assert dump_routine(ROUTINE) == (
        """\
format: 1
title: Order
summary: S
equipment:
  - mat
lead_in: 10s
steps:
  - title: Slides
    say: Slide.
    reps: 6
    tempo: 5s
    sets: 2
    rest_between_sets: 15s
    sides: [left arm, right arm]
    check:
      max_resets: 1
    cues:
      - at: 2.5s
        say: Breathe out.
  - title: Breathe
    duration: 5m
    breathing:
      inhale: 4s
      exhale: 6s
      imagery: A jellyfish.
  - rest: 1m30s
  - include: cool-down
"""
    )
    assert load_routine_text(dump_routine(ROUTINE)) == ROUTINE


def test_a_saved_file_points_to_no_schema_that_is_not_beside_it(tmp_path: Path) -> None:
    """Saved files live outside the repository (My routines, exports): a relative schema
    path such as ../assets/routine.schema.json would name nothing there."""
    target = tmp_path / "shared.yaml"
    save_routine(ROUTINE, target)
    assert "$schema" not in target.read_text(encoding="utf-8")


def test_default_check_and_sides_are_written_as_true() -> None:
    step = Step(StepKind.TIMED, duration=30.0, sides=("left side", "right side"), check=Check())
    text = dump_routine(Routine("T", (step,)))
    assert "    sides: true\n    check: true\n" in text


def test_long_and_multi_line_texts_stay_readable() -> None:
    long_say = "Breathe in slowly through your nose, and let your belly rise. " * 3
    steps = (Step(StepKind.REST, say=long_say.strip(), duration=5.0),)
    routine = Routine("T", steps, summary="First line.\nSecond line.")
    text = dump_routine(routine)
    assert "summary: |-\n  First line.\n  Second line.\n" in text
    assert "say: >-\n" in text
    assert max(len(line) for line in text.splitlines()) <= 90
    assert load_routine_text(text) == routine


def test_built_in_routines_round_trip_through_the_saver(tmp_path: Path) -> None:
    library = Library()
    for entry in library.entries():
        routine = library.resolve(entry.name)
        save_routine(routine, tmp_path / entry.path.name)
        assert load_routine(tmp_path / entry.path.name) == routine


def test_save_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "routines"
    folder.mkdir()
    path = folder / "mine.yaml"
    path.write_text("old")
    path.chmod(0o600)
    save_routine(ROUTINE, path)
    assert load_routine(path) == ROUTINE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["mine.yaml"]  # no temporary file left


def test_a_crash_mid_save_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "routines"
    folder.mkdir()
    path = folder / "mine.yaml"
    save_routine(ROUTINE, path)
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    changed = Routine("Changed", ROUTINE.steps)
    with pytest.raises(OSError, match="No space left"):
        save_routine(changed, path)
    assert path.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == ["mine.yaml"]


def test_save_syncs_the_file_and_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    save_routine(ROUTINE, tmp_path / "mine.yaml")
    assert synced == ["file", "dir"]


def test_a_routine_that_would_not_load_back_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    with pytest.raises(RoutineError, match="title: expected text"):
        save_routine(Routine("", (Step(StepKind.REST, duration=5.0),)), path)
    assert not path.exists()


def test_a_save_removes_old_temp_files_left_by_killed_saves(tmp_path: Path) -> None:
    from routineplayer.core import atomic_write as saver

    target = tmp_path / "mine.yaml"
    old = tmp_path / ".mine.yaml.abc123.tmp"
    fresh = tmp_path / ".mine.yaml.def456.tmp"
    other = tmp_path / ".other.yaml.abc123.tmp"
    for leftover in (old, fresh, other):
        leftover.write_bytes(b"half a rou")
    long_ago = time.time() - saver.STALE_TEMP_SECONDS - 60
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    saver.write_atomic(target, b"title: x\n")
    assert target.read_bytes() == b"title: x\n"
    assert not old.exists()
    assert fresh.exists(), "a temp file this new may belong to a save in progress"
    assert other.exists(), "only temps of the file being saved are ours to clean"
