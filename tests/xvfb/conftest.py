"""A private Xvfb server per test, on a display number the server picks itself (-displayfd)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SCREEN = "1280x800x24"


@pytest.fixture
def xvfb(require_command: Callable[[str, str], str], tmp_path: Path) -> Iterator[str]:
    """Start Xvfb and yield its DISPLAY (":N"); fails naming the package when it is missing."""
    binary = require_command("Xvfb", "xvfb")
    require_command("xdotool", "xdotool")
    read_fd, write_fd = os.pipe()
    log = (tmp_path / "xvfb.log").open("w")
    server = subprocess.Popen(
        [binary, "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    os.close(write_fd)
    # Xvfb writes the display number once it accepts connections: no polling, no sleeps.
    with os.fdopen(read_fd) as ready:
        number = ready.readline().strip()
    if not number:
        server.kill()
        server.wait()
        pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text()}", pytrace=False)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
