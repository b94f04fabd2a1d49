"""Audio-only floor mode: a dark, dim screen with the time left and the step's title.

Everything is spoken, so the screen only has to be readable at a glance from the floor.
Any key (or a click) is the primary action; Y and N still answer the check, and Esc or A
leave the mode.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from routineplayer.gui.countdown import CountdownLabel
from routineplayer.gui.mic_indicator import MicIndicator
from routineplayer.gui.progress_ring import ProgressRing
from routineplayer.gui.theme import audio_only_palette, set_font_scale
from routineplayer.runtime.keymap import Command, command_for_key

# Keys that keep their own meaning here; every other key is the primary action.
_OWN_MEANING = {Command.YES, Command.NO, Command.AUDIO_ONLY, Command.HELP}
HINT = "Any key: pause, carry on or done · Y / N: answer · Esc: leave audio-only"
_LEAVE_KEYS = {int(Qt.Key.Key_Escape)}
PAUSED = "Paused · any key carries on"


class AudioOnlyView(QWidget):
    command = Signal(object)  # keymap.Command

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Audio-only mode")
        self.setAccessibleDescription("Any key: carry on or done. Escape: leave audio-only mode")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(True)
        self.setPalette(audio_only_palette())
        self.countdown = CountdownLabel()
        self.ring = ProgressRing(self.countdown)
        self.ring.set_dim(True)
        self.ring.setAccessibleName("Step progress")
        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setAccessibleDescription("Step")
        set_font_scale(self.title, 2.2)
        self.paused = QLabel(PAUSED)
        self.paused.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.paused.setAccessibleDescription("Paused")
        set_font_scale(self.paused, 2.2, bold=True)
        self.paused.hide()
        self.hint = QLabel(HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setAccessibleDescription("Keys")
        set_font_scale(self.hint, 1.0)
        hint_palette = self.hint.palette()
        hint_palette.setColor(self.hint.foregroundRole(), Qt.GlobalColor.darkGray)
        self.hint.setPalette(hint_palette)
        # With the application's style sheet on, a palette no longer passes to children:
        # each is given the floor palette itself.
        self.mic = MicIndicator()
        for child in (self.ring, self.countdown, self.title, self.paused, self.mic):
            child.setPalette(self.palette())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 24)
        layout.addStretch(1)
        layout.addWidget(self.paused)
        layout.addWidget(self.ring, 5)
        layout.addWidget(self.title, 1)
        layout.addStretch(1)
        layout.addWidget(self.mic)
        layout.addWidget(self.hint)

    def show_status(
        self,
        title: str,
        remaining: float | None,
        *,
        paused: bool = False,
        fraction: float = 1.0,
        getting_ready: bool = False,
    ) -> None:
        self.title.setText(title)
        self.countdown.show_remaining(remaining)
        if getting_ready and self.countdown.text():
            # Longer words fit in smaller type: getting ready never looks like working.
            self.countdown.setText(f"Starts in {self.countdown.text()}")
        self.paused.setVisible(paused)
        self.ring.set_fraction(fraction)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()
        if event.isAutoRepeat() or _is_modifier(event):
            return
        if int(event.key()) in _LEAVE_KEYS:
            self.command.emit(Command.AUDIO_ONLY)
            return
        command = command_for_key(event.key())
        self.command.emit(command if command in _OWN_MEANING else Command.PRIMARY)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.command.emit(Command.PRIMARY)


def _is_modifier(event: QKeyEvent) -> bool:
    return int(event.key()) in {
        int(Qt.Key.Key_Shift),
        int(Qt.Key.Key_Control),
        int(Qt.Key.Key_Alt),
        int(Qt.Key.Key_Meta),
        int(Qt.Key.Key_AltGr),
        int(Qt.Key.Key_CapsLock),
        int(Qt.Key.Key_NumLock),
    }
