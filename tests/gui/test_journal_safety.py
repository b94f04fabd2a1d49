"""The safety notice: once at first launch, from Help, and again before play at pain >= 8."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from routineplayer.core.rating_prompts import GO_AHEAD_PROMPT, all_texts
from routineplayer.core.safety import NOT_A_MEDICAL_DEVICE, URGENT_SIGNS
from routineplayer.gui.journal.safety_dialog import (
    SafetyDialog,
    confirm_start,
    notice_due,
    show_first_launch_notice,
)


class Asker:
    """The ``ask`` seam: records each dialog and answers as told, without a modal loop."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.asked: list[QDialog] = []

    def __call__(self, dialog: QDialog) -> bool:
        self.asked.append(dialog)
        return self.answer


def shown(qtbot: QtBot, dialog: SafetyDialog) -> SafetyDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_notice_names_every_red_flag_and_says_not_a_medical_device(qtbot: QtBot) -> None:
    dialog = shown(qtbot, SafetyDialog())
    text = dialog.body.text()
    for sign in URGENT_SIGNS:
        assert sign in text
    assert NOT_A_MEDICAL_DEVICE in text
    assert dialog.go_ahead is None


def test_shown_at_first_launch_only(qtbot: QtBot) -> None:
    ask = Asker()
    assert notice_due()
    assert show_first_launch_notice(ask)
    assert len(ask.asked) == 1 and isinstance(ask.asked[0], SafetyDialog)
    assert not notice_due()
    assert not show_first_launch_notice(ask)
    assert len(ask.asked) == 1


@pytest.mark.parametrize("pain", [None, 0, 7])
def test_lower_pain_starts_without_asking(pain: int | None) -> None:
    ask = Asker(answer=False)
    assert confirm_start(ask, pain)
    assert ask.asked == []


@pytest.mark.parametrize(("pain", "answer"), [(8, True), (10, False)])
def test_pain_of_8_or_more_shows_the_notice_and_asks(qtbot: QtBot, pain: int, answer: bool) -> None:
    ask = Asker(answer)
    assert confirm_start(ask, pain) is answer
    (dialog,) = ask.asked
    assert isinstance(dialog, SafetyDialog) and dialog.asks_to_start
    assert f"You rated your pain {pain} out of 10" in dialog.body.text()
    qtbot.addWidget(dialog)


def test_before_play_enter_and_esc_do_not_start_and_g_does(qtbot: QtBot) -> None:
    for key, signal in ((Qt.Key.Key_Return, "rejected"), (Qt.Key.Key_Escape, "rejected")):
        dialog = shown(qtbot, SafetyDialog(9))
        with qtbot.waitSignal(getattr(dialog, signal)):
            qtbot.keyClick(dialog, key)
    dialog = shown(qtbot, SafetyDialog(9))
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_G)


def test_at_first_launch_enter_closes_it(qtbot: QtBot) -> None:
    dialog = shown(qtbot, SafetyDialog())
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)


def test_the_high_pain_notice_is_said_aloud_with_the_keys(qtbot: QtBot) -> None:
    said: list[str] = []

    class Sink:
        def play(self, text: str, priority: int, chime: str | None) -> None:
            said.append(text)

    dialog = SafetyDialog(8, sink=Sink())
    qtbot.addWidget(dialog)
    assert len(said) == 1
    assert said[0].startswith("You rated your pain 8 out of 10")
    assert said[0].endswith(GO_AHEAD_PROMPT)
    assert said[0] in all_texts(), "rendered ahead with the other prompts"
