"""Step titles read from a file the loader refuses, to name its steps in the problems."""

from __future__ import annotations

from pathlib import Path

from routineplayer.core.loader import step_titles

BROKEN = Path(__file__).resolve().parent.parent / "data" / "broken"


def test_titles_of_a_routine_with_a_wrong_value(tmp_path: Path) -> None:
    assert step_titles(BROKEN / "bad-duration.yaml") == ("Reach",)
    untitled = tmp_path / "untitled.yaml"
    untitled.write_text("format: 1\ntitle: T\nsteps:\n  - rest: x\n  - title: B\n    reps: 0\n")
    assert step_titles(untitled) == ("", "B")


def test_no_titles_where_the_file_cannot_be_read_that_far(tmp_path: Path) -> None:
    for name in ("syntax-error.yaml", "not-utf8.yaml", "billion-laughs.yaml", "empty.yaml"):
        assert step_titles(BROKEN / name) == (), name
    assert step_titles(tmp_path / "missing.yaml") == ()
