"""Preview: the words a step's cue says, and hearing them degrades gracefully without speech."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from routineplayer.core.library import Library
from routineplayer.core.model import Step, StepKind
from routineplayer.gui.editor import EditorWindow
from routineplayer.gui.editor.preview import cue_text, step_timeline


def _cue(step: Step) -> str:
    routine = Library().resolve("warm-up")
    return cue_text(step_timeline(routine, step, Library()), step)


def test_the_cue_is_the_players_announcement_of_the_step() -> None:
    cardio = Library().resolve("warm-up").steps[0]
    text = _cue(cardio)
    assert text.startswith("Get ready: Light cardio. 3 minutes. Walk briskly")
    assert _cue(Step(StepKind.REST, duration=30.0)) == "Rest for 30 seconds."
    included = _cue(Step(StepKind.INCLUDE, include="cool-down"))
    assert included.startswith("Get ready: Slow walking")


def test_a_cue_that_cannot_be_planned_falls_back_to_its_words() -> None:
    missing = Step(StepKind.INCLUDE, include="no-such-routine")
    assert _cue(missing) == "Routine: no-such-routine"
    cardio = Library().resolve("warm-up").steps[0]
    assert cue_text(None, replace(cardio, say="Walk.")) == "Walk."


CHILD = textwrap.dedent(
    """
    from PySide6.QtWidgets import QApplication
    from routineplayer.gui.editor import EditorWindow

    app = QApplication([])
    window = EditorWindow()
    window.duplicate_builtin("warm-up")
    window.page.steps.setCurrentRow(1)
    window.hear_action.trigger()
    print(window.statusBar().currentMessage())
    """
)


def test_without_speech_the_status_bar_says_why_and_shows_the_words() -> None:
    # Speech availability is probed once per process, so the missing library is simulated
    # in a child process, as speech/availability.py documents.
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ROUTINEPLAYER_ESPEAK_LIBRARY": "/nonexistent/libespeak-ng.so.1",
    }
    out = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "Get ready: Arm circles." in out
    assert "espeak-ng" in out or "No sound output" in out


@pytest.mark.speech
@pytest.mark.audio
def test_hear_a_steps_cue_rendered_and_played(qtbot: QtBot) -> None:
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        ["sh", str(root / "scripts" / "start-audio.sh")], check=True, capture_output=True
    )
    window = EditorWindow()
    qtbot.addWidget(window, before_close_func=lambda w: w.preview.stop())
    window.duplicate_builtin("warm-up")
    window.page.steps.setCurrentRow(1)
    player = window.preview.voice.player
    assert player.speech_available, player.reason
    with qtbot.waitSignal(window.preview.spoken, timeout=30_000) as spoken:
        window.hear_action.trigger()
    assert spoken.args[0].startswith("Get ready: Arm circles. 1 minute.")
    assert window.statusBar().currentMessage() == f"Cue: “{spoken.args[0]}”"
