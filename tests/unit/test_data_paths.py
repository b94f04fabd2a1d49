"""The built-in routines/ and assets/ are found however the app is installed.

They live at the top of the repository and are copied into the wheel as
routineplayer/_data/ (pyproject.toml); core/paths.py looks in both places. Each way of
running gets its own interpreter so that one layout cannot hide a broken other.
(The frozen PyInstaller app is checked by the packaging tests.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import platformdirs
import pytest

from routineplayer.core import paths

REPO = Path(__file__).resolve().parents[2]
DATA_DIRS = ("routines", "assets")

# Run in the interpreter under test: where routineplayer came from, and what paths.py finds.
PROBE = """
import json, routineplayer
from routineplayer.core import paths
print(json.dumps({
    "module": routineplayer.__file__,
    "routines": str(paths.builtin_routines_dir()),
    "assets": str(paths.assets_dir()),
}))
"""


def _files_under(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def _repo_data_files() -> dict[str, set[str]]:
    return {name: _files_under(REPO / name) for name in DATA_DIRS}


def _probe(python: Path | str, *flags: str, prelude: str = "", cwd: Path) -> dict[str, str]:
    """Run PROBE in a clean interpreter: no PYTHONPATH, no overrides, cwd outside the repo."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PYTHON")
        and k not in ("ROUTINEPLAYER_ROUTINES_DIR", "ROUTINEPLAYER_ASSETS_DIR")
    }
    result = subprocess.run(
        [str(python), *flags, "-c", prelude + PROBE],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _assert_finds_repo_data(found: dict[str, str], data_root: Path) -> None:
    for name, files in _repo_data_files().items():
        assert Path(found[name]) == data_root / name
        assert _files_under(Path(found[name])) == files


def test_repository_has_builtin_data() -> None:
    files = _repo_data_files()
    assert any(f.endswith(".yaml") for f in files["routines"]), "routines/ has no *.yaml"
    # git keeps no empty folders: an empty assets/ would be missing from a fresh clone.
    assert files["assets"], "assets/ has no files"


def test_found_from_the_editable_install() -> None:
    # The interpreter running the tests has the project installed with `pip install -e .`.
    assert paths.builtin_routines_dir() == REPO / "routines"
    assert paths.assets_dir() == REPO / "assets"


def test_found_from_a_source_checkout(tmp_path: Path) -> None:
    """src/ on sys.path and nothing installed (no site-packages at all: -S)."""
    deps = tmp_path / "deps"
    deps.mkdir()
    (deps / "platformdirs").symlink_to(Path(platformdirs.__file__).parent)
    prelude = f"import sys; sys.path[:0] = [{str(REPO / 'src')!r}, {str(deps)!r}]\n"
    found = _probe(sys.executable, "-I", "-S", prelude=prelude, cwd=tmp_path)
    assert Path(found["module"]).is_relative_to(REPO / "src")
    _assert_finds_repo_data(found, REPO)


@pytest.mark.slow
def test_found_from_an_installed_wheel(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        # --no-build-isolation: built by the locked hatchling in this venv, not one fetched.
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("-q", "-w", str(dist), str(REPO)),
        ],
        check=True,
    )
    (wheel,) = dist.glob("routineplayer-*.whl")

    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for name, files in _repo_data_files().items():
        prefix = f"routineplayer/_data/{name}/"
        assert {n.removeprefix(prefix) for n in names if n.startswith(prefix)} == files

    # A plain venv (not --system-site-packages, which would see the editable install) with
    # the wheel installed by the outer pip, and platformdirs, its one import, copied in.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
    )
    site_packages = Path(
        subprocess.run(
            [str(python), "-I", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    shutil.copytree(Path(platformdirs.__file__).parent, site_packages / "platformdirs")

    found = _probe(python, "-I", cwd=tmp_path)
    assert Path(found["module"]).is_relative_to(site_packages)
    _assert_finds_repo_data(found, site_packages / "routineplayer" / "_data")
