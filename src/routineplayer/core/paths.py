"""Every path the app uses, in one place.

Built-in data (routines/, assets/) is found next to the package when installed from a
wheel or frozen (routineplayer/_data/...), and at the top of the repository when running
from a source checkout or an editable install. Per-user data goes to platformdirs
locations, which tests redirect with the ROUTINEPLAYER_HOME environment variable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_DIRS = PlatformDirs("routineplayer", appauthor=False)


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
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_data_dir() -> Path:
    return _user_dir("data", _DIRS.user_data_dir)


def user_routines_dir() -> Path:
    path = user_data_dir() / "routines"
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_dir() -> Path:
    path = user_data_dir() / "recovery"
    path.mkdir(parents=True, exist_ok=True)
    return path


def journal_path() -> Path:
    return user_data_dir() / "journal.sqlite3"


def user_cache_dir() -> Path:
    return _user_dir("cache", _DIRS.user_cache_dir)


def speech_cache_dir() -> Path:
    path = user_cache_dir() / "speech"
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    return _user_dir("config", _DIRS.user_config_dir)


def settings_path() -> Path:
    return user_config_dir() / "settings.json"
