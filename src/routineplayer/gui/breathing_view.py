"""The breathing page: the jellyfish, the phase in large words, and the time left."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from routineplayer.core.timeline import BreathPhase
from routineplayer.gui.breath_motion import breath_at
from routineplayer.gui.countdown import FitLabel, format_remaining
from routineplayer.gui.jellyfish_widget import JellyfishWidget
from routineplayer.gui.progress_ring import ProgressRing
from routineplayer.gui.theme import set_muted, set_type


class BreathingView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jellyfish = JellyfishWidget()
        self.phase_words = FitLabel(sample="Breathe out")
        self.phase_words.setAccessibleDescription("Breath phase")
        self.time_left = QLabel()
        self.time_left.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.time_left.setAccessibleDescription("Time left")
        set_type(self.time_left, 1.4)
        set_muted(self.time_left)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.ring = ProgressRing(self.jellyfish, inner=0.74)
        self.ring.setAccessibleName("Breathing progress")
        layout.addWidget(self.ring, 7)
        layout.addWidget(self.phase_words, 2)
        layout.addWidget(self.time_left)

    def show_breath(
        self, phases: Sequence[BreathPhase], elapsed: float, remaining: float | None
    ) -> None:
        """Draw the breath at ``elapsed`` seconds into the segment (the session's own time)."""
        state = breath_at(phases, elapsed)
        if state is None:
            self.jellyfish.set_breath(0.5, elapsed)
            self.phase_words.setText("")
        else:
            self.jellyfish.set_breath(state.fullness, elapsed)
            self.phase_words.setText(state.words)
        self.time_left.setText(f"{format_remaining(remaining)} left" if remaining else "")
