"""Before a routine: position, equipment and safety notes. After it: the engine's summary.

Dialogs are shown through an ``Ask`` callable (``exec_dialog`` by default) that tests
replace, so no test ever blocks in a modal loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.model import Routine
from routineplayer.core.motion import Motion
from routineplayer.gui.figure_widget import LoopingFigure
from routineplayer.gui.theme import set_font_scale, set_muted

Ask = Callable[[QDialog], bool]


def exec_dialog(dialog: QDialog) -> bool:
    """Run the dialog modally; True when accepted (for a message box: its accept button)."""
    result = dialog.exec()
    if isinstance(dialog, QMessageBox):  # custom buttons make exec()'s value opaque
        button = dialog.clickedButton()
        return button is not None and (
            dialog.buttonRole(button) == QMessageBox.ButtonRole.AcceptRole
        )
    return result == QDialog.DialogCode.Accepted


def _section(layout: QVBoxLayout, heading: str, lines: Iterable[str]) -> None:
    lines = [line for line in lines if line]
    if not lines:
        return
    title = QLabel(heading)
    set_font_scale(title, 1.2, bold=True)
    layout.addSpacing(6)
    layout.addWidget(title)
    body = QLabel("\n".join(f"•  {line}" for line in lines) if len(lines) > 1 else lines[0])
    body.setWordWrap(True)
    body.setAccessibleDescription(heading)
    body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    set_font_scale(body, 1.1)
    layout.addWidget(body)


PRESTART_WIDTH = 560


def _fit_height(dialog: QDialog, width: int) -> None:
    """Size a dialog of wrapped text to its text at ``width`` (its size hint guesses wrong)."""
    layout = dialog.layout()
    height = layout.heightForWidth(width) if layout and layout.hasHeightForWidth() else -1
    dialog.resize(width, max(height, dialog.minimumSizeHint().height()))


class PrestartDialog(QDialog):
    """What to get ready; Start is the default button, so Enter starts."""

    def __init__(
        self,
        routine: Routine,
        length: str,
        parent: QWidget | None = None,
        *,
        first: tuple[str, Motion] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Before you start: {routine.title}")
        self.setAccessibleName("Before you start")
        self.setMinimumWidth(PRESTART_WIDTH)
        layout = QVBoxLayout(self)
        title = QLabel(routine.title)
        title.setWordWrap(True)
        set_font_scale(title, 1.6, bold=True)
        layout.addWidget(title)
        length_line = QLabel(length)  # Timeline.length, as the library card shows it
        length_line.setAccessibleDescription("Length")
        set_font_scale(length_line, 1.15)
        layout.addWidget(length_line)
        _section(layout, "Position", [routine.position])
        # The first movement, moving: what the person is about to do.
        self.first_figure = LoopingFigure(minimum=120)
        self.first_figure.setMinimumHeight(160)
        if first is not None:
            step_title, motion = first
            first_line = QLabel(f"First: {step_title}")
            first_line.setAccessibleDescription("The first movement")
            layout.addWidget(first_line)
            self.first_figure.set_motion(motion)
            layout.addWidget(self.first_figure)
        else:
            self.first_figure.hide()
        _section(layout, "You need", routine.equipment)
        _section(layout, "Safety", routine.safety)
        self.voice = QLabel()
        self.voice.setAccessibleName("Voice")
        self.voice_progress = QProgressBar()
        self.voice_progress.setAccessibleName("Preparing the voice")
        self.voice_progress.setMaximumHeight(12)
        self.voice_progress.setTextVisible(False)
        self.voice.hide()
        self.voice_progress.hide()
        layout.addStretch(1)  # extra height goes below the notes, not between them
        layout.addSpacing(8)
        layout.addWidget(self.voice)
        layout.addWidget(self.voice_progress)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        start = buttons.button(QDialogButtonBox.StandardButton.Ok)
        start.setText("Start")
        start.setAccessibleName("Start")
        start.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        _fit_height(self, PRESTART_WIDTH)

    def show_voice_progress(self, done: int, total: int, text: str = "") -> None:
        """Speech renders while the person reads this; show how far it has got."""
        if self.voice_progress.isHidden():
            self.voice.show()
            self.voice_progress.show()
            _fit_height(self, self.width())
        self.voice_progress.setRange(0, max(total, 1))
        self.voice_progress.setValue(done)
        self.voice.setText(text or f"Preparing the voice: {done} of {total} cues")


class SummaryDialog(QDialog):
    def __init__(self, title: str, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)  # "Stopped: Warm-up", not the generic "Summary"
        self.setMinimumWidth(440)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setWordWrap(True)
        set_font_scale(heading, 1.6, bold=True)
        layout.addWidget(heading)
        self.body = QLabel("\n".join(lines))
        self.body.setWordWrap(True)
        self.body.setAccessibleDescription("Summary")
        set_font_scale(self.body, 1.15)
        layout.addWidget(self.body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAccessibleName("Close")
        close.setDefault(True)
        buttons.rejected.connect(self.accept)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def question_dialog(
    parent: QWidget | None, title: str, text: str, detail: str, yes: str, no: str
) -> QMessageBox:
    """A two-button question: Enter means ``yes`` (accepted), Esc means ``no``."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(detail)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    reject = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    accept.setAccessibleName(yes)
    reject.setAccessibleName(no)
    box.setDefaultButton(accept)
    box.setEscapeButton(reject)
    return box


# Said as the dialog opens: in audio-only mode, or across the room, nobody reads it.
STOP_QUESTION_SPOKEN = "Stop the routine? Press Enter or Y to stop, Escape or N to carry on."
STOP_DIALOG_MIN_WIDTH = 440
STOP_DIALOG_MAX_WIDTH = 760


class StopDialog(QDialog):
    """ "Stop the routine?", readable from the floor: large, centred on the window, and
    answered by key. Enter or Y stops (accepted); Esc or N carries on (rejected)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stop the routine?")
        self.setAccessibleName("Stop the routine?")
        # A clear edge, so it reads as a card over the countdown even without a frame.
        self.setStyleSheet("StopDialog { border: 2px solid palette(dark); }")
        self.heading = QLabel("Stop the routine?")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        set_font_scale(self.heading, 2.2, bold=True)
        detail = QLabel("What you have done so far is kept.")
        detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        detail.setWordWrap(True)
        set_font_scale(detail, 1.3)
        keys = QLabel("Enter or Y: stop  ·  Esc or N: carry on")
        keys.setAlignment(Qt.AlignmentFlag.AlignCenter)
        keys.setAccessibleDescription("Keys")
        set_font_scale(keys, 1.1)
        set_muted(keys)
        self.stop_button = self._button("Stop", self.accept)
        self.carry_on_button = self._button("Carry on", self.reject)
        self.stop_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.carry_on_button)
        buttons.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(16)
        layout.addWidget(self.heading)
        layout.addWidget(detail)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        layout.addWidget(keys)
        top = parent.window() if parent is not None else None
        width = top.width() * 0.6 if top is not None else STOP_DIALOG_MIN_WIDTH
        self.resize(round(min(max(width, STOP_DIALOG_MIN_WIDTH), STOP_DIALOG_MAX_WIDTH)), 0)
        self.stop_button.setFocus()

    def _button(self, text: str, then: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text)
        button.setMinimumHeight(56)
        set_font_scale(button, 1.4)
        button.clicked.connect(then)
        return button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        parent = self.parentWidget()
        if parent is not None:  # over the window's middle, where the eye already is
            top = parent.window()
            frame = self.frameGeometry()
            frame.moveCenter(top.frameGeometry().center())
            self.move(frame.topLeft())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Y:
            self.accept()
        elif event.key() == Qt.Key.Key_N:
            self.reject()
        else:  # Enter: the default button, Stop; Esc: carry on
            super().keyPressEvent(event)


def confirm_stop_dialog(parent: QWidget | None) -> QDialog:
    """Esc asks before stopping: Enter or Y stops, Esc or N carries on."""
    return StopDialog(parent)


def error_dialog(parent: QWidget | None, title: str, text: str) -> QDialog:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(title)
    box.setInformativeText(text)
    return box
