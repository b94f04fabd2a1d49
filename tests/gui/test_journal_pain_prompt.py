"""Pain before and after a session, answered by key presses on the prompt and its dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import BEFORE_QUESTION, PainAnswer, When
from routineplayer.gui.journal.pain_prompt import PainDialog, PainPrompt


class Sink:
    def __init__(self) -> None:
        self.said: list[tuple[str, str | None]] = []

    def play(self, text: str, priority: int, chime: str | None) -> None:
        self.said.append((text, chime))


class BrokenSink:
    def play(self, text: str, priority: int, chime: str | None) -> None:
        raise RuntimeError("no sound card")


def shown_prompt(qtbot: QtBot, when: When, **kwargs: object) -> PainPrompt:
    prompt = PainPrompt(when, **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(prompt)
    prompt.show()
    qtbot.waitExposed(prompt)
    return prompt


def test_one_key_rates_pain_before_with_the_remembered_place(qtbot: QtBot) -> None:
    sink = Sink()
    prompt = shown_prompt(qtbot, When.BEFORE, location=PainLocation.LOWER_BACK, sink=sink)
    assert sink.said == [(BEFORE_QUESTION, "check")], "asked aloud when shown"
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt, Qt.Key.Key_6)
    assert answered.args == [PainAnswer(6, PainLocation.LOWER_BACK)]
    assert ("Pain 6 noted.", None) in sink.said
    assert prompt.rating.buttons[6].isChecked()


def test_t_is_ten_and_then_a_letter_says_where(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.BEFORE)
    qtbot.keyClick(prompt, Qt.Key.Key_T)
    assert prompt.answer is None, "no place yet: it asks where"
    assert "Where is the pain?" in prompt.question.text()
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt, Qt.Key.Key_B)
    assert answered.args == [PainAnswer(10, PainLocation.BUTTOCK_LEG)]


def test_keypad_digits_and_shift_do_not_change_the_answer(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.BEFORE, location=PainLocation.OTHER)
    qtbot.keyClick(prompt, Qt.Key.Key_U, Qt.KeyboardModifier.ShiftModifier)
    assert prompt.location_buttons[PainLocation.UPPER_BACK].isChecked()
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt, Qt.Key.Key_3, Qt.KeyboardModifier.KeypadModifier)
    assert answered.args == [PainAnswer(3, PainLocation.UPPER_BACK)]


def test_s_skips_and_other_keys_do_nothing(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.BEFORE)
    qtbot.keyClick(prompt, Qt.Key.Key_Space)
    qtbot.keyClick(prompt, Qt.Key.Key_X)
    assert prompt.answer is None
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt, Qt.Key.Key_S)
    assert answered.args == [PainAnswer(None)]
    assert prompt.question.text().startswith("Skipped")


def test_a_click_on_the_scale_answers_too(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.BEFORE, location=PainLocation.LOWER_BACK)
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.mouseClick(prompt.rating.buttons[10], Qt.MouseButton.LeftButton)
    assert answered.args == [PainAnswer(10, PainLocation.LOWER_BACK)]


def test_after_the_session_a_rating_then_a_typed_note(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.AFTER)
    assert not prompt.locations.isVisible(), "where is asked before the session only"
    qtbot.keyClick(prompt, Qt.Key.Key_2)
    assert prompt.note.isVisible()
    qtbot.waitUntil(prompt.note.hasFocus)
    qtbot.keyClicks(prompt.note, "less stiff 2day")  # digits go into the note now
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt.note, Qt.Key.Key_Return)
    assert answered.args == [PainAnswer(2, None, "less stiff 2day")]


def test_esc_in_the_note_saves_the_rating_without_a_note(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.AFTER)
    qtbot.keyClick(prompt, Qt.Key.Key_0)
    qtbot.waitUntil(prompt.note.hasFocus)
    qtbot.keyClicks(prompt.note, "never mind")
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt.note, Qt.Key.Key_Escape)
    assert answered.args == [PainAnswer(0)]


def test_the_dialog_is_accepted_on_one_key(qtbot: QtBot) -> None:
    dialog = PainDialog(When.BEFORE, location=PainLocation.LOWER_BACK)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.prompt, Qt.Key.Key_4)
    assert dialog.answer == PainAnswer(4, PainLocation.LOWER_BACK)


def test_esc_in_the_dialog_is_a_skip_and_closing_it_is_too(qtbot: QtBot) -> None:
    dialog = PainDialog(When.BEFORE)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.prompt, Qt.Key.Key_Escape)
    assert dialog.answer == PainAnswer(None)

    closed = PainDialog(When.AFTER)
    qtbot.addWidget(closed)
    closed.show()
    with qtbot.waitSignal(closed.rejected):
        closed.reject()
    assert closed.answer == PainAnswer(None)


def test_a_broken_speech_sink_leaves_the_prompt_working(qtbot: QtBot) -> None:
    prompt = shown_prompt(qtbot, When.BEFORE, location=PainLocation.LOWER_BACK, sink=BrokenSink())
    with qtbot.waitSignal(prompt.answered) as answered:
        qtbot.keyClick(prompt, Qt.Key.Key_1)
    assert answered.args == [PainAnswer(1, PainLocation.LOWER_BACK)]
