"""The 0–10 scale as a row of big buttons, for a mouse or a touch screen; keys do the same."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from routineplayer.core.pain import PAIN_MAX, PAIN_MIN
from routineplayer.core.rating_prompts import TEN_KEY
from routineplayer.gui.theme import set_font_scale, set_muted

# Calm green through amber to red: the colour says "more pain" before the number is read.
_LOW, _MID, _HIGH = QColor(120, 190, 120), QColor(235, 190, 90), QColor(220, 100, 90)


def scale_colour(level: int) -> QColor:
    t = (level - PAIN_MIN) / (PAIN_MAX - PAIN_MIN)
    a, b, f = (_LOW, _MID, t * 2) if t <= 0.5 else (_MID, _HIGH, t * 2 - 1)
    return QColor(
        round(a.red() + (b.red() - a.red()) * f),
        round(a.green() + (b.green() - a.green()) * f),
        round(a.blue() + (b.blue() - a.blue()) * f),
    )


def _label(level: int) -> str:
    return f"{level}\n({TEN_KEY.upper()})" if level == PAIN_MAX else str(level)


class RatingRow(QWidget):
    rated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(6)
        self.buttons: list[QPushButton] = []
        for level in range(PAIN_MIN, PAIN_MAX + 1):
            button = QPushButton(_label(level))
            button.setAccessibleName(f"Pain {level}")
            # Keys stay with the prompt: a focused button would swallow Space and Enter.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumSize(48, 64)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            set_font_scale(button, 1.5, bold=True)
            colour = scale_colour(level).name()
            button.setStyleSheet(
                f"QPushButton {{ background: {colour}; color: black; border-radius: 6px;"
                " border: 2px solid transparent; }"
                " QPushButton:checked { border: 3px solid palette(highlight); }"
            )
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, n=level: self.rated.emit(n))
            layout.addWidget(button, 0, level)
            self.buttons.append(button)
        low = QLabel("no pain")
        high = QLabel("worst imaginable")
        for label in (low, high):
            set_muted(label)
        high.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(low, 1, PAIN_MIN, 1, 3)
        layout.addWidget(high, 1, PAIN_MAX - 3, 1, 4)

    def show_level(self, level: int | None) -> None:
        for n, button in enumerate(self.buttons):
            button.setChecked(n == level)
