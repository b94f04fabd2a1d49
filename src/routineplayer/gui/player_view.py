"""The player's layout: what is happening now, how long is left, what comes next.

Layout only; PlayerController decides what to show. Keys and buttons both come out as one
``command`` signal carrying a keymap.Command, so the controller has a single entry point.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from routineplayer.gui.breathing_view import BreathingView
from routineplayer.gui.check_prompt import CheckPrompt
from routineplayer.gui.countdown import CountdownLabel, FitLabel, GetReadyView
from routineplayer.gui.design_tokens import HEADING, LEAD, TITLE, TOUCH_TARGET, Mood
from routineplayer.gui.figure_widget import FigureWidget
from routineplayer.gui.icons import set_icon
from routineplayer.gui.mic_indicator import MicIndicator
from routineplayer.gui.page_keys import focusable_keeping_page_keys
from routineplayer.gui.progress_ring import ProgressRing
from routineplayer.gui.reset_view import ResetView
from routineplayer.gui.theme import set_muted, set_type, zoom_type
from routineplayer.runtime.keymap import Command, command_for_key


class Page(StrEnum):
    GET_READY = "get-ready"
    TIMER = "timer"
    WAIT_DONE = "wait-done"
    BREATHING = "breathing"
    CHECK = "check"
    RESET = "reset"


PROGRESS_STEPS = 1000
# The window size the type scale is drawn for; a larger window grows the words with it.
DESIGN_SIZE = (1100, 760)
MAX_ZOOM = 2.0
READING_WIDTH_EM = 60  # an instruction wider than this is hard to read in one sweep


class PlayerView(QWidget):
    command = Signal(object)  # keymap.Command

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Player")

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setAccessibleDescription("Speech status")
        self.banner.setStyleSheet(
            "QLabel { background: palette(tool-tip-base); color: palette(tool-tip-text);"
            " padding: 6px; border-radius: 4px; }"
        )
        self.banner.hide()

        self.title = QLabel()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.title.setAccessibleDescription("Step")
        set_type(self.title, TITLE, bold=True)
        self.set_info = QLabel()
        self.set_info.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_info.setAccessibleDescription("Set and side")
        set_type(self.set_info, HEADING)
        self.paused = QLabel("Paused — press Space to carry on")
        self.paused.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.paused.setAccessibleDescription("Paused")
        set_type(self.paused, 1.4, bold=True)
        self.paused.hide()

        self.countdown = CountdownLabel()
        self.rep = FitLabel()
        self.rep.setAccessibleDescription("Repetition")
        self.rep.hide()
        self.get_ready = GetReadyView()
        self.reps = FitLabel(sample="12 reps")
        self.reps.setAccessibleDescription("Repetitions")
        self.done_hint = QLabel("Press Space or Enter when this set is done")
        self.done_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_type(self.done_hint, 1.3)
        self.breathing = BreathingView()
        self.check = CheckPrompt()
        self.check.answered.connect(
            lambda yes: self.command.emit(Command.YES if yes else Command.NO)
        )
        for answer in (self.check.yes_button, self.check.no_button):
            focusable_keeping_page_keys(answer, self)
        self.reset = ResetView()

        # The movement's figure beside the timer; hidden on steps without one.
        self.figure = FigureWidget(minimum=120)
        self.figure.hide()
        self.next_figure = FigureWidget(minimum=40)
        self.next_figure.setFixedSize(72, 48)
        self.next_figure.hide()

        self.pages = QStackedWidget()
        self._pages: dict[Page, QWidget] = {
            Page.GET_READY: self.get_ready,
            Page.TIMER: self._timer_page(),
            Page.WAIT_DONE: self._wait_done_page(),
            Page.BREATHING: self.breathing,
            Page.CHECK: self.check,
            Page.RESET: self.reset,
        }
        for page in self._pages.values():
            self.pages.addWidget(page)

        self.instruction = QLabel()
        self.instruction.setWordWrap(True)
        self.instruction.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.instruction.setAccessibleDescription("Instruction")
        set_type(self.instruction, LEAD)
        self.caption = QLabel()
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        self.caption.setAccessibleDescription("Last spoken cue")
        set_type(self.caption, 1.1)
        set_muted(self.caption)
        self.next_step = QLabel()
        self.next_step.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.next_step.setAccessibleDescription("Next step")
        set_type(self.next_step, 1.2)
        set_muted(self.next_step)
        self.time_left = QLabel()
        self.time_left.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.time_left.setAccessibleDescription("Routine time left")
        set_type(self.time_left, 1.2)
        set_muted(self.time_left)
        self.progress = QProgressBar()
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.setAccessibleName("Progress through the routine")

        self.mic = MicIndicator()

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.mic)
        layout.addWidget(self.title)
        layout.addWidget(self.set_info)
        layout.addWidget(self.paused)
        middle = QHBoxLayout()
        middle.addWidget(self.figure, 5)
        middle.addWidget(self.pages, 6)
        layout.addLayout(middle, 6)
        layout.addWidget(self.instruction)
        layout.addWidget(self.caption)
        below = QHBoxLayout()
        below.addWidget(self.next_figure)
        below.addWidget(self.next_step, 1)
        below.addWidget(self.time_left)
        layout.addLayout(below)
        layout.addWidget(self.progress)
        layout.addLayout(self._controls())

    def _timer_page(self) -> QWidget:
        inside = QWidget()
        box = QVBoxLayout(inside)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        # The rep is hidden unless the set counts reps: then it leads, the seconds under it.
        box.addWidget(self.rep, 3)
        box.addWidget(self.countdown, 2)
        self.ring = ProgressRing(inside, inner=0.76)
        self.ring.setAccessibleName("Step progress")
        return self.ring

    def _wait_done_page(self) -> QWidget:
        page = QWidget()
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(self.reps, 3)  # as tall as a ring's digits, not the page's width
        box.addWidget(self.done_hint)
        box.addStretch(1)
        return page

    def _button(self, text: str, command: Command, description: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        # Space must never "click" whichever button has focus: it is the player's pause.
        focusable_keeping_page_keys(button, self)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.setMinimumHeight(TOUCH_TARGET)
        set_type(button, 1.1)
        button.clicked.connect(lambda: self.command.emit(command))
        return button

    def _controls(self) -> QHBoxLayout:
        self.back_button = self._button(
            "Back", Command.BACK, "Start of this step; twice: the step before (←)"
        )
        self.pause_button = self._button("Pause", Command.PAUSE_OR_DONE, "Pause (Space)")
        self.done_button = self._button("Done", Command.PRIMARY, "This set is done (Enter)")
        self.done_button.setProperty("primary", True)
        self.skip_button = self._button("Skip", Command.SKIP, "Next step (→)")
        self.stop_button = self._button("Stop", Command.STOP, "Stop the routine (Esc)")
        self.audio_button = self._button("Audio only", Command.AUDIO_ONLY, "Dim floor mode (A)")
        self.help_button = self._button("Keys", Command.HELP, "All keys (F1)")
        for button, name in (
            (self.back_button, "media-skip-backward"),
            (self.pause_button, "media-playback-pause"),
            (self.done_button, "object-select"),
            (self.skip_button, "media-skip-forward"),
            (self.stop_button, "media-playback-stop"),
            (self.audio_button, "audio-headphones"),
            (self.help_button, "input-keyboard"),
        ):
            set_icon(button, name)
        row = QHBoxLayout()
        for button in (
            self.back_button,
            self.pause_button,
            self.done_button,
            self.skip_button,
            self.stop_button,
            self.audio_button,
            self.help_button,
        ):
            row.addWidget(button)
        self.done_button.hide()
        return row

    # -- what the controller sets ------------------------------------------------------------

    def show_page(self, page: Page) -> None:
        self.pages.setCurrentWidget(self._pages[page])
        self.done_button.setVisible(page is Page.WAIT_DONE)

    def show_rep(self, text: str) -> None:
        """'Rep 3 of 6' above the countdown during a set counted aloud; '' hides it."""
        self.rep.setText(text)
        self.rep.setVisible(bool(text))

    def current_page(self) -> Page:
        current = self.pages.currentWidget()
        return next(p for p, w in self._pages.items() if w is current)

    def set_paused(self, paused: bool) -> None:
        self.paused.setVisible(paused)
        text = "Carry on" if paused else "Pause"
        if self.pause_button.text() != text:
            self.pause_button.setText(text)
            self.pause_button.setAccessibleName(text)
            icon = "media-playback-start" if paused else "media-playback-pause"
            set_icon(self.pause_button, icon)

    def show_segment_progress(self, fraction: float, mood: Mood) -> None:
        """The ring of the page shown: the part of this timed segment still to go."""
        rings = {
            Page.TIMER: self.ring,
            Page.GET_READY: self.get_ready.ring,
            Page.RESET: self.reset.ring,
            Page.BREATHING: self.breathing.ring,
        }
        ring = rings.get(self.current_page())
        if ring is not None:
            ring.set_fraction(fraction)
            ring.set_mood(mood)

    def set_progress(self, fraction: float) -> None:
        value = round(min(max(fraction, 0.0), 1.0) * PROGRESS_STEPS)
        if value != self.progress.value():  # every tick calls this; repaint only on change
            self.progress.setValue(value)
            self.progress.setAccessibleDescription(f"{round(fraction * 100)} percent done")

    def set_caption(self, text: str) -> None:
        self.caption.setText(f"“{text}”" if text else "")

    def set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def resizeEvent(self, event: QResizeEvent) -> None:
        width, height = event.size().width(), event.size().height()
        zoom = min(width / DESIGN_SIZE[0], height / DESIGN_SIZE[1])
        zoom_type(self, round(min(max(zoom, 1.0), MAX_ZOOM), 2))
        for label in (self.instruction, self.caption):
            # Margins, not a maximum width: the layout then still asks the label how tall
            # its wrapped text is at the width it really gets.
            reading = label.fontMetrics().averageCharWidth() * READING_WIDTH_EM
            side = max((width - reading) // 2, 0)
            label.setContentsMargins(side, 0, side, 0)
        super().resizeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        command = command_for_key(event.key())
        if command is None:
            super().keyPressEvent(event)
            return
        event.accept()
        if not event.isAutoRepeat():  # a key held down is one press, not a burst of skips
            self.command.emit(command)
