"""The terminal player starts whatever settings.json holds: settings are untrusted input."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from routineplayer.core.paths import settings_path

ROUTINEPLAYER = Path(sys.executable).parent / "routineplayer"


def test_a_rate_of_infinity_in_the_settings_does_not_stop_play() -> None:
    settings_path().write_text('{"voice": {"rate": Infinity, "volume": NaN}}', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    child = pexpect.spawn(
        str(ROUTINEPLAYER),
        ["play", "upper-back-slides", "--audio-only"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        child.expect("Press Enter or space to start")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
