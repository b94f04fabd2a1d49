"""`routineplayer --smoke-test` passes on a working install and fails, saying why, on a
broken one. The frozen bundle runs the same command in packaging/check-bundle.sh.

Each run is a fresh process, as the frozen check is: the speech engine is probed once per
process, and the smoke test creates its own QApplication.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from routineplayer.core import paths

TIMEOUT_S = 180  # one espeak-ng render and one window, on a busy 2-core machine


def _smoke_test(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "routineplayer", "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
        env={**os.environ, **env},
    )


@pytest.mark.speech
def test_passes_on_this_install() -> None:
    result = _smoke_test()
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    steps = [line.split(": ", 2)[2].split()[0] for line in lines[:-1]]
    assert steps == ["5", "application", "rendered", "cue", "recogniser", "main"], lines
    assert all(line.startswith("smoke-test: ok: ") for line in lines[:-1])
    assert lines[-1] == "smoke-test: passed"


def test_fails_without_speech_naming_the_package() -> None:
    # The library override is how speech/availability.py lets tests remove espeak-ng.
    result = _smoke_test(ROUTINEPLAYER_ESPEAK_LIBRARY="/nonexistent/libespeak-ng.so.1")
    assert result.returncode == 1
    assert "smoke-test: FAILED: speech is unavailable" in result.stderr
    assert "apt-get install espeak-ng" in result.stderr


def test_fails_when_the_recogniser_has_no_model(tmp_path: Path) -> None:
    # pocketsphinx looks for its model where POCKETSPHINX_PATH says: an empty folder is a
    # bundle that left the model out.
    result = _smoke_test(POCKETSPHINX_PATH=str(tmp_path))
    assert result.returncode == 1
    assert "smoke-test: FAILED: the recogniser of spoken answers did not load" in result.stderr


def test_fails_on_a_broken_builtin_routine(tmp_path: Path) -> None:
    routines = tmp_path / "routines"
    shutil.copytree(paths.builtin_routines_dir(), routines)
    (routines / "broken.yaml").write_text("format: 1\ntitle: Broken\nsteps: 3\n", "utf-8")
    result = _smoke_test(ROUTINEPLAYER_ROUTINES_DIR=str(routines))
    assert result.returncode == 1
    assert "built-in routine 'broken' does not load" in result.stderr


def test_fails_without_builtin_routines(tmp_path: Path) -> None:
    result = _smoke_test(ROUTINEPLAYER_ROUTINES_DIR=str(tmp_path))
    assert result.returncode == 1
    assert f"no built-in routines in {tmp_path}" in result.stderr
