"""Every question the editor asks a person, behind one small seam that tests replace.

The editor never opens a QMessageBox or QFileDialog itself: it calls the methods of a
``Dialogs`` object. Tests give it a scripted one (answers queued in advance) so that the
unsaved-changes guard, import clashes and exports run without a modal loop.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

YAML_FILTER = "Routines (*.yaml *.yml);;All files (*)"


class Dialogs:
    """The real, modal dialogs; ``parent`` centres them over the editor."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def ask(self, title: str, text: str, choices: tuple[str, ...]) -> str:
        """One of ``choices`` (the first is the default); the last is returned on Escape."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        buttons = [box.addButton(label, QMessageBox.ButtonRole.ActionRole) for label in choices]
        box.setDefaultButton(buttons[0])
        box.setEscapeButton(buttons[-1])
        box.exec()
        clicked = box.clickedButton()
        return next((c for c, b in zip(choices, buttons, strict=True) if b is clicked), choices[-1])

    def ask_text(self, title: str, label: str, text: str) -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self.parent, title, text)

    def warn(self, title: str, text: str, details: str = "") -> None:
        """Something was refused; ``details`` (file, line, column) behind "Show Details…"."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.parent)
        if details:
            box.setDetailedText(details)
        box.exec()

    def open_path(self, title: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(Path.home()), YAML_FILTER)
        return Path(name) if name else None

    def save_path(self, title: str, suggested: str) -> Path | None:
        start = str(Path.home() / suggested)
        name, _ = QFileDialog.getSaveFileName(self.parent, title, start, YAML_FILTER)
        return Path(name) if name else None
