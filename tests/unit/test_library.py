"""Finding routines by name: built-ins first, then the user's, then extra folders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from routineplayer.core import paths
from routineplayer.core.library import Library, UnknownRoutineError
from routineplayer.core.problems import RoutineError

BUILT_INS = ["cool-down", "full-session", "jellyfish-breathing", "upper-back-slides", "warm-up"]


def _write(folder: Path, name: str, title: str, steps: str = "  - rest: 5s\n") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"format: 1\ntitle: {title}\nsteps:\n{steps}")
    return path


def test_the_built_in_routines_are_found_by_name() -> None:
    library = Library()
    assert library.builtin_dir == paths.builtin_routines_dir()
    assert library.names() == BUILT_INS
    assert library.resolve("warm-up").title == "Warm-up"
    assert library.is_builtin("warm-up")
    assert all(e.builtin and not e.shadowed for e in library.entries())


def test_user_routines_come_after_the_built_ins_which_they_cannot_replace() -> None:
    user = paths.user_routines_dir()  # inside the test's own ROUTINEPLAYER_HOME
    _write(user, "my-stretch", "My stretch")
    _write(user, "warm-up", "My own warm-up")
    library = Library()
    assert library.resolve("my-stretch").title == "My stretch"
    assert not library.is_builtin("my-stretch")
    assert library.resolve("warm-up").title == "Warm-up"
    entries = {(e.name, e.builtin): e for e in library.entries()}
    assert entries[("warm-up", False)].shadowed
    assert not entries[("my-stretch", False)].shadowed
    assert [e.name for e in library.entries()][:5] == BUILT_INS


def test_an_unknown_name_suggests_the_closest(tmp_path: Path) -> None:
    library = Library()
    with pytest.raises(
        UnknownRoutineError, match="no routine is named 'warmup'; did you mean 'warm-up'"
    ):
        library.resolve("warmup")
    with pytest.raises(LookupError, match=r"name it without \.yaml: 'cool-down'"):
        library.resolve("cool-down.yaml")
    with pytest.raises(LookupError, match=r"no routine is named 'zzz'$"):
        library.resolve("zzz")


@pytest.mark.parametrize("name", ["../routines/warm-up", "/etc/passwd", "", ".hidden", "a/b"])
def test_names_are_never_paths(name: str) -> None:
    assert Library().path_of(name) is None
    with pytest.raises(LookupError):
        Library().resolve(name)


def test_extra_folders_are_searched_last(tmp_path: Path) -> None:
    _write(tmp_path, "neighbour", "Next door")
    _write(tmp_path, "warm-up", "Not the built-in")
    library = Library().with_dir(tmp_path)
    assert library.resolve("neighbour").title == "Next door"
    assert library.resolve("warm-up").title == "Warm-up"
    # Adding a folder the library already searches changes nothing.
    assert Library().with_dir(paths.builtin_routines_dir()).extra_dirs == ()


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = _write(tmp_path, "mine", "First")
    library = Library(user_dir=tmp_path)
    first = library.resolve("mine")
    assert library.resolve("mine") is first  # cached while unchanged
    _write(tmp_path, "mine", "Second, longer title")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert library.resolve("mine").title == "Second, longer title"


def test_a_broken_routine_raises_routine_error(tmp_path: Path) -> None:
    _write(tmp_path, "broken", "Broken", steps="  - reps: 0\n")
    with pytest.raises(RoutineError, match=r"broken.yaml:4:11: steps\[0\].reps"):
        Library(user_dir=tmp_path).resolve("broken")
