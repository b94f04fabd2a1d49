"""packaging/check-bundle.sh fails a broken bundle, naming what is wrong.

The real bundle is checked by `make package-check` (CI), which builds it for a few
minutes; here stand-in bundles, each broken in one way, show that the checks that run
before the frozen app catch what they are there to catch.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = REPO / "packaging" / "check-bundle.sh"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A stand-in bundle with every data file where the spec puts it, and no libraries."""
    bundle = tmp_path / "routineplayer"
    data = bundle / "_internal" / "routineplayer" / "_data"
    for name in ("routines", "assets"):
        shutil.copytree(REPO / name, data / name)
    exe = bundle / "routineplayer"
    exe.write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")  # never reached in these tests
    exe.chmod(0o755)
    return bundle


def _check(bundle: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(CHECK), str(bundle)], capture_output=True, text=True, timeout=120, check=False
    )


def test_a_missing_data_file_fails(bundle: Path) -> None:
    (bundle / "_internal/routineplayer/_data/routines/warm-up.yaml").unlink()
    result = _check(bundle)
    assert result.returncode == 1
    assert "warm-up.yaml" in result.stderr
    assert "FAIL: the bundle's routineplayer/_data/routines differs from routines/" in result.stderr


def test_an_unloadable_library_fails(bundle: Path) -> None:
    (bundle / "_internal" / "libdamaged.so.1").write_bytes(b"\x7fELF but not really")
    result = _check(bundle)
    assert "ok: data files" in result.stderr
    assert result.returncode == 1
    assert "FAIL: libraries missing or unloadable" in result.stderr
    assert "libdamaged.so.1" in result.stderr
    assert "ok: shared libraries" not in result.stderr


def test_the_stand_in_app_is_run_once_the_files_pass(bundle: Path) -> None:
    # Data and libraries pass, so the frozen app is run, and the stand-in's failure is caught.
    result = _check(bundle)
    assert "ok: shared libraries" in result.stderr
    assert result.returncode == 1
    assert "FAIL: the frozen app failed (exit 1): routineplayer validate" in result.stderr


def test_no_bundle_says_how_to_build_one(tmp_path: Path) -> None:
    result = _check(tmp_path / "nothing")
    assert result.returncode == 1
    assert "build it with make package" in result.stderr
