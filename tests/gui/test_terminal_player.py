"""`routineplayer play NAME --audio-only` in a real pseudo-terminal, keys pressed one by one."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

from routineplayer.terminal_player import event_line, split_keys

ROUTINEPLAYER = Path(sys.executable).parent / "routineplayer"


def spawn(*args: str) -> pexpect.spawn:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the terminal player must need no display of any kind
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    child = pexpect.spawn(
        str(ROUTINEPLAYER), list(args), env=env, encoding="utf-8", timeout=60, dimensions=(40, 200)
    )
    return child


def test_start_answer_a_check_and_quit() -> None:
    child = spawn("play", "upper-back-slides", "--audio-only")
    try:
        child.expect("Position: On hands and knees")
        child.expect("Press Enter or space to start")
        child.send("\r")
        child.expect(r"> 2-minute upper-back slides · Get ready")
        child.send("s")  # past the opening
        child.expect(r"> Forward reach slides · Get ready")
        child.send("s")  # past the step's lead-in
        child.expect(r"> Forward reach slides · Set 1 of 2")
        child.send(" ")
        child.expect(r"\|\| Paused")
        child.send(" ")
        child.expect("> Carrying on")
        child.send("s")  # the set, skipped: the check still comes
        child.expect(r"\? Did your lower belly disconnect\? Press y for yes, n for no\.")
        child.send("y")
        child.expect("answer: yes")
        child.expect(r"> Rest and reset · Set 1 of 2 \(2 minutes\)")
        child.send("q")
        child.expect(r"\* Stopped")
        child.expect("Rest-and-resets taken: 1")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before


def test_unknown_routine_says_what_it_might_be() -> None:
    child = spawn("play", "warm-upp", "--audio-only")
    child.expect("did you mean 'warm-up'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


def test_keys_and_lines() -> None:
    assert split_keys("sY\x1b[C \x1b[D\r") == ["s", "y", "\x1b[C", " ", "\x1b[D", "\r"]
    from routineplayer.core.session import Event, EventKind

    paused = Event(EventKind.PAUSED, 0.0, 0, None)
    assert event_line(paused) == "|| Paused: space carries on"
    assert event_line(Event(EventKind.STATE_CHANGED, 0.0, 0, None)) is None
