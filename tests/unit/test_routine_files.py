"""Names for user routines, clashes with built-ins and user files, and the trash."""

from __future__ import annotations

import os
import time

import pytest

from routineplayer.core import paths
from routineplayer.core.routine_files import (
    TRASH_KEEP_SECONDS,
    existing_routine,
    free_name,
    is_user_routine,
    move_to_trash,
    purge_trash,
    restore,
    slugify,
    trash_dir,
    user_path_for,
)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("My morning routine", "my-morning-routine"),
        ("  10-minute warm-up (my copy)  ", "10-minute-warm-up-my-copy"),
        ("Étirements doux", "etirements-doux"),
        ("!!!", "routine"),
        ("", "routine"),
        ("a" * 100, "a" * 60),
        ("x" * 59 + " y", "x" * 59),  # cut at the limit, no trailing dash
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_free_name_avoids_builtins_and_user_files() -> None:
    assert existing_routine("warm-up") == paths.builtin_routines_dir() / "warm-up.yaml"
    assert free_name("warm-up") == "warm-up-2"
    (paths.user_routines_dir() / "mine.yaml").write_text("x", encoding="utf-8")
    (paths.user_routines_dir() / "mine-2.yaml").write_text("x", encoding="utf-8")
    assert free_name("mine") == "mine-3"
    assert free_name("fresh") == "fresh"


def test_user_path_for_does_not_clash_with_itself() -> None:
    own = paths.user_routines_dir() / "my-morning.yaml"
    own.write_text("x", encoding="utf-8")
    assert user_path_for("My morning", keep=own) == own
    assert user_path_for("My morning").name == "my-morning-2.yaml"
    assert is_user_routine(own)
    assert not is_user_routine(paths.builtin_routines_dir() / "warm-up.yaml")


def test_delete_and_restore_round_trip() -> None:
    path = paths.user_routines_dir() / "mine.yaml"
    path.write_text("content", encoding="utf-8")
    entry = move_to_trash(path)
    assert not path.exists()
    assert entry.trashed.parent == trash_dir()
    assert restore(entry) == path
    assert path.read_text(encoding="utf-8") == "content"


def test_restore_under_a_free_name_when_the_old_one_was_taken() -> None:
    path = paths.user_routines_dir() / "mine.yaml"
    path.write_text("old", encoding="utf-8")
    entry = move_to_trash(path)
    path.write_text("new", encoding="utf-8")
    back = restore(entry)
    assert back.name == "mine-2.yaml"
    assert back.read_text(encoding="utf-8") == "old"
    assert path.read_text(encoding="utf-8") == "new"


def test_purge_removes_only_old_trash() -> None:
    for name in ("old", "recent"):
        (paths.user_routines_dir() / f"{name}.yaml").write_text(name, encoding="utf-8")
    old = move_to_trash(paths.user_routines_dir() / "old.yaml")
    recent = move_to_trash(paths.user_routines_dir() / "recent.yaml")
    long_ago = time.time() - TRASH_KEEP_SECONDS - 60
    os.utime(old.trashed, (long_ago, long_ago))
    assert purge_trash() == [old.trashed]
    assert recent.trashed.exists()
