"""The belly check: the question and two big buttons. It waits for an answer, for ever."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from routineplayer.gui.theme import set_font_scale, set_muted

KEYS_HINT = "Yes: Y, ← or Page Up      No: N, → or Page Down"


class CheckPrompt(QWidget):
    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question.setAccessibleName("Check question")
        set_font_scale(self.question, 3.0, bold=True)

        self.yes_button = self._button("Yes", "Rest and reset, then do the set again")
        self.no_button = self._button("No", "Carry on")
        self.yes_button.clicked.connect(lambda: self.answered.emit(True))
        self.no_button.clicked.connect(lambda: self.answered.emit(False))

        self.hint = QLabel(KEYS_HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setAccessibleName("Keys to answer")
        set_font_scale(self.hint, 1.2)
        set_muted(self.hint)

        buttons = QHBoxLayout()
        buttons.setSpacing(32)
        buttons.addWidget(self.yes_button)
        buttons.addWidget(self.no_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.question)
        layout.addSpacing(24)
        layout.addLayout(buttons, 3)
        layout.addSpacing(12)
        layout.addWidget(self.hint)
        layout.addStretch(1)

    def _button(self, text: str, meaning: str) -> QPushButton:
        button = QPushButton(f"{text}\n{meaning}")
        button.setAccessibleName(text)
        button.setAccessibleDescription(meaning)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.setMinimumHeight(120)
        # Focus stays on the window, so Space and the clicker keys keep their meaning.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        set_font_scale(button, 2.0, bold=True)
        return button

    def ask(self, question: str) -> None:
        self._show(question, answering=True)

    def exhausted(self, text: str) -> None:
        """Too many resets on this set: no question now, Enter (or No) moves on."""
        self._show(text, answering=False)

    def _show(self, text: str, *, answering: bool) -> None:
        self.question.setText(text)
        self.setAccessibleDescription(text)
        self.yes_button.setVisible(answering)
        self.hint.setText(KEYS_HINT if answering else "Enter, N or → moves on to the next exercise")
        label = "No\nCarry on" if answering else "Move on\nto the next exercise"
        self.no_button.setText(label)
        self.no_button.setAccessibleName(label.split("\n")[0])
