"""The small microphone indicator of the player and the audio-only view: shown while spoken
answers are listened for, with the last thing heard ("Heard: Yes: rest and reset.") or why
listening stopped. Hidden when spoken answers are off, so nothing changes for most people."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from routineplayer.gui.announce import announce

LISTENING = "Listening for your answer"
NOT_LISTENING = "Microphone off"


class MicIndicator(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setAccessibleName("Spoken answers")
        self._listening = False
        self._said = ""
        self.hide()

    def set_listening(self, on: bool) -> None:
        self._listening = on
        self._show()

    def show_notice(self, text: str) -> None:
        """What was heard, or why listening stopped: shown, and told to a screen reader."""
        self._said = text
        self._show()
        announce(self, text)

    def _show(self) -> None:
        # A plain dot: fonts without emoji (most minimal desktops) draw a microphone as a box.
        state = f"\N{BLACK CIRCLE} {LISTENING}" if self._listening else NOT_LISTENING
        self.setText(f"{state} · {self._said}" if self._said else state)
        self.setAccessibleDescription(self.text())
        self.show()
