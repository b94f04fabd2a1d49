"""What the PyInstaller spec puts into the bundle, checked without building it.

The full frozen build (packaging/build.sh, a few minutes) runs in CI through
`make package-check`; these catch the usual ways it goes wrong in a second: data the app
looks for in another place, a driver imported by name, a Qt module excluded that the app
uses, package metadata read at run time.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from routineplayer.core import paths

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"
SOURCES = sorted((REPO / "src" / "routineplayer").rglob("*.py"))


def _load_bundle_contents() -> ModuleType:
    path = PACKAGING / "bundle_contents.py"
    spec = importlib.util.spec_from_file_location("bundle_contents", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contents = _load_bundle_contents()


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_data_goes_where_paths_and_the_wheel_look() -> None:
    wheel = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    force_include = wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert dict(contents.DATA_DIRS) == force_include  # the same layout as the wheel
    for source, dest in contents.DATA_DIRS:
        assert (REPO / source).is_dir()
        # core/paths.py: routineplayer/_data/<name> next to the package (sys._MEIPASS frozen)
        assert dest == f"routineplayer/_data/{source}"
    assert paths.builtin_routines_dir().name == "routines"
    assert paths.assets_dir().name == "assets"


def test_check_bundle_reads_the_same_data_dirs() -> None:
    # check-bundle.sh compares these folders with the bundle's; it asks bundle_contents.py.
    out = subprocess.run(
        [sys.executable, str(PACKAGING / "bundle_contents.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [tuple(line.split()) for line in out.splitlines()] == list(contents.DATA_DIRS)


@pytest.mark.parametrize("platform", ["linux", "darwin", "win32"])
def test_speech_drivers_are_hidden_imports(platform: str) -> None:
    hidden = contents.hidden_imports(platform)
    default = {"linux": "espeak", "darwin": "nsss", "win32": "sapi5"}[platform]
    assert "pyttsx3.drivers" in hidden
    assert f"pyttsx3.drivers.{default}" in hidden  # what pyttsx3.init() loads by name
    for name in hidden:
        # find_spec imports only the parent package: the drivers of other platforms exist
        # as files here even though their own imports (objc, comtypes) would fail.
        assert importlib.util.find_spec(name) is not None, name


def test_app_imports_no_excluded_module() -> None:
    excluded = set(contents.EXCLUDED_MODULES)
    offenders = {
        f"{path.relative_to(REPO)}: {name}"
        for path in SOURCES
        for name in _imported_modules(path)
        if name in excluded or name.rsplit(".", 1)[0] in excluded
    }
    assert not offenders, (
        f"the app imports modules the bundle leaves out; remove them from "
        f"packaging/bundle_contents.py EXCLUDED_QT_MODULES: {sorted(offenders)}"
    )


def test_kept_qt_modules_are_not_excluded() -> None:
    for kept in ("QtCore", "QtGui", "QtWidgets", "QtMultimedia", "QtSvg", "QtCharts"):
        assert kept not in contents.EXCLUDED_QT_MODULES
        assert importlib.util.find_spec(f"PySide6.{kept}") is not None


@pytest.mark.parametrize(
    ("dest", "unwanted"),
    [
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", True),
        ("PySide6\\plugins\\imageformats\\qpdf.dll", True),
        ("PySide6/Qt/plugins/multimedia/libffmpegmediaplugin.so", True),
        ("PySide6/Qt/lib/libavcodec.so.61", True),
        ("PySide6/Qt/lib/libQt6Quick.so.6", True),  # only the FFmpeg media plugin links it
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/lib/libQt6Multimedia.so.6", False),  # QAudioSink: no backend needed
        ("PySide6/Qt/lib/libQt6Gui.so.6", False),
        ("PySide6/Qt/lib/libQt6Charts.so.6", False),
    ],
)
def test_unwanted_binaries(dest: str, unwanted: bool) -> None:
    assert contents.is_unwanted_binary(dest) is unwanted


def test_app_needs_no_media_backend() -> None:
    # The bundle leaves QtMultimedia's FFmpeg backend out (bundle_contents.FFMPEG_BACKEND):
    # QAudioSink works without it, these classes do not.
    users = {
        f"{path.relative_to(REPO)}: {name.rsplit('.', 1)[1]}"
        for path in SOURCES
        for name in _imported_modules(path)
        if name.startswith("PySide6.QtMultimedia.")
        and name.rsplit(".", 1)[1] in contents.NEEDS_MEDIA_BACKEND
    }
    assert not users, (
        f"these need QtMultimedia's FFmpeg backend, which the bundle leaves out: {sorted(users)}; "
        "remove FFMPEG_BACKEND from UNWANTED_BINARIES in packaging/bundle_contents.py"
    )


# importlib.metadata.version("pyttsx3") and the like, however importlib.metadata was imported.
METADATA_CALL = re.compile(r"\bmetadata\.(?:version|metadata|distribution)\(\s*[\"']([^\"']+)[\"']")


def test_package_metadata_read_at_run_time_is_bundled() -> None:
    # importlib.metadata needs the package's dist-info, which PyInstaller leaves out
    # unless the spec copies it: the frozen app would think the package is not installed.
    read = {name for path in SOURCES for name in METADATA_CALL.findall(path.read_text("utf-8"))}
    assert "pyttsx3" in read  # the pattern still finds speech/availability.py's call
    assert read <= set(contents.METADATA_PACKAGES), read - set(contents.METADATA_PACKAGES)


@pytest.mark.speech
def test_launcher_runs_the_speech_worker() -> None:
    # The frozen app starts its speech worker as `<app> --speech-render-worker`
    # (speech/renderer.py); the launcher must hand that to the worker, not to the CLI.
    from routineplayer.speech.renderer import FROZEN_WORKER_FLAG

    worker = subprocess.run(
        [sys.executable, str(PACKAGING / "launcher.py"), FROZEN_WORKER_FLAG],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    hello = json.loads(worker.stdout.splitlines()[0])
    assert hello.get("hello") is True, worker.stdout + worker.stderr
    assert worker.returncode == 0


def test_the_recogniser_model_goes_in_without_the_dictation_model() -> None:
    files = contents.recogniser_model_files()
    names = {Path(source).name for source, _ in files}
    # The acoustic model, the dictionary and the phone loop (speech/recogniser.py's confidence)
    assert {"mdef", "means", "cmudict-en-us.dict", "en-us-phone.lm.bin"} <= names
    assert "en-us.lm.bin" not in names
    # Where pocketsphinx.get_model_path() looks in the bundle: next to its package.
    assert all(dest.startswith("pocketsphinx/model/en-us") for _, dest in files)
