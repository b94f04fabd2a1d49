"""docs/design.md in the player: one progress ring for every timed segment, in the colour of
its moment; icons on the buttons; buttons Tab reaches without losing the player's keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from routineplayer.core.session import State
from routineplayer.gui.app_style import THEME_ENV, apply_style, palette_for, style_sheet
from routineplayer.gui.design_tokens import DARK, LIGHT, Mood
from routineplayer.gui.dialogs import STOP_QUESTION_SPOKEN, StopDialog
from routineplayer.gui.player_view import Page
from routineplayer.gui.theme import audio_only_palette

WARM_UP = "Warm-up"
SLIDES = "Upper-back slides"
JELLYFISH = "Jellyfish breathing relaxation"
K = Qt.Key


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ring_shows(player, mood: Mood) -> None:
    """The ring of the page shown is the part of this segment still to go, in ``mood``."""
    view = player.window.player_view
    rings = {
        Page.TIMER: view.ring,
        Page.GET_READY: view.get_ready.ring,
        Page.RESET: view.reset.ring,
        Page.BREATHING: view.breathing.ring,
    }
    ring = rings[view.current_page()]
    assert ring.isVisible()
    segment = player.session.segment
    expected = (player.session.remaining() or 0.0) / (segment.duration or 1.0)
    assert ring.fraction == pytest.approx(expected, abs=2e-3)
    assert ring.mood is mood


def test_every_timed_segment_has_the_ring_in_its_moments_colour(start) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    assert player.session.state is State.LEAD_IN
    ring_shows(player, Mood.GET_READY)
    player.advance(2.0)
    ring_shows(player, Mood.GET_READY)
    player.skip_until(State.WORKING)
    assert view.current_page() is Page.TIMER
    player.advance(5.0)
    ring_shows(player, Mood.WORKING)
    assert 0.0 < view.ring.fraction < 1.0
    player.key(K.Key_Space)
    assert player.session.state is State.PAUSED
    ring_shows(player, Mood.PAUSED)
    player.key(K.Key_Space)
    player.until_check()
    player.key(K.Key_Y)
    assert player.session.state is State.RESETTING
    player.advance(30.0)
    ring_shows(player, Mood.REST)


def test_breathing_has_the_ring_around_the_jellyfish(start) -> None:
    player = start(JELLYFISH)
    player.skip_until(State.WORKING)
    assert player.window.player_view.current_page() is Page.BREATHING
    player.advance(20.0)
    ring_shows(player, Mood.WORKING)
    breathing = player.window.player_view.breathing
    assert breathing.ring.content is breathing.jellyfish


def test_get_ready_says_get_ready_once(start) -> None:
    player = start(SLIDES)
    view = player.window.player_view
    assert view.current_page() is Page.GET_READY
    shown = [view.get_ready.heading.text(), view.set_info.text(), view.title.text()]
    assert sum(text.count("Get ready") for text in shown) == 1, shown


def test_the_stop_question_is_said_as_well_as_shown(start, asker, monkeypatch) -> None:
    said: list[str] = []

    class Sink:
        def play(self, text: str, priority: int = 0, chime: str | None = None) -> None:
            said.append(text)

    player = start(WARM_UP)
    playback = player.window.playback
    monkeypatch.setattr(type(playback), "sink", property(lambda self: Sink()))
    asker.answer = lambda dialog: False
    player.key(K.Key_Escape)
    assert isinstance(asker.dialogs[-1], StopDialog)
    assert said == [STOP_QUESTION_SPOKEN]
    assert player.session.state is State.LEAD_IN  # "carry on" was the answer


def test_player_buttons_have_icons_and_equal_touch_targets(start) -> None:
    player = start(WARM_UP)
    view = player.window.player_view
    buttons = [b for b in (view.back_button, view.pause_button, view.skip_button,
               view.stop_button, view.audio_button, view.help_button)]  # fmt: skip
    assert all(not b.icon().isNull() for b in buttons)
    widths = [b.width() for b in buttons]
    assert max(widths) - min(widths) <= 1, widths  # the layout's rounding only
    assert all(b.height() >= 48 for b in buttons)


def test_tab_reaches_the_buttons_and_space_still_pauses(start, qtbot) -> None:
    player = start(WARM_UP)
    view = player.window.player_view
    view.setFocus()
    reached = set()
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), K.Key_Tab)
        reached.add(QApplication.focusWidget())
    buttons = {view.back_button, view.pause_button, view.skip_button, view.stop_button,
               view.audio_button, view.help_button}  # fmt: skip
    assert buttons <= reached
    # Space on a focused button is the player's pause, never that button's click.
    view.stop_button.setFocus()
    qtbot.keyClick(view.stop_button, K.Key_Space)
    assert player.session.state is State.PAUSED
    player.key(K.Key_Space)  # carry on
    # The arrows keep the player's meaning too (→ skips), not a button's focus move.
    view.pause_button.setFocus()
    index = player.session.segment_index
    qtbot.keyClick(view.pause_button, K.Key_Right)
    assert player.session.segment_index > index
    assert QApplication.focusWidget() is view.pause_button
    # Enter on a focused button presses that button.
    view.skip_button.setFocus()
    index = player.session.segment_index
    qtbot.keyClick(view.skip_button, K.Key_Return)
    assert player.session.segment_index > index


def test_the_check_answers_take_tab_and_enter(start, qtbot) -> None:
    player = start(SLIDES)
    player.until_check()
    check = player.window.player_view.check
    assert check.yes_button.focusPolicy() & Qt.FocusPolicy.TabFocus
    check.no_button.setFocus()
    qtbot.keyClick(check.no_button, K.Key_Return)
    assert player.session.state is not State.CHECKING
    assert player.session.state is not State.RESETTING


def test_audio_only_is_dark_dim_and_readable(start) -> None:
    player = start(WARM_UP)
    player.key(K.Key_A)
    audio = player.window.audio_view
    floor = audio_only_palette()
    background = floor.color(QPalette.ColorRole.Window)
    for label in (audio.countdown, audio.title, audio.paused):
        ink = label.palette().color(QPalette.ColorRole.WindowText)
        assert ink == floor.color(QPalette.ColorRole.WindowText), label.accessibleName()
        assert contrast(ink.name(), background.name()) >= 7
    # Pixels, not only palettes: the digits are drawn in that colour on the black.
    image = audio.countdown.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 4)
               for y in range(0, image.height(), 4)}  # fmt: skip
    assert floor.color(QPalette.ColorRole.WindowText).name() in colours


def test_light_and_dark_follow_the_setting(qapp, monkeypatch) -> None:
    before = (qapp.palette(), qapp.styleSheet(), qapp.style().name())
    try:
        for name, colours in (("dark", DARK), ("light", LIGHT)):
            monkeypatch.setenv(THEME_ENV, name)
            apply_style(qapp)
            window = qapp.palette().color(QPalette.ColorRole.Window)
            assert window.name() == colours.window
            assert (window.lightness() < 128) == (name == "dark")
            assert colours.accent in qapp.styleSheet()
    finally:
        qapp.setPalette(before[0])
        qapp.setStyleSheet(before[1])
        qapp.setStyle(before[2])


def test_text_keeps_its_contrast_in_both_palettes() -> None:
    for colours in (LIGHT, DARK):
        for background in (colours.window, colours.surface):
            assert contrast(colours.text, background) >= 7
            assert contrast(colours.muted, background) >= 4.5
        assert contrast(colours.on_accent, colours.accent) >= 4.5
        for mood, colour in colours.states.items():  # rings and state words: large, >= 3
            assert contrast(colour, colours.window) >= 3, mood
        assert palette_for(colours).color(QPalette.ColorRole.Highlight).name() == colours.accent
        assert colours.border in style_sheet(colours)
