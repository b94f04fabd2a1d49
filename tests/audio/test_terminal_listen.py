"""`routineplayer play NAME --audio-only --listen` in a real pseudo-terminal: the pain rating
and the belly check answered by voice into the virtual microphone (tests/audio/
virtual_mic.py), with the app's own voice speaking its cues into the test sink."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest
from virtual_mic import VirtualMic, utterance

from routineplayer.core import paths
from routineplayer.core.journal import Journal

pytestmark = [pytest.mark.audio, pytest.mark.speech, pytest.mark.slow]

ROUTINEPLAYER = Path(sys.executable).parent / "routineplayer"
QUICK_CHECK = """\
format: 1
title: Quick check
lead_in: 3s
steps:
  - title: Short slides
    duration: 2s
    sets: 2
    rest_between_sets: 5s
    check: true
"""
TRIES = 8  # a word said while the question is still being read is not listened to


def say_until_heard(child: pexpect.spawn, mic: VirtualMic, wav: Path, heard: str) -> None:
    """Say ``wav`` as a person would who answers before the question has quite ended (the
    app does not listen while its own voice plays): again, until it is heard."""
    for _ in range(TRIES):
        mic.play(wav)
        if child.expect([heard, pexpect.TIMEOUT], timeout=3) == 0:
            return
    raise AssertionError(f"{wav.name} was never heard; the terminal said: {child.before!r}")


def test_a_spoken_rating_and_a_spoken_no_in_the_terminal(
    tmp_path: Path, virtual_mic: VirtualMic, sounds: Path
) -> None:
    routine = tmp_path / "quick-check.yaml"
    routine.write_text(QUICK_CHECK, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    child = pexpect.spawn(
        str(ROUTINEPLAYER),
        ["play", str(routine), "--audio-only", "--listen"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
    )
    try:
        child.expect("Listening for spoken answers")
        child.expect("Press Enter or space to start")
        child.send("\r")
        child.expect(r"\? Before we start: how is your pain right now")
        say_until_heard(child, virtual_mic, utterance("zero", sounds), r"\(voice\) Heard: Pain 0\.")
        child.expect(r"> Quick check · Get ready")  # taken when the undo window ended
        child.send("ss")  # past the opening and the step's lead-in
        child.expect(r"\? Did your lower belly disconnect\?")
        say_until_heard(
            child, virtual_mic, utterance("no", sounds), r"\(voice\) Heard: No: carry on\."
        )
        child.expect("answer: no")
        child.send("q")
        child.expect(r"\? Stop the routine\?")
        child.send("\r")
        child.expect(r"\* Stopped")
        child.expect(r"\? How is your pain now, after the routine")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    with Journal.open(paths.journal_path()) as journal:
        (session,) = journal.sessions()
        spoken = journal.voice_answers(session.id)
    assert session.pain_before == 0
    assert [(q, a) for q, a, _, _ in spoken] == [("pain", "pain 0"), ("check", "no")]
