"""Damaged routine files never raise anything but RoutineError (hypothesis mutations).

Valid files (the built-ins and a file using every feature) get byte flips, deleted,
duplicated or re-indented lines, renamed keys and inserted YAML punctuation. Whatever
comes out is either refused with RoutineError or is a routine that validates, plans and
saves like any other.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routineplayer.core.library import Library
from routineplayer.core.loader import include_problems, load_routine_bytes, load_routine_text
from routineplayer.core.paths import builtin_routines_dir
from routineplayer.core.problems import RoutineError
from routineplayer.core.saver import dump_routine
from routineplayer.core.timeline import expand

EVERYTHING = b"""\
format: 1
title: Everything
equipment: [a mat]
lead_in: 5s
steps:
  - &swing
    title: Leg swings
    duration: 1m
    sides: [left leg, right leg]
    sets: 2
    rest_between_sets: 20s
    check: &check {reset: 1m, max_resets: 1}
    cues:
      - at: 30s
        say: Keep your back tall.
  - <<: *swing
    title: Leg swings again
  - title: Squats
    reps: 8
    tempo: 4s
    check: *check
  - title: Breathe
    breathing: {inhale: 4s, hold_in: 1s, exhale: 6s, breaths: 3, imagery: Jellyfish.}
  - rest: 30s
  - include: warm-up
"""
VALID_FILES = [EVERYTHING] + [p.read_bytes() for p in sorted(builtin_routines_dir().glob("*.yaml"))]
KEY = re.compile(rb"^(\s*(?:- )?)([a-z_<]+):", re.M)
PUNCTUATION = [b":", b"- ", b"[", b"]", b"{", b"}", b"&a", b"*a", b"!!python/name:os.system",
               b"\t", b"'", b'"', b"|", b">", b"#", b"---\n", b"\n  ", b"\xff", b"\x00",
               b"<<: *swing\n"]  # fmt: skip
NEW_KEYS = [b"durration", b"reps", b"breathing", b"rest", b"include", b"title", b"x", b"",
            b"sides", b"cues"]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(VALID_FILES)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "delete", "duplicate", "indent", "key", "insert"]))
        lines = bytes(data).split(b"\n")
        line = draw(st.integers(0, len(lines) - 1))
        if action == "flip" and data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
            continue
        if action == "delete":
            del lines[line]
        elif action == "duplicate":
            lines.insert(line, lines[line])
        elif action == "indent":
            lines[line] = b" " * draw(st.integers(0, 6)) + lines[line].lstrip()
        elif action == "key":
            new_key = draw(st.sampled_from(NEW_KEYS))
            lines[line] = KEY.sub(rb"\g<1>" + new_key + b":", lines[line], count=1)
        elif action == "insert":
            column = draw(st.integers(0, len(lines[line])))
            piece = draw(st.sampled_from(PUNCTUATION))
            lines[line] = lines[line][:column] + piece + lines[line][column:]
        data = bytearray(b"\n".join(lines))
    return bytes(data)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(mutated(), st.booleans())
def test_mutated_files_raise_only_routine_error(data: bytes, pure_python: bool) -> None:
    library = Library()
    try:
        routine = load_routine_bytes(data, "mutated.yaml", pure_python=pure_python)
    except RoutineError as exc:
        assert exc.problems, "a RoutineError always says what is wrong"
        for problem in exc.problems:
            assert problem.file == "mutated.yaml" and problem.line >= 1 and problem.column >= 1
        return
    # It loaded: then it must validate, expand and save like any routine.
    if not include_problems(routine, library):
        assert expand(routine, library.resolve).segments
    assert load_routine_text(dump_routine(routine)) == routine


def test_mutations_do_break_files() -> None:
    """The strategy is not vacuous: the example files are valid, and a damaged one is not."""
    for data in VALID_FILES:
        load_routine_bytes(data)
    damaged = EVERYTHING.replace(b"duration: 1m", b"duration: 1m\n\tsets: 2")
    try:
        load_routine_bytes(damaged)
    except RoutineError:
        return
    raise AssertionError("a tab-indented line was accepted")
