"""The command line: validate, list, plan, and starting the window (in-process and as a process)."""

from __future__ import annotations

import errno
import itertools
import json
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest
from test_loader_errors import EXPECTED

from routineplayer import cli
from routineplayer.core import paths
from routineplayer.core.library import Library

ROOT = Path(__file__).resolve().parents[2]
BROKEN = ROOT / "tests" / "data" / "broken"
WARM_UP_EXERCISES = [
    "Light cardio",
    "Arm circles",
    "Leg swings",
    "Cat-cow",
    "Bird-dog",
    "Bodyweight squats",
]
PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): \S.*$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_the_built_in_routines(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in paths.builtin_routines_dir().glob("*.yaml"))
    code, out, err = run(capsys, "validate", *files)
    assert (code, err) == (0, "")
    assert out == f"{len(files)} routine files checked: all valid\n"


def test_validate_a_folder_of_broken_files(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(BROKEN))
    assert code == 2 and out == ""
    *lines, summary = err.splitlines()
    expected_count = sum(len(problems) for problems in EXPECTED.values())
    assert len(lines) == expected_count
    matches = [PROBLEM_LINE.match(line) for line in lines]
    assert all(matches), err
    assert {Path(m["file"]).name for m in matches if m} == set(EXPECTED)
    assert summary == f"{expected_count} problems in {len(EXPECTED)} of {len(EXPECTED)} files"


def test_validate_mixes_good_bad_and_missing_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = paths.builtin_routines_dir() / "warm-up.yaml"
    missing = tmp_path / "missing.yaml"
    code, _, err = run(capsys, "validate", str(good), str(BROKEN / "wrong-type.yaml"), str(missing))
    assert code == 2
    assert err.splitlines() == [
        f"{BROKEN / 'wrong-type.yaml'}:5:11: steps[0].reps: expected a whole number from 1 to "
        "1000, got 'eight'",
        f"{missing}:1:1: cannot read the file: {os.strerror(errno.ENOENT)}",
        "2 problems in 2 of 3 files",
    ]


def test_validate_an_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "validate", str(empty))
    assert code == 2
    assert err == f"routineplayer: {empty}: no routine files (*.yaml) in this folder\n"


def test_list_shows_built_in_and_user_routines(capsys: pytest.CaptureFixture[str]) -> None:
    user = paths.user_routines_dir()
    (user / "my-stretch.yaml").write_text(
        "format: 1\ntitle: My stretch\nsteps:\n  - duration: 1m\n"
    )
    (user / "oops.yaml").write_text("format: 1\ntitle: Oops\nsteps: []\n")
    code, out, err = run(capsys, "list")
    assert (code, err) == (0, "")
    rows = {line.split()[0]: re.split(r"\s{2,}", line) for line in out.splitlines()}
    assert rows["warm-up"] == ["warm-up", "Warm-up", rows["warm-up"][2], "built-in"]
    assert re.fullmatch(r"1\d:\d\d \(9:00 work\)", rows["warm-up"][2])
    assert re.fullmatch(r"\d+:\d\d \(10:00 work\)", rows["cool-down"][2])
    assert rows["my-stretch"][1:] == ["My stretch", rows["my-stretch"][2], "yours"]
    assert rows["my-stretch"][2].endswith("(1:00 work)")
    assert rows["oops"][2] == f"has problems: run routineplayer validate {user / 'oops.yaml'}"
    assert len(out.splitlines()) == len(Library().entries())  # one line per routine


def test_plan_of_the_warm_up_lists_the_six_exercises_with_9_minutes_of_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "plan", "warm-up")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].endswith("in all, 9:00 of exercise")
    work_lines = [
        line for line in out.splitlines() if re.match(r"\s*[\d:]+ -\s+[\d:]+  work ", line)
    ]
    titles = list(
        dict.fromkeys(line.split("work", 1)[1].strip().split(",")[0] for line in work_lines)
    )
    assert titles == WARM_UP_EXERCISES
    assert '"Switch sides: right leg."' in out


def test_plan_json_gives_segments_with_start_end_and_absolute_cue_times(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "plan", "warm-up", "--json")
    assert code == 0
    plan = json.loads(out)
    assert plan["work_seconds"] == 540
    segments = plan["segments"]
    assert segments[0]["start"] == 0 and segments[-1]["end"] == plan["total_seconds"]
    for before, after in itertools.pairwise(segments):
        assert after["start"] == before["end"]
    for seg in segments:
        for cue in seg["cues"]:
            assert cue["at"] == seg["start"] + cue["offset"]
            assert seg["start"] <= cue["at"] <= seg["end"]
    work_titles = [s["title"] for s in segments if s["kind"] == "work"]
    assert list(dict.fromkeys(work_titles)) == WARM_UP_EXERCISES


def test_plan_a_file_whose_include_is_next_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "part.yaml").write_text("format: 1\ntitle: Part\nsteps:\n  - duration: 2m\n")
    main = tmp_path / "main.yaml"
    main.write_text("format: 1\ntitle: Main\nsteps:\n  - include: part\n  - include: cool-down\n")
    code, out, err = run(capsys, "plan", str(main))
    assert (code, err) == (0, "")
    assert out.startswith("Main: ")
    assert out.splitlines()[0].endswith("in all, 12:00 of exercise")  # 2m + the 10m cool-down


def test_plan_an_unknown_name_or_a_broken_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "warmup")
    assert (code, out) == (2, "")
    assert err == "routineplayer: no routine is named 'warmup'; did you mean 'warm-up'?\n"
    code, out, err = run(capsys, "plan", str(BROKEN / "include-loop-a.yaml"))
    assert (code, out) == (2, "")
    assert "include loop: include-loop-a -> include-loop-b -> include-loop-a" in err


def test_no_display_gives_a_message_not_a_qt_abort(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    imported: list[str] = []
    monkeypatch.setattr(cli.importlib, "import_module", imported.append)
    code, _, err = run(capsys)
    assert code == 2 and imported == []
    assert "no display found" in err and "--audio-only" in err


def test_the_window_starts_through_gui_app_main(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    calls: list[list[str]] = []
    fake = types.SimpleNamespace(
        main=lambda argv, background: calls.append([*argv, f"background={background}"]) or 0
    )
    monkeypatch.setattr(cli.importlib, "import_module", lambda name: fake)
    assert run(capsys) == (0, "", "")
    assert run(capsys, "--background") == (0, "", "")
    assert calls == [["background=False"], ["background=True"]]


@pytest.mark.parametrize(
    ("missing", "message"),
    [("routineplayer.gui.app", "not part of this build"), ("PySide6.QtWidgets", "make setup")],
)
def test_a_missing_window_module_is_explained(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, missing: str, message: str
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")

    def import_module(name: str) -> None:
        raise ModuleNotFoundError(f"No module named {missing!r}", name=missing)

    monkeypatch.setattr(cli.importlib, "import_module", import_module)
    code, _, err = run(capsys)
    assert code == 1 and message in err


def test_version_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("routineplayer ")
    with pytest.raises(SystemExit) as exited:
        cli.main(["validate"])
    assert exited.value.code == 2


def test_python_m_routineplayer_validate_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "routineplayer", "validate", str(BROKEN), str(ROOT / "routines")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    *lines, summary = result.stderr.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines), result.stderr
    built_ins = len(list((ROOT / "routines").glob("*.yaml")))
    assert summary.endswith(f"in {len(EXPECTED)} of {len(EXPECTED) + built_ins} files")
    good = subprocess.run(
        [sys.executable, "-m", "routineplayer", "validate", str(ROOT / "routines")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (good.returncode, good.stderr) == (0, "")
