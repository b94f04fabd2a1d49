"""The belly check: the question and two big buttons. It waits for an answer, for ever."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from routineplayer.gui.design_tokens import HEADING
from routineplayer.gui.theme import set_muted, set_type

QUESTION_SCALE = 3.0
ANSWER_MAX_WIDTH, ANSWER_MAX_HEIGHT = 760, 320
KEYS_HINT = "Yes: Y, ← or Page Up      No: N, → or Page Down"


class AnswerButton(QPushButton):
    """A large answer: its word, and under it what it means, wrapped to the button's width
    (a plain button's one-line text would make it as wide as its longest meaning)."""

    def __init__(self, answer: str, meaning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer = QLabel()
        self.meaning = QLabel()
        set_type(self.answer, 2.4, bold=True)
        set_type(self.meaning, 1.5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addStretch(1)
        for label in (self.answer, self.meaning):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            # Clicks go to the button underneath.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)
        # Focus stays on the window, so Space and the clicker keys keep their meaning.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_answer(answer, meaning)

    def set_answer(self, answer: str, meaning: str) -> None:
        self.answer.setText(answer)
        self.meaning.setText(meaning)
        self.setAccessibleName(answer)
        self.setAccessibleDescription(meaning)


class CheckPrompt(QWidget):
    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setAccessibleDescription("Check question")

        self.yes_button = AnswerButton("Yes", "Rest and reset, then do the set again")
        self.no_button = AnswerButton("No", "Carry on")
        self.yes_button.clicked.connect(lambda: self.answered.emit(True))
        self.no_button.clicked.connect(lambda: self.answered.emit(False))

        self.hint = QLabel(KEYS_HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setAccessibleDescription("Keys to answer")
        set_type(self.hint, 1.2)
        set_muted(self.hint)

        buttons = QHBoxLayout()
        buttons.setSpacing(32)
        # Equal stretch and no width from the words: the two targets are always the same size,
        # and on a large screen no bigger than a hand needs (centred, not blank panels).
        buttons.addStretch(0)
        for answer in (self.yes_button, self.no_button):
            answer.setMaximumSize(ANSWER_MAX_WIDTH, ANSWER_MAX_HEIGHT)
            buttons.addWidget(answer, 1)
        buttons.addStretch(0)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.question)
        layout.addSpacing(24)
        layout.addLayout(buttons, 3)
        layout.addSpacing(12)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def ask(self, question: str) -> None:
        self._show(question, answering=True)

    def exhausted(self, text: str) -> None:
        """Too many resets on this set: no question now, Enter (or No) moves on."""
        self._show(text, answering=False)

    def _show(self, text: str, *, answering: bool) -> None:
        self.question.setText(text)
        # The question is a few words; the note that the resets are used up is sentences.
        set_type(self.question, QUESTION_SCALE if answering else HEADING, bold=True)
        self.setAccessibleDescription(text)
        self.yes_button.setVisible(answering)
        self.hint.setText(KEYS_HINT if answering else "Enter, N or → moves on to the next exercise")
        if answering:
            self.no_button.set_answer("No", "Carry on")
        else:
            self.no_button.set_answer("Move on", "to the next exercise")
