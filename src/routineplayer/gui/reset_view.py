"""Rest and reset after a "yes": the reset cue and a ring that empties over the rest."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from routineplayer.gui.countdown import CountdownLabel
from routineplayer.gui.design_tokens import HEADING, Mood
from routineplayer.gui.progress_ring import ProgressRing
from routineplayer.gui.theme import set_type


class ResetView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.countdown = CountdownLabel(sample="0:00")  # a rest of minutes, not tens
        self.countdown.setAccessibleDescription("Rest time left")
        self.ring = ProgressRing(self.countdown)
        self.ring.set_mood(Mood.REST)
        self.ring.setAccessibleName("Rest time left")
        self.cue = QLabel()
        self.cue.setWordWrap(True)
        self.cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cue.setAccessibleDescription("Reset cue")
        set_type(self.cue, HEADING)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ring, 4)
        layout.addWidget(self.cue, 1)

    def show_reset(self, cue: str, remaining: float | None, total: float) -> None:
        self.cue.setText(cue)
        self.countdown.show_remaining(remaining)
        if remaining is not None and total > 0:
            self.ring.set_fraction(remaining / total)
