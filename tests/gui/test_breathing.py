"""The jellyfish follows the engine's breathing segments: drawn from the session's own time."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from routineplayer.core.session import State
from routineplayer.core.timeline import BreathPhase, BreathPhaseKind
from routineplayer.gui.breath_motion import breath_at
from routineplayer.gui.jellyfish_widget import JellyfishWidget
from routineplayer.gui.player_view import Page

JELLYFISH = "Jellyfish breathing relaxation"


def drawn_width(widget: JellyfishWidget) -> int:
    """Width in pixels of everything drawn that is not background, from a real grab()."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(
        image.height(), image.bytesPerLine() // 4
    )[:, : image.width()]
    drawn = np.argwhere(pixels != pixels[0, 0])
    assert drawn.size, "nothing was drawn"
    return int(drawn[:, 1].max() - drawn[:, 1].min() + 1)


def test_the_jellyfish_grows_through_an_inhale(start, qtbot) -> None:
    player = start(JELLYFISH)
    player.skip_until(State.WORKING)
    view = player.window.player_view
    assert view.current_page() is Page.BREATHING
    inhale = player.session.segment.breath[0]
    assert inhale.phase is BreathPhaseKind.INHALE and inhale.offset == 0.0
    jellyfish = view.breathing.jellyfish
    qtbot.waitUntil(lambda: player.controller._frame.isActive())
    assert view.breathing.phase_words.text() == "Breathe in"
    at_start = drawn_width(jellyfish)

    player.advance(inhale.duration - 0.05, step=0.05)
    # The next display frame draws the breath at the session's elapsed time.
    qtbot.waitUntil(lambda: jellyfish.fullness > 0.99)
    at_end = drawn_width(jellyfish)
    assert at_end > at_start * 1.5
    assert view.breathing.phase_words.text() == "Breathe in"

    player.advance(0.1, step=0.1)
    qtbot.waitUntil(lambda: view.breathing.phase_words.text() == "Breathe out")


def test_the_drawn_breath_is_the_sessions_breath(start, qtbot) -> None:
    player = start(JELLYFISH)
    player.skip_until(State.WORKING)
    jellyfish = player.window.player_view.breathing.jellyfish
    phases = player.session.segment.breath
    for seconds in (1.0, 2.5, 4.0, 3.0, 7.5):  # through an inhale and into the exhale
        player.advance(seconds, step=0.5)
        expected = breath_at(phases, player.session.elapsed_in_segment())
        assert expected is not None
        qtbot.waitUntil(lambda e=expected: abs(jellyfish.fullness - e.fullness) < 1e-9)


def test_pause_freezes_the_jellyfish(start, qtbot) -> None:
    player = start(JELLYFISH)
    player.skip_until(State.WORKING)
    player.advance(2.0, step=0.5)
    player.key(Qt.Key.Key_Space)
    assert player.session.state is State.PAUSED
    assert not player.controller._frame.isActive()
    frozen = player.window.player_view.breathing.jellyfish.fullness
    player.clock.t += 2.0
    player.driver.tick()
    assert player.window.player_view.breathing.jellyfish.fullness == frozen


def test_breath_at_follows_each_phase() -> None:
    phases = (
        BreathPhase(0.0, 4.0, BreathPhaseKind.INHALE),
        BreathPhase(4.0, 2.0, BreathPhaseKind.HOLD_IN),
        BreathPhase(6.0, 6.0, BreathPhaseKind.EXHALE),
        BreathPhase(12.0, 1.0, BreathPhaseKind.HOLD_OUT),
    )
    assert breath_at((), 1.0) is None
    start, middle, end = (breath_at(phases, t) for t in (0.0, 2.0, 4.0 - 1e-9))
    assert start and middle and end
    assert start.fullness == 0.0 and abs(middle.fullness - 0.5) < 1e-9 and end.fullness > 0.999
    held = breath_at(phases, 5.0)
    assert held and held.fullness == 1.0 and held.words == "Hold"
    out = breath_at(phases, 9.0)
    assert out and out.words == "Breathe out" and abs(out.fullness - 0.5) < 1e-9
    assert abs(out.remaining - 3.0) < 1e-9
    empty = breath_at(phases, 12.5)
    assert empty and empty.fullness == 0.0
