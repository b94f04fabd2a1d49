"""'Sound is back.' is said once, when the stream plays again and Qt lists an output again,
in whichever order the two reach the GUI thread after a sound server restarts, and only
once it has kept playing for a moment. (tests/audio/test_audio_faults.py crashes a real
server and removes a real sink; this pins the orderings.)"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from routineplayer.speech.availability import SpeechEngine
from routineplayer.speech.mixer import Mix
from routineplayer.speech.player import (
    BACK_SETTLE_MS,
    NO_OUTPUT_REASON,
    SOUND_BACK,
    CuePlayer,
    PlayerState,
)


class FakeOutput(QObject):
    down_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.mix = Mix()

    def device_changed(self) -> None:
        pass


@dataclass
class Rig:
    player: CuePlayer
    output: FakeOutput
    said: list[str]  # every cue started, in order
    outputs_listed: bool = True  # what Qt's device list says (CuePlayer._evaluate)

    def outputs_change(self, listed: bool) -> None:
        self.outputs_listed = listed
        self.player._outputs_changed()  # as QMediaDevices.audioOutputsChanged would


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch, qapp: object) -> Iterator[Rig]:
    output = FakeOutput()
    engine = SpeechEngine("espeak", False, "none", "no engine in this test")
    player = CuePlayer(engine=engine, output=output)  # type: ignore[arg-type]
    r = Rig(player, output, [])
    monkeypatch.setattr(
        player,
        "_evaluate",
        lambda: (
            (PlayerState.READY, "")
            if r.outputs_listed
            else (PlayerState.VISUAL_ONLY, NO_OUTPUT_REASON)
        ),
    )
    player.cue_started.connect(r.said.append)
    yield r
    player.stop()


@pytest.mark.parametrize("stream_first", [True, False])
def test_sound_back_is_said_once_after_both_the_stream_and_the_outputs_return(
    qtbot: QtBot, rig: Rig, stream_first: bool
) -> None:
    p, out, said = rig.player, rig.output, rig.said
    out.down_changed.emit(True)  # the server died: the stream stalls...
    rig.outputs_change(listed=False)  # ...and Qt forgets its outputs
    assert p.sound_down and said == []

    def stream_back() -> None:
        out.down_changed.emit(False)

    def outputs_back() -> None:
        rig.outputs_change(listed=True)

    first, second = (stream_back, outputs_back) if stream_first else (outputs_back, stream_back)
    first()
    assert said == []  # one of the two is not back yet: nothing is heard, so nothing is said
    second()
    qtbot.wait(BACK_SETTLE_MS // 2)
    assert said == []  # not yet: a reopened stream may stall again at once
    qtbot.waitUntil(lambda: said == [SOUND_BACK], timeout=BACK_SETTLE_MS)
    assert p.reason == ""
    rig.outputs_change(listed=True)
    out.down_changed.emit(False)
    assert said == [SOUND_BACK]  # once


def test_a_stream_that_comes_back_and_drops_again_is_announced_once_it_stays(
    qtbot: QtBot, rig: Rig
) -> None:
    out, said = rig.output, rig.said
    out.down_changed.emit(True)
    for _ in range(2):  # measured with a sink coming back: stalled twice in 1.5 s
        out.down_changed.emit(False)
        qtbot.wait(BACK_SETTLE_MS // 2)
        out.down_changed.emit(True)
    assert said == []
    out.down_changed.emit(False)
    qtbot.waitUntil(lambda: said == [SOUND_BACK], timeout=2 * BACK_SETTLE_MS)
    qtbot.wait(BACK_SETTLE_MS // 2)
    assert said == [SOUND_BACK]
