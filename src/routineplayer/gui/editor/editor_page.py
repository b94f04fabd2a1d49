"""The editor's layout: title and total time on top, steps on the left, forms on the right.

Only widgets and their arrangement; the window connects them to the draft and the undo stack.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from routineplayer.gui.editor.fields import ERROR_STYLE, FieldRow, LineInput
from routineplayer.gui.editor.routine_form import RoutineForm
from routineplayer.gui.editor.step_edits import KIND_LABELS
from routineplayer.gui.editor.step_form import StepForm
from routineplayer.gui.editor.step_list import StepList
from routineplayer.gui.theme import set_font_scale, set_muted

STEP_TAB, ROUTINE_TAB = 0, 1


def _scrolled(widget: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setAccessibleName(name)
    # Tab goes straight to the fields inside: the area itself is no stop of its own.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class EditorPage(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = LineInput("Name your routine")
        self.title.setAccessibleName("Routine title")
        set_font_scale(self.title, 1.3, bold=True)
        self.title_row = FieldRow(self.title)
        self.total = QLabel()
        self.total.setAccessibleName("Total time")
        set_font_scale(self.total, 1.15)
        self.total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.title_row, 1)
        top.addWidget(self.total)

        self.steps = StepList()
        self.add_menu = QMenu("Add step", self)
        self.add_actions = {
            kind: self.add_menu.addAction(label) for kind, label in KIND_LABELS.items()
        }
        self.add_menu.addSeparator()
        self.add_from_library = self.add_menu.addAction("From the movement library…")
        self.add_button = QToolButton()
        self.add_button.setText("Add step")
        self.add_button.setMenu(self.add_menu)
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.duplicate_button = QPushButton("Duplicate")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Up")
        self.down_button = QPushButton("Down")
        self.up_button.setAccessibleName("Move step up")
        self.down_button.setAccessibleName("Move step down")
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.duplicate_button,
            self.remove_button,
            self.up_button,
            self.down_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        steps_label = QLabel("Steps")
        set_font_scale(steps_label, 1.1, bold=True)
        hint = QLabel("Drag a step to move it.")
        set_muted(hint)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(steps_label)
        left_layout.addWidget(self.steps, 1)
        left_layout.addWidget(hint)
        left_layout.addLayout(buttons)

        self.step_form = StepForm()
        self.routine_form = RoutineForm()
        self.tabs = QTabWidget()
        self.tabs.addTab(_scrolled(self.step_form, "Step"), "Step")
        self.tabs.addTab(_scrolled(self.routine_form, "Routine details"), "Routine details")

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName("Problems")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.problems)

    def show_problems(self, count: int, first: str) -> None:
        if count:
            more = f" (and {count - 1} more)" if count > 1 else ""
            self.problems.setText(f"Not ready to save: {first}{more}")
            self.problems.setStyleSheet(ERROR_STYLE)
        else:
            self.problems.setText("Ready to save.")
            self.problems.setStyleSheet("")


class EmptyPage(QWidget):
    """Shown when no routine is open: the ways to start one."""

    def __init__(self) -> None:
        super().__init__()
        heading = QLabel("Make a routine of your own")
        set_font_scale(heading, 1.4, bold=True)
        text = QLabel(
            "Start from nothing, or from a copy of a built-in routine,\n"
            "or import a routine file someone shared with you."
        )
        self.new_button = QPushButton("New routine")
        self.duplicate_button = QToolButton()
        self.duplicate_button.setText("Copy a built-in routine")
        self.duplicate_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.import_button = QPushButton("Import a file…")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.duplicate_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch()
        column = QWidget()
        inner = QVBoxLayout(column)
        inner.addWidget(heading)
        inner.addWidget(text)
        inner.addSpacing(8)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class Banner(QWidget):
    """One line across the top with one action: read-only, deleted (undo), recovered."""

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.button = QPushButton()
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.hide()
        self._action: object = None

    def show_message(self, text: str, button: str = "", action: object = None) -> None:
        self.label.setText(text)
        self.button.setText(button)
        self.button.setVisible(bool(button))
        if self._action is not None:
            self.button.clicked.disconnect()
        self._action = action
        if action is not None:
            self.button.clicked.connect(action)
        self.show()

    def clear(self) -> None:
        self.show_message("")
        self.hide()
