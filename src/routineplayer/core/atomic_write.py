"""Replacing a file so that a crash, a kill or a full disk leaves the old file or the new
one, never a truncated mix: the one way the app writes routines, recovery copies, settings,
journal exports, summaries and rendered speech."""

from __future__ import annotations

import glob
import os
import stat
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

STALE_TEMP_SECONDS = 600.0


def write_atomic(path: Path, data: bytes, *, mode: int | None = None, durable: bool = True) -> None:
    """Replace ``path`` with ``data``.

    ``mode``: the new file's permissions (default: the old file's, or 0o644). ``durable``:
    fsync the file and the rename, so it survives a power cut too; a cache that can be made
    again skips that cost.
    """
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o644
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    if durable:
        _fsync_dir(path.parent)
    _remove_stale_temps(path)


def _remove_stale_temps(path: Path) -> None:
    """Temp files of earlier writes to ``path`` that were killed mid-write (a SIGKILL runs
    no cleanup). Only old ones go, so a concurrent writer's file is never touched."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with suppress(OSError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink()


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles to sync)."""
    if sys.platform == "win32":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
