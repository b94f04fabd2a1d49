"""Spoken answers end to end: a word said into the virtual microphone (tests/audio/
virtual_mic.py) moves a real session on, through the real capture path, the recogniser on
its worker thread, runtime.hands_free and a real journal file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from spoken_session import FakeClock, to_the_check
from virtual_mic import VirtualMic, utterance

from routineplayer.core.journal import Journal
from routineplayer.core.library import Library
from routineplayer.core.session import State
from routineplayer.core.timeline import expand
from routineplayer.runtime.hands_free import HandsFree
from routineplayer.runtime.journal_recorder import JournalRecorder
from routineplayer.runtime.microphone import Microphone
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.runtime.voice_listener import VoiceListener

pytestmark = [pytest.mark.audio, pytest.mark.speech, pytest.mark.slow]

WAIT_MS = 30_000  # two slow cores, other work running: generous
HOLD_S = 0.5


class Said:
    def __init__(self) -> None:
        self.texts: list[str] = []

    def play(self, text: str, priority: int, chime: str | None) -> None:
        self.texts.append(text)


@pytest.fixture
def listener(virtual_mic: VirtualMic) -> Iterator[VoiceListener]:
    made = VoiceListener(Microphone())
    yield made
    made.close()
    made.deleteLater()


def test_a_spoken_no_answers_the_check_and_the_journal_says_it_was_spoken(
    qtbot: QtBot, virtual_mic: VirtualMic, listener: VoiceListener, sounds: Path, tmp_path: Path
) -> None:
    library = Library()
    timeline = expand(library.resolve("upper-back-slides"), library.resolve)
    clock = FakeClock()
    driver = SessionDriver.for_timeline(timeline, clock=clock)
    recorder = JournalRecorder.open(tmp_path / "journal.sqlite3")
    recorder.attach(driver)
    recorder.begin(timeline, builtin="upper-back-slides")
    said = Said()
    hands = HandsFree(driver, listener, sink=said, recorder=recorder, hold_s=HOLD_S)
    listening: list[bool] = []
    hands.listening_changed.connect(listening.append)
    try:
        to_the_check(driver, clock)
        qtbot.waitUntil(lambda: listening[-1:] == [True], timeout=WAIT_MS)
        qtbot.wait(1500)  # the microphone takes up to a second to deliver its first audio
        speaking = virtual_mic.play_soon(utterance("no", sounds))
        qtbot.waitUntil(lambda: driver.session.state is not State.CHECKING, timeout=WAIT_MS)
        speaking.join(timeout=30)  # not left playing into the next test
        assert said.texts == ["No: carry on."]
        assert driver.session.state is not State.RESETTING
        assert recorder.flush()
    finally:
        hands.close()
        recorder.close()
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        [session] = journal.sessions()
        [(question, answer, step, set_number)] = journal.voice_answers(session.id)
    assert (question, answer) == ("check", "no")
    assert step is not None and set_number == 1


def test_pause_said_during_play_pauses_at_once(
    qtbot: QtBot, virtual_mic: VirtualMic, listener: VoiceListener, sounds: Path
) -> None:
    library = Library()
    timeline = expand(library.resolve("warm-up"), library.resolve)
    driver = SessionDriver.for_timeline(timeline, clock=FakeClock())
    said = Said()
    hands = HandsFree(driver, listener, sink=said, hold_s=HOLD_S)
    try:
        driver.start()
        qtbot.wait(1500)
        speaking = virtual_mic.play_soon(utterance("pause", sounds))
        qtbot.waitUntil(lambda: driver.session.state is State.PAUSED, timeout=WAIT_MS)
        speaking.join(timeout=30)  # not left playing into the next test
        assert said.texts == ["Paused."]
    finally:
        hands.close()
