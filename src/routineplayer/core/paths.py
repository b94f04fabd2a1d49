"""Every path the app uses, in one place.

Built-in data (routines/, assets/) is found next to the package when installed from a
wheel or frozen (routineplayer/_data/...), and at the top of the repository when running
from a source checkout or an editable install. Per-user data goes to platformdirs
locations, which tests redirect with the ROUTINEPLAYER_HOME environment variable.

A per-user folder that cannot be created (a read-only home, a file in the way) must not
stop the app: validate, plan and render need none of them, and the window can still play.
So creating one never raises here. The cache falls back to a folder for this process alone
(speech still renders, it is just not kept); the others keep their path, reading finds
nothing there and writing fails where it is tried. ``not_kept()`` says what is lost, for
the window to show.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from platformdirs import PlatformDirs

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_DIRS = PlatformDirs("routineplayer", appauthor=False)
log = logging.getLogger(__name__)

# What each per-user folder keeps, in the words the window uses when it cannot be made.
_KEEPS = {
    "data": "your routines, journal and recovery copies",
    "cache": "rendered speech (it is made again each time)",
    "config": "your settings",
    "log": "the log",  # logged, not shown: the log is for whoever reads a bug report
}
_SHOWN = ("data", "config", "cache")
_not_kept: dict[str, str] = {}  # kind -> why, for the folders that could not be made
_session_dirs: dict[str, Path] = {}


class DataNotFoundError(RuntimeError):
    """The built-in routines or assets are missing: the install is broken."""


def _data_roots() -> list[Path]:
    roots = [_PACKAGE_DIR / "_data"]  # wheel, and PyInstaller (which keeps the package layout)
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        roots.append(Path(meipass) / "routineplayer" / "_data")
    roots.append(_PACKAGE_DIR.parent.parent)  # src/routineplayer -> repository root
    return roots


def _find_data_dir(name: str) -> Path:
    override = os.environ.get(f"ROUTINEPLAYER_{name.upper()}_DIR")
    if override:
        return Path(override)
    for root in _data_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(r / name) for r in _data_roots())
    raise DataNotFoundError(f"cannot find the built-in '{name}' folder (looked in {searched})")


def builtin_routines_dir() -> Path:
    return _find_data_dir("routines")


def assets_dir() -> Path:
    return _find_data_dir("assets")


def sounds_dir() -> Path:
    return assets_dir() / "sounds"


def _user_dir(kind: str, default: str) -> Path:
    home = os.environ.get("ROUTINEPLAYER_HOME")
    path = Path(home) / kind if home else Path(default)
    if _made(path, kind):
        return path
    if kind == "cache":
        return _session_dir(kind)
    return path


def _made(path: Path, kind: str) -> bool:
    """Create ``path`` (and parents); False, noted in not_kept(), when it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = f"cannot create {path}: {exc.strerror or exc}"
        if _not_kept.get(kind) != why:
            log.warning("%s; %s will not be kept", why, _KEEPS.get(kind, kind))
        _not_kept[kind] = why
        return False
    return True


def _session_dir(kind: str) -> Path:
    """A folder for this process alone, removed when it exits."""
    if kind not in _session_dirs:
        path = Path(tempfile.mkdtemp(prefix=f"routineplayer-{kind}-"))
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        _session_dirs[kind] = path
    return _session_dirs[kind]


def _subdir(parent: Path, name: str, kind: str) -> Path:
    path = parent / name
    _made(path, kind)
    return path


def not_kept() -> list[str]:
    """What this session cannot keep, and why: one line each, none when all is well."""
    return [
        f"{_KEEPS[kind][:1].upper()}{_KEEPS[kind][1:]} will not be kept: {_not_kept[kind]}."
        for kind in _SHOWN
        if kind in _not_kept
    ]


def user_data_dir() -> Path:
    return _user_dir("data", _DIRS.user_data_dir)


def user_routines_dir() -> Path:
    return _subdir(user_data_dir(), "routines", "data")


def recovery_dir() -> Path:
    return _subdir(user_data_dir(), "recovery", "data")


def journal_path() -> Path:
    return user_data_dir() / "journal.sqlite3"


def user_cache_dir() -> Path:
    return _user_dir("cache", _DIRS.user_cache_dir)


def speech_cache_dir() -> Path:
    path = user_cache_dir() / "speech"
    return path if _made(path, "cache") else _session_dir("cache")


def user_config_dir() -> Path:
    return _user_dir("config", _DIRS.user_config_dir)


def log_file() -> Path:
    """Where the app writes its log; the temporary folder when the log folder cannot be made
    (unlike the cache, it outlives the process: an error message points at it)."""
    home = os.environ.get("ROUTINEPLAYER_HOME")
    folder = Path(home) / "log" if home else Path(_DIRS.user_log_dir)
    if _made(folder, "log"):
        return folder / "routineplayer.log"
    return Path(tempfile.gettempdir()) / f"routineplayer-{os.getuid()}.log"


def settings_path() -> Path:
    return user_config_dir() / "settings.json"
