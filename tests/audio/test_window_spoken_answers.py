"""The window with spoken answers turned on (Settings → Spoken answers): the microphone
indicator, a spoken "no" at the check and a spoken pain rating, through the virtual
microphone (tests/audio/virtual_mic.py) and the real capture path. The session runs on a
fake clock; speech is off, so the confirmations are read from the indicator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from spoken_session import FakeClock, to_the_check
from virtual_mic import VirtualMic, utterance

from routineplayer.core.session import State
from routineplayer.core.timeline import Timeline
from routineplayer.gui.journal.pain_prompt import PainDialog
from routineplayer.gui.keep_awake import KeepAwake
from routineplayer.gui.main_window import MainWindow
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.speech.voice_answer_settings import (
    VoiceAnswerSettings,
    save_voice_answer_settings,
)

pytestmark = [pytest.mark.audio, pytest.mark.speech, pytest.mark.slow]

WAIT_MS = 30_000


@pytest.fixture
def answers() -> dict[type, Callable[[QDialog], bool]]:
    """How each kind of dialog is answered (the window's ask seam); True otherwise."""
    return {}


@pytest.fixture
def window(
    qtbot: QtBot, virtual_mic: VirtualMic, answers: dict[type, Callable[[QDialog], bool]]
) -> Iterator[tuple[MainWindow, FakeClock]]:
    save_voice_answer_settings(VoiceAnswerSettings(enabled=True))
    clock = FakeClock()

    def make_driver(timeline: Timeline) -> SessionDriver:
        return SessionDriver.for_timeline(timeline, clock=clock)

    def ask(dialog: QDialog) -> bool:
        answer = answers.get(type(dialog))
        return answer(dialog) if answer is not None else True

    win = MainWindow(make_driver=make_driver, ask=ask, keep_awake=KeepAwake(), speech=False)
    qtbot.addWidget(win)
    win.resize(1024, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win, clock
    win.close()


def start(qtbot: QtBot, win: MainWindow, title: str) -> None:
    view = win.library_view
    rows = [view.list.item(i).text() for i in range(view.count())]
    view.list.setCurrentRow(rows.index(title))
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert win.controller is not None, f"{title} did not start"


def test_a_spoken_no_at_the_check_moves_the_routine_on_and_the_indicator_says_so(
    qtbot: QtBot, window: tuple[MainWindow, FakeClock], virtual_mic: VirtualMic, sounds: Path
) -> None:
    win, clock = window
    start(qtbot, win, "Upper-back slides")
    assert win.controller is not None
    to_the_check(win.controller.driver, clock)
    mic = win.playback.player_view.mic
    qtbot.waitUntil(lambda: mic.isVisible() and "Listening" in mic.text(), timeout=WAIT_MS)
    qtbot.wait(1500)  # the microphone's first audio
    speaking = virtual_mic.play_soon(utterance("no", sounds))
    controller = win.controller
    assert controller is not None
    qtbot.waitUntil(lambda: controller.session.state is not State.CHECKING, timeout=WAIT_MS)
    speaking.join(timeout=30)  # not left playing into the next test
    assert "No: carry on." in mic.text()
    assert controller.session.state is not State.RESETTING


def test_the_pain_question_takes_a_spoken_rating(
    qtbot: QtBot,
    window: tuple[MainWindow, FakeClock],
    answers: dict[type, Callable[[QDialog], bool]],
    virtual_mic: VirtualMic,
    sounds: Path,
) -> None:
    win, _clock = window
    levels: list[int | None] = []

    def by_voice(dialog: QDialog) -> bool:
        # Stands in for the dialog's modal loop: the event loop runs while "four" is said.
        assert isinstance(dialog, PainDialog)
        if levels:  # the question after the routine: by key, as ever
            return True
        qtbot.wait(1500)
        speaking = virtual_mic.play_soon(utterance("four", sounds))
        qtbot.waitUntil(lambda: dialog.prompt.interview.level is not None, timeout=WAIT_MS)
        speaking.join(timeout=30)  # not left playing into the next test
        levels.append(dialog.prompt.interview.level)
        return True

    answers[PainDialog] = by_voice
    start(qtbot, win, "Upper-back slides")
    assert levels == [4]
