"""Is speech possible here, with which engine, and what to tell the user when it is not.

Checked in the calling process without importing pyttsx3 or starting the worker, because
the answer is also part of every cache key (engine name and version), and a warm cache must
be confirmed in milliseconds. pyttsx3's espeak driver loads libespeak-ng through ctypes, so
that is what is probed here too (the ``espeak-ng`` command is not needed).

``ROUTINEPLAYER_ESPEAK_LIBRARY`` names the library to load instead of the usual ones; tests
point it at a missing file to simulate a machine without espeak-ng, and the worker process
inherits it, so both sides agree.
"""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata

ESPEAK_PACKAGE = "espeak-ng"
INSTALL_HINT = f"sudo apt-get install {ESPEAK_PACKAGE}"
LIBRARY_ENV = "ROUTINEPLAYER_ESPEAK_LIBRARY"
DRIVER_ENV = "ROUTINEPLAYER_TTS_DRIVER"

# The names pyttsx3 2.99's espeak driver tries, in its order (drivers/_espeak.py).
_ESPEAK_LIBRARIES = (
    "/opt/homebrew/lib/libespeak-ng.1.dylib",
    "/usr/local/lib/libespeak-ng.1.dylib",
    "/usr/local/lib/libespeak.dylib",
    "libespeak-ng.so.1",
    "/usr/local/lib/libespeak-ng.so.1",
    "libespeak.so.1",
    r"C:\Program Files\eSpeak NG\libespeak-ng.dll",
    r"C:\Program Files (x86)\eSpeak NG\libespeak-ng.dll",
)


@dataclass(frozen=True)
class SpeechEngine:
    """What renders speech here. ``identity`` goes into cache keys."""

    driver: str  # pyttsx3 driver name: espeak, nsss, sapi5
    available: bool
    identity: str  # e.g. "espeak 1.51 pyttsx3 2.99"; changes invalidate the cache
    reason: str = ""  # why not available, with the fix, for one line on screen


def default_driver() -> str:
    """pyttsx3's default driver for this platform (its table, without importing it)."""
    override = os.environ.get(DRIVER_ENV)
    if override:
        return override
    return {"darwin": "nsss", "win32": "sapi5"}.get(sys.platform, "espeak")


def _pyttsx3_version() -> str:
    try:
        return metadata.version("pyttsx3")
    except metadata.PackageNotFoundError:
        return "missing"


def espeak_version() -> str | None:
    """The version string of the libespeak-ng pyttsx3 would load, or None if there is none."""
    override = os.environ.get(LIBRARY_ENV)
    for name in (override,) if override else _ESPEAK_LIBRARIES:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        info = lib.espeak_Info  # returns the version; safe before espeak_Initialize
        info.restype = ctypes.c_char_p
        info.argtypes = [ctypes.c_void_p]
        version = info(None)
        return version.decode("ascii", "replace") if version else "unknown"
    return None


@cache
def detect_engine(driver: str | None = None) -> SpeechEngine:
    """Probe once per process; the answer cannot change while the app runs."""
    driver = driver or default_driver()
    lib_version = _pyttsx3_version()
    if lib_version == "missing":
        reason = "Spoken cues are off: the Python package pyttsx3 is not installed."
        return SpeechEngine(driver, False, "", reason)
    if driver == "espeak":
        version = espeak_version()
        if version is None:
            reason = (
                f"Spoken cues are off: {ESPEAK_PACKAGE} is not installed. "
                f"Install it with: {INSTALL_HINT}"
            )
            return SpeechEngine(driver, False, "", reason)
        return SpeechEngine(driver, True, f"espeak-ng {version} pyttsx3 {lib_version}")
    if driver in ("nsss", "avspeech", "sapi5"):
        # The system voice's version is not exposed; the OS release stands in for it.
        os_release = platform.mac_ver()[0] if sys.platform == "darwin" else platform.version()
        return SpeechEngine(driver, True, f"{driver} {os_release} pyttsx3 {lib_version}")
    reason = f"Spoken cues are off: unknown speech driver {driver!r}."
    return SpeechEngine(driver, False, "", reason)
