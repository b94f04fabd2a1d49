"""'Sound is back.' is said once, when the stream plays again and Qt lists an output again,
in whichever order the two reach the GUI thread after a sound server restarts, and only
once it has kept playing for a moment. (tests/audio/test_audio_faults.py crashes a real
server and removes a real sink; this pins the orderings.)"""

from __future__ import annotations

from collections.abc import Iterator

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


@pytest.fixture
def player(monkeypatch: pytest.MonkeyPatch, qapp: object) -> Iterator[tuple[CuePlayer, list]]:
    listed = {"outputs": True}
    monkeypatch.setattr(
        CuePlayer,
        "_evaluate",
        lambda self: (
            (PlayerState.READY, "")
            if listed["outputs"]
            else (PlayerState.VISUAL_ONLY, NO_OUTPUT_REASON)
        ),
    )
    output = FakeOutput()
    engine = SpeechEngine("espeak", False, "none", "no engine in this test")
    p = CuePlayer(engine=engine, output=output)  # type: ignore[arg-type]
    said: list[str] = []
    p.cue_started.connect(said.append)
    p._listed = listed  # type: ignore[attr-defined]
    yield p, said
    p.stop()


@pytest.mark.parametrize("stream_first", [True, False])
def test_sound_back_is_said_once_after_both_the_stream_and_the_outputs_return(
    qtbot: QtBot, player: tuple[CuePlayer, list], stream_first: bool
) -> None:
    p, said = player
    listed = p._listed  # type: ignore[attr-defined]
    out = p._output  # the fake
    out.down_changed.emit(True)  # the server died: the stream stalls...
    listed["outputs"] = False
    p._outputs_changed()  # ...and Qt forgets its outputs
    assert p.sound_down and said == []

    def stream_back() -> None:
        out.down_changed.emit(False)

    def outputs_back() -> None:
        listed["outputs"] = True
        p._outputs_changed()

    first, second = (stream_back, outputs_back) if stream_first else (outputs_back, stream_back)
    first()
    assert said == []  # one of the two is not back yet: nothing is heard, so nothing is said
    second()
    qtbot.wait(BACK_SETTLE_MS // 2)
    assert said == []  # not yet: a reopened stream may stall again at once
    qtbot.waitUntil(lambda: said == [SOUND_BACK], timeout=BACK_SETTLE_MS)
    assert p.reason == ""
    p._outputs_changed()
    out.down_changed.emit(False)
    assert said == [SOUND_BACK]  # once


def test_a_stream_that_comes_back_and_drops_again_is_announced_once_it_stays(
    qtbot: QtBot, player: tuple[CuePlayer, list]
) -> None:
    p, said = player
    out = p._output
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
