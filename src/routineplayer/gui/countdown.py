"""The big countdown: text that fills whatever height the layout gives it."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from routineplayer.gui.design_tokens import Mood
from routineplayer.gui.progress_ring import ProgressRing
from routineplayer.gui.theme import set_muted


def format_remaining(seconds: float | None) -> str:
    """'1:30' or '45' (whole seconds, rounded up so '3' shows with the spoken 'three')."""
    if seconds is None:
        return ""
    total = max(math.ceil(seconds - 1e-6), 0)
    minutes, secs = divmod(total, 60)
    return f"{minutes}:{secs:02d}" if minutes else str(secs)


def length_text(seconds: float) -> str:
    """'10 min', '2 min', '45 s': a glance, not a plan."""
    return f"{round(seconds / 60)} min" if seconds >= 90 else f"{round(seconds)} s"


def time_left_text(left: float) -> str:
    """How much of the whole routine is left (view_text.time_left): 'about 6 min left'."""
    return f"about {length_text(left)} left" if left >= 1 else ""


class FitLabel(QLabel):
    """A one-line label whose font grows to fill its height (and shrinks to fit its width).

    Its size policy ignores the text, so the layout decides the height and the text follows,
    never the other way round.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None, *, sample: str = "") -> None:
        super().__init__(text, parent)
        self._sample = sample  # widest text expected, so the size does not jump as digits change
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        font = self.font()
        font.setWeight(QFont.Weight.DemiBold)
        self.setFont(font)

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.height() <= 0 or self.width() <= 0:
            return
        font = self.font()
        size = max(self.height() * 0.78, 8.0)
        font.setPixelSize(round(size))
        sample = max(self._sample, self.text(), key=len) or "0"
        width = QFontMetricsF(font).horizontalAdvance(sample)
        if width > self.width() * 0.95:
            font.setPixelSize(max(round(size * self.width() * 0.95 / width), 8))
        if font.pixelSize() != self.font().pixelSize():
            self.setFont(font)


class CountdownLabel(FitLabel):
    def __init__(self, parent: QWidget | None = None, *, sample: str = "00:00") -> None:
        super().__init__("", parent, sample=sample)
        self.setAccessibleDescription("Time left")
        font = self.font()
        font.setFeature(QFont.Tag("tnum"), 1)  # equal-width digits: the text does not wobble
        self.setFont(font)

    def show_remaining(self, seconds: float | None) -> None:
        text = format_remaining(seconds)
        # Sized for the widest text of the same shape ("00", "0:00"): as large as the box
        # allows, and steady while the digits change.
        self._sample = re.sub(r"\d", "0", text)
        self.setText(text)


class GetReadyView(QWidget):
    """Before a step: "Get ready" and a modest "Starts in 0:11" in a smaller ring of the
    get-ready colour, never the work's giant digits, so a glance from the floor tells getting
    ready from working."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = FitLabel("Get ready", sample="Get ready")
        self.heading.setAccessibleDescription("Get ready")
        self.countdown = FitLabel(sample="Starts in 00:00")
        self.countdown.setAccessibleDescription("Starts in")
        set_muted(self.countdown)
        inside = QWidget()
        words = QVBoxLayout(inside)
        words.setContentsMargins(0, 0, 0, 0)
        words.addWidget(self.heading, 3)
        words.addWidget(self.countdown, 2)
        self.ring = ProgressRing(inside, inner=0.7)
        self.ring.set_mood(Mood.GET_READY)
        self.ring.setAccessibleName("Time to get ready")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addStretch(1)
        box.addWidget(self.ring, 5)  # about two thirds of the working ring's height
        box.addStretch(1)

    def show_remaining(self, seconds: float | None) -> None:
        left = format_remaining(seconds)
        self.countdown.setText(f"Starts in {left}" if left else "")
