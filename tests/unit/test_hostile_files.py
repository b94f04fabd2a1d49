"""Hostile routine files: small valid-looking files, special files, deep includes, escapes.

Each is refused with FILE:LINE:COL and exit 2, quickly, without building what it asks for.
Commands run in a subprocess with a timeout where the failure would be a hang or a crash.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from routineplayer import cli
from routineplayer.core import cost
from routineplayer.core.cost import first_excess, opening_cost
from routineplayer.core.library import Library
from routineplayer.core.loader import (
    MAX_BREATHS,
    MAX_REPS,
    MAX_SECONDS,
    MAX_SETS,
    load_routine,
    load_routine_text,
    validate_file,
)
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind
from routineplayer.core.problems import RoutineError
from routineplayer.core.timeline import (
    MAX_INCLUDE_DEPTH,
    IncludeError,
    RoutineTooLarge,
    expand,
)

ROUTINEPLAYER = [sys.executable, "-m", "routineplayer"]
QUICK_S = 20  # a subprocess that takes longer than this has hung or expanded the file


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ROUTINEPLAYER, *args],
        capture_output=True,
        text=True,
        timeout=QUICK_S,
        cwd=cwd,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_refused(result: subprocess.CompletedProcess[str], file: str, line: int) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(rf"^{re.escape(file)}:{line}:\d+: ", result.stderr, re.MULTILINE), (
        result.stderr
    )
    return result.stderr


BOMB_STEP = """\
  - title: Bomb {i}
    reps: 1000
    tempo: 24h
    sets: 100
    sides: [a, b, c, d, e, f, g, h]
"""


# -- 1. a cost limit before expansion ------------------------------------------------------


def test_one_step_of_maximums_is_refused_at_that_step_with_the_figure(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text("format: 1\ntitle: Bomb\nsteps:\n" + BOMB_STEP.format(i=1))
    started = time.perf_counter()
    err = assert_refused(run("validate", str(path)), str(path), 4)
    assert "steps[0]: the routine is too large: it would last 19,200,000.0 hours" in err
    assert run("plan", str(path)).returncode == 2
    assert time.perf_counter() - started < QUICK_S


def test_fifty_such_steps_in_two_kilobytes_are_refused_in_no_time(tmp_path: Path) -> None:
    text = "format: 1\ntitle: Bombs\nsteps:\n" + "".join(BOMB_STEP.format(i=i) for i in range(50))
    assert len(text) < 5_000
    started = time.perf_counter()
    with pytest.raises(RoutineError) as caught:
        load_routine_text(text, "bombs.yaml")
    assert time.perf_counter() - started < 1.0  # nothing was expanded
    (problem,) = caught.value.problems
    assert (problem.line, problem.key_path) == (4, "steps[0]")


def test_many_long_breathing_steps_are_refused_by_their_cues(tmp_path: Path) -> None:
    step = "  - title: B{i}\n    breathing: {{inhale: 1s, exhale: 1s, breaths: 10000}}\n"
    text = "format: 1\ntitle: Breaths\nsteps:\n" + "".join(step.format(i=i) for i in range(40))
    with pytest.raises(RoutineError) as caught:
        load_routine_text(text, "breaths.yaml")
    (problem,) = caught.value.problems
    assert problem.key_path == "steps[0]"
    assert "spoken cues" in problem.message and f"{cost.MAX_CUES:,}" in problem.message


def test_includes_each_fine_but_too_large_together_are_refused_at_the_include(
    tmp_path: Path,
) -> None:
    (tmp_path / "seven-hours.yaml").write_text(
        "format: 1\ntitle: Seven hours\nsteps:\n  - duration: 7h\n"
    )
    main = tmp_path / "twice.yaml"
    main.write_text(
        "format: 1\ntitle: Twice\nsteps:\n  - include: seven-hours\n  - include: seven-hours\n"
    )
    (problem,) = validate_file(main, Library())
    assert (problem.line, problem.column, problem.key_path) == (5, 5, "steps[1]")
    assert "too large" in problem.message and "hours" in problem.message
    err = assert_refused(run("validate", str(main)), str(main), 5)
    assert "12 a routine may" in err
    library = Library().with_dir(tmp_path)
    with pytest.raises(RoutineTooLarge):
        expand(library.resolve("twice"), library.resolve)


def test_list_shows_a_too_large_routine_as_having_problems_without_expanding_it(
    routineplayer_home: Path,
) -> None:
    mine = routineplayer_home / "data" / "routines"
    mine.mkdir(parents=True, exist_ok=True)
    text = "format: 1\ntitle: Bombs\nsteps:\n" + "".join(BOMB_STEP.format(i=i) for i in range(50))
    (mine / "bombs.yaml").write_text(text)
    started = time.perf_counter()
    result = run("list")
    assert time.perf_counter() - started < QUICK_S
    assert result.returncode == 0
    assert re.search(r"^bombs\s+\?\s+has problems", result.stdout, re.MULTILINE), result.stdout


def test_a_routine_built_in_code_past_the_bounds_is_refused_by_expand() -> None:
    # The editor, the assessment and tests build routines without the loader: expand checks.
    step = Step(StepKind.TIMED, title="Long", duration=MAX_SECONDS, sets=MAX_SETS)
    with pytest.raises(RoutineTooLarge, match="too large"):
        expand(Routine("Too long", (step,)), lambda name: Routine("x", ()))


# The format's maximums, value by value; a routine of them is refused or within the bounds.
_durations = st.sampled_from([1.0, 30.0, 3600.0, MAX_SECONDS])


@st.composite
def _extreme_steps(draw: st.DrawFn) -> Step:
    kind = draw(st.sampled_from([StepKind.TIMED, StepKind.REPS, StepKind.BREATHING, StepKind.REST]))
    sides = draw(st.sampled_from([(), ("l", "r"), tuple("abcdefgh")]))
    sets = draw(st.sampled_from([1, 2, MAX_SETS]))
    common: dict[str, object] = {
        "title": "T",
        "sets": sets,
        "sides": sides,
        "rest_between_sets": draw(st.sampled_from([0.0, 10.0, MAX_SECONDS])),
        "check": draw(st.sampled_from([None, Check()])),
        "cues": tuple(Cue(float(i), "c") for i in range(draw(st.integers(0, 3)))),
    }
    if kind is StepKind.REST:
        return Step(kind, duration=draw(_durations))
    if kind is StepKind.TIMED:
        return Step(kind, duration=draw(_durations), **common)  # type: ignore[arg-type]
    if kind is StepKind.REPS:
        tempo = draw(st.sampled_from([None, 1.5, 4.0, MAX_SECONDS]))
        reps = draw(st.sampled_from([1, 10, MAX_REPS]))
        return Step(kind, reps=reps, tempo=tempo, **common)  # type: ignore[arg-type]
    breaths = draw(st.sampled_from([None, 10, MAX_BREATHS]))
    breathing = Breathing(
        inhale=draw(st.sampled_from([1.0, 4.0])),
        exhale=draw(st.sampled_from([1.0, 6.0])),
        hold_in=draw(st.sampled_from([0.0, 1.0])),
        hold_out=draw(st.sampled_from([0.0, 1.0])),
        breaths=breaths,
        imagery="Soft.",
    )
    duration = None if breaths else draw(_durations)
    return Step(kind, duration=duration, breathing=breathing, **common)  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_extreme_steps(), min_size=1, max_size=4))
def test_what_the_bounds_let_through_is_what_expand_builds_at_most(steps: list[Step]) -> None:
    routine = Routine("Extremes", tuple(steps), lead_in=8.0)
    within = first_excess(steps, 8.0, opening_cost(routine.title, "", 8.0))[0] < 0
    try:
        timeline = expand(routine, lambda name: Routine("x", ()))
    except RoutineTooLarge:
        assert not within
        return
    assert within
    # Nothing expand built is over the bounds, and the estimate bounded each figure.
    cues = sum(len(seg.cues) for seg in timeline.segments)
    phases = sum(len(seg.breath) for seg in timeline.segments)
    assert len(timeline.segments) <= cost.MAX_SEGMENTS
    assert cues <= cost.MAX_CUES
    assert phases <= cost.MAX_BREATH_PHASES
    assert timeline.total <= cost.MAX_TOTAL_SECONDS


def test_the_estimate_bounds_every_built_in_routine_from_above() -> None:
    library = Library()
    for name in library.names():
        routine = library.resolve(name)
        timeline = expand(routine, library.resolve)
        estimate = sum(
            (cost.step_cost(s, routine.lead_in) for s in timeline.steps),
            opening_cost(routine.title, routine.position, routine.lead_in),
        )
        assert len(timeline.segments) <= estimate.segments, name
        assert sum(len(s.cues) for s in timeline.segments) <= estimate.cues, name
        assert sum(len(s.breath) for s in timeline.segments) <= estimate.breath_phases, name
        assert timeline.total <= estimate.seconds, name
        assert estimate.seconds < 2 * timeline.total, name  # an estimate, not a wild guess


# -- 2. only regular files are read --------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    for command in ("validate", "plan"):
        err = assert_refused(run(command, str(fifo)), str(fifo), 1)
        assert "not a regular file" in err
    with pytest.raises(RoutineError, match="not a regular file"):
        load_routine(fifo)


def test_a_device_is_refused(tmp_path: Path) -> None:
    err = assert_refused(run("validate", "/dev/zero"), "/dev/zero", 1)
    assert "not a regular file" in err


# -- 3. bounded include depth and name length ------------------------------------------------


def test_an_include_chain_a_thousand_deep_is_refused_at_the_first_include(tmp_path: Path) -> None:
    for i in range(1000):
        (tmp_path / f"c{i}.yaml").write_text(
            f"format: 1\ntitle: C{i}\nsteps:\n  - include: c{i + 1}\n"
        )
    (tmp_path / "c1000.yaml").write_text("format: 1\ntitle: End\nsteps:\n  - duration: 10s\n")
    start = tmp_path / "c0.yaml"
    err = assert_refused(run("validate", str(start)), str(start), 4)
    assert f"includes nest more than {MAX_INCLUDE_DEPTH} deep" in err
    assert assert_refused(run("plan", str(start)), str(start), 4)


def test_an_include_name_of_five_thousand_characters_is_refused_at_its_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "long.yaml"
    path.write_text("format: 1\ntitle: Long\nsteps:\n  - include: " + "x" * 5000 + "\n")
    err = assert_refused(run("validate", str(path)), str(path), 4)
    assert "at most 100 characters, got 5,000" in err
    # The library itself never asks the file system about such a name.
    assert Library().path_of("x" * 5000) is None


def test_an_unexpected_error_is_one_line_and_the_traceback_is_in_the_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, routineplayer_home: Path
) -> None:
    def broken(_args: object) -> int:
        raise RuntimeError("a bug nobody foresaw \x1b[2J")

    monkeypatch.setattr(cli, "_run_list", broken)
    assert cli.main(["list"]) == cli.EXIT_UNEXPECTED
    _, err = capsys.readouterr()
    log = routineplayer_home / "log" / "routineplayer.log"
    assert err.splitlines() == [
        "routineplayer: unexpected error: RuntimeError: a bug nobody foresaw \\x1b[2J "
        f"(details in {log}; please report it)"
    ]
    assert "Traceback" in log.read_text() and "a bug nobody foresaw" in log.read_text()


# -- 4. no home, still useful ----------------------------------------------------------------


def test_commands_work_when_no_per_user_folder_can_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")  # root can write anywhere; a file in the way stops it too
    env = dict(os.environ, ROUTINEPLAYER_HOME=str(blocker / "home"))
    out = tmp_path / "track.wav"
    for args in (
        ["validate", "routines/warm-up.yaml"],
        ["plan", "upper-back-slides"],
        ["list"],
        ["render", "upper-back-slides", "--out", str(out)],
    ):
        result = subprocess.run(
            [*ROUTINEPLAYER, *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            check=False,
        )
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert out.stat().st_size > 44


def test_what_cannot_be_kept_is_said(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from routineplayer.core import paths

    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("ROUTINEPLAYER_HOME", str(blocker / "home"))
    monkeypatch.setattr(paths, "_not_kept", {})
    assert not paths.speech_cache_dir().is_relative_to(blocker)  # a session folder instead
    assert paths.speech_cache_dir().is_dir()
    paths.user_routines_dir()
    paths.settings_path()
    said = "\n".join(paths.not_kept())
    assert "Your routines, journal and recovery copies will not be kept" in said
    assert "Your settings will not be kept" in said
    assert "Rendered speech" in said
    assert str(blocker) in said


# -- 9. terminal escapes in text ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("escape", "char"),
    [
        ("\\e[2J", "U+001B (escape)"),
        ("\\a", "U+0007 (bell)"),
        ("\\0", "U+0000 (null)"),
        ("\\x9b2J", "U+009B"),
        ("\\r", "U+000D (carriage return)"),
        ("\\x7f", "U+007F"),
    ],
)
def test_control_characters_from_yaml_escapes_are_refused_in_text(escape: str, char: str) -> None:
    text = f'format: 1\ntitle: "Hi {escape} there"\nsteps:\n  - duration: 10s\n'
    with pytest.raises(RoutineError) as caught:
        load_routine_text(text, "esc.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.key_path) == (2, "title")
    assert f"the control character {char} is not allowed in text" in problem.message


def test_tabs_and_line_breaks_stay_allowed() -> None:
    text = 'format: 1\ntitle: "A\\tB"\nsteps:\n  - duration: 10s\n    say: "one\\ntwo"\n'
    assert load_routine_text(text).steps[0].say == "one\ntwo"


def test_nothing_a_file_holds_reaches_the_terminal_raw(tmp_path: Path) -> None:
    path = tmp_path / "esc.yaml"
    path.write_text(
        'format: 1\ntitle: "T\\e]0;pwned\\a"\nsteps:\n  - duration: 10s\n'
        '    "\\e[2Jkey": 1\n  - include: "\\e[2J"\n'
    )
    for command in ("validate", "plan"):
        result = run(command, str(path))
        assert result.returncode == 2
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout + result.stderr)
        assert "\\x1b[2Jkey" in result.stderr  # shown, escaped


# -- 10. durations: exactly what the documentation says ---------------------------------------


@pytest.mark.parametrize("written", ["٣٠s", "1 m 30 s", "1_000", "1e3", "+30", "1M"])
def test_durations_the_documentation_does_not_allow_are_refused(written: str) -> None:
    text = f"format: 1\ntitle: T\nsteps:\n  - duration: '{written}'\n"
    with pytest.raises(RoutineError) as caught:
        load_routine_text(text, "d.yaml")
    (problem,) = caught.value.problems
    assert (problem.line, problem.key_path) == (4, "steps[0].duration")
    assert "expected a duration" in problem.message


def test_include_errors_stay_include_errors() -> None:
    assert issubclass(RoutineTooLarge, IncludeError)  # every caller of expand catches it
