"""Reading a file we did not write, without letting it hang or flood us.

Routine files, settings and recovery copies may be anything a user (or a shared folder)
put at that path: a FIFO, whose open() waits forever for a writer; a device that never
ends; a folder. Only regular files are read, opened non-blocking and checked with fstat
before any read, and never more than the caller's limit.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular_file(path: str | Path, limit: int) -> bytes:
    """Up to ``limit`` bytes of a regular file; OSError (EINVAL) for anything else."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "a pipe or a device"
            raise OSError(errno.EINVAL, f"not a regular file but {what}")
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read(limit)
    finally:
        os.close(fd)
