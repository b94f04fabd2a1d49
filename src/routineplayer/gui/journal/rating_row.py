"""The 0–10 scale as a row of big buttons, for a mouse or a touch screen; keys do the same."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.pain import PAIN_MAX, PAIN_MIN
from routineplayer.core.rating_prompts import TEN_KEY
from routineplayer.gui.theme import set_font_scale, set_muted

BUTTON_HEIGHT = 64  # px at least: a comfortable touch target
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
        # The buttons in one row and the words under them in another: each row is as tall as
        # its contents, so the words can never be drawn over the buttons.
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.buttons: list[QPushButton] = []
        for level in range(PAIN_MIN, PAIN_MAX + 1):
            button = QPushButton(_label(level))
            button.setAccessibleName(f"Pain {level}")
            # Focusable by Tab only; the prompt that holds the row keeps Space (page_keys).
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            set_font_scale(button, 1.5, bold=True)
            colour = scale_colour(level).name()
            button.setStyleSheet(
                f"QPushButton {{ background: {colour}; color: black; border-radius: 6px;"
                " border: 2px solid transparent; padding: 4px 2px; }"
                " QPushButton:checked { border: 3px solid palette(highlight); }"
            )
            button.setMinimumWidth(48)
            button.setFixedHeight(max(BUTTON_HEIGHT, button.sizeHint().height()))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, n=level: self.rated.emit(n))
            buttons.addWidget(button, 1)
            self.buttons.append(button)
        low, high = QLabel("no pain"), QLabel("worst imaginable")
        words = QHBoxLayout()
        for label in (low, high):
            set_muted(label)
            words.addWidget(label)
        words.insertStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addLayout(words)
        # Never squeezed below its height: a short window takes room from elsewhere.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def show_level(self, level: int | None) -> None:
        for n, button in enumerate(self.buttons):
            button.setChecked(n == level)
