"""Pain before a session (0–10 and where) and after it (0–10 and a note), one key to answer.

``PainPrompt`` is a page that can sit in any stack; ``PainDialog`` wraps it for the window's
``ask`` seam. Both drive a core ``PainInterview``, so the keys and the spoken words are the
same as in audio-only and terminal play. Closing the dialog any way counts as skipping.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import (
    KEYS_HINT,
    LOCATION_KEYS,
    LOCATION_LABELS,
    PainAnswer,
    PainInterview,
    Phase,
    When,
)
from routineplayer.gui.journal.keys import key_text
from routineplayer.gui.journal.rating_row import RatingRow
from routineplayer.gui.page_keys import focusable_keeping_page_keys
from routineplayer.gui.theme import set_font_scale, set_muted
from routineplayer.runtime.session_driver import CueSink
from routineplayer.runtime.speak import QUESTION_CHIME, say

_KEY_OF = {location: key.upper() for key, location in LOCATION_KEYS.items()}
HEADINGS = {When.BEFORE: "Pain before you start", When.AFTER: "Pain after the routine"}
LOCATION_HINT = "Where: L lower back · B buttock or leg · U upper back · O somewhere else"
NOTE_HINT = "Enter saves · Esc saves without a note"
NOTE_GAP = 16  # px above the note's label, on top of the layout's spacing
_CHOSEN = (
    "QPushButton:checked { background: palette(highlight); color: palette(highlighted-text); }"
)


class PainPrompt(QWidget):
    answered = Signal(object)  # PainAnswer (level None: skipped)

    def __init__(
        self,
        when: When,
        *,
        location: PainLocation | None = None,
        sink: CueSink | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.sink = sink
        self.interview = PainInterview(when, location=location, ask_note=when is When.AFTER)
        self._spoken = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(HEADINGS[when])

        heading = QLabel(HEADINGS[when])
        set_font_scale(heading, 1.3, bold=True)
        set_muted(heading)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setAccessibleDescription("Question")
        set_font_scale(self.question, 1.8, bold=True)
        self.rating = RatingRow()
        self.rating.rated.connect(lambda level: self.press(str(level) if level < 10 else "t"))

        self.location_buttons: dict[PainLocation, QPushButton] = {}
        locations = QHBoxLayout()
        for location, label in LOCATION_LABELS.items():
            button = QPushButton(f"{label} ({_KEY_OF[location]})")
            button.setAccessibleName(label)
            button.setCheckable(True)
            button.setStyleSheet(_CHOSEN)
            set_font_scale(button, 1.2)
            button.clicked.connect(lambda _=False, key=_KEY_OF[location]: self.press(key))
            locations.addWidget(button)
            self.location_buttons[location] = button
        self.locations = QWidget()
        self.locations.setLayout(locations)
        self.locations.setVisible(when is When.BEFORE)

        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("A note for your journal (optional)")
        self.note.setMaxLength(500)
        set_font_scale(self.note, 1.3)
        self.note.returnPressed.connect(lambda: self._finish_note(self.note.text()))
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note)
        set_font_scale(note_label, 1.15, bold=True)
        # The note with its label, set apart from the scale above it.
        self.note_box = QWidget()
        note_layout = QVBoxLayout(self.note_box)
        note_layout.setContentsMargins(0, NOTE_GAP, 0, 0)
        note_layout.setSpacing(6)
        note_layout.addWidget(note_label)
        note_layout.addWidget(self.note)
        self.note_box.hide()

        self.hint = QLabel()
        self.hint.setWordWrap(True)  # a narrow window wraps the keys rather than cutting them
        self.hint.setAccessibleDescription("Keys")
        set_font_scale(self.hint, 1.15)
        set_muted(self.hint)
        self.skip_button = QPushButton("Skip (S)")
        self.skip_button.setAccessibleName("Skip")
        self.skip_button.setAutoDefault(False)
        self.skip_button.clicked.connect(lambda: self.press("s"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.skip_button)

        # Tab reaches every answer; Space and the digits keep the prompt's meaning.
        for button in (*self.location_buttons.values(), *self.rating.buttons, self.skip_button):
            focusable_keeping_page_keys(button, self, arrows=False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addWidget(self.question)
        layout.addWidget(self.locations)
        layout.addWidget(self.rating)
        layout.addWidget(self.note_box)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self._refresh()

    @property
    def answer(self) -> PainAnswer | None:
        return self.interview.answer if self.interview.done else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.note.isVisible():
            self.setFocus()
        if not self._spoken:  # ask aloud once, not on every re-show
            self._spoken = True
            say(self.sink, self.interview.question, chime=QUESTION_CHIME)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat() or not self.press(key_text(event)):
            super().keyPressEvent(event)

    def skip(self) -> None:
        """Answer "skip" unless already answered (the dialog closing does this)."""
        if self.interview.phase is Phase.NOTE:
            self._finish_note(self.note.text())
        elif not self.interview.done:
            self.press("s")

    def press(self, key: str) -> bool:
        """Take one key as if typed (a spoken rating comes this way too)."""
        if not key or self.interview.done:
            return False
        said = self.interview.press(key)
        if said is None:
            return False
        say(self.sink, said)
        self._after_change()
        return True

    def _finish_note(self, text: str) -> None:
        if self.interview.phase is Phase.NOTE:
            say(self.sink, self.interview.finish_note(text))
            self._after_change()

    def _after_change(self) -> None:
        self._refresh()
        if self.interview.done:
            self.answered.emit(self.interview.answer)

    def _refresh(self) -> None:
        interview = self.interview
        phase = interview.phase
        self.question.setText(interview.question or _answer_text(interview.answer))
        self.rating.show_level(interview.level)
        self.rating.setEnabled(phase is Phase.LEVEL)
        for location, button in self.location_buttons.items():
            button.setChecked(location == interview.location)
        self.note_box.setVisible(phase is Phase.NOTE)
        if phase is Phase.NOTE:
            self.note.setFocus()
        hints = {
            Phase.LEVEL: f"{KEYS_HINT}"
            + (f"\n{LOCATION_HINT}" if self.locations.isVisibleTo(self) else ""),
            Phase.LOCATION: LOCATION_HINT + " · S to skip",
            Phase.NOTE: NOTE_HINT,
            Phase.DONE: "",
        }
        self.hint.setText(hints[phase])
        self.skip_button.setText("Save without a note" if phase is Phase.NOTE else "Skip (S)")
        self.skip_button.setVisible(phase is not Phase.DONE)


def _answer_text(answer: PainAnswer) -> str:
    if answer.level is None:
        return "Skipped: no rating recorded."
    where = f", {LOCATION_LABELS[answer.location].lower()}" if answer.location else ""
    return f"Pain {answer.level}{where}. Thank you."


class PainDialog(QDialog):
    """The prompt as a dialog: accepted once answered; Esc or closing records a skip."""

    def __init__(
        self,
        when: When,
        *,
        location: PainLocation | None = None,
        sink: CueSink | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(HEADINGS[when])
        self.setMinimumWidth(720)
        self.prompt = PainPrompt(when, location=location, sink=sink, parent=self)
        self._closing = False
        self.prompt.answered.connect(self._on_answered)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.prompt)

    @property
    def answer(self) -> PainAnswer:
        """The answer given; a skip when the dialog was closed without one."""
        return self.prompt.answer or PainAnswer(None)

    def _on_answered(self, _answer: PainAnswer) -> None:
        if not self._closing:
            self.accept()

    def event(self, event: QEvent) -> bool:
        # A window's minimum height leaves out wrapped text (Qt counts one line): when the
        # question or the note changes, grow to fit rather than squeeze the scale.
        if event.type() == QEvent.Type.LayoutRequest:
            needed = self.heightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)
        return super().event(event)

    def reject(self) -> None:
        self._closing = True  # skip() answers; that answer must not re-enter accept()
        self.prompt.skip()
        super().reject()
