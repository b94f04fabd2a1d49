"""The extra cues of a step: a small table of "at" times and what to say then."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.durations import DurationError, format_duration, parse_duration
from routineplayer.core.model import Cue

NEW_CUE_TEXT = "Keep breathing easily."


class CueTable(QWidget):
    """Emits ``edited(tuple[Cue, ...])`` for each edit; ``invalid(message)`` for a bad time."""

    edited = Signal(object)
    invalid = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._cues: tuple[Cue, ...] = ()
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["At", "Say"])
        self.table.setAccessibleName("Extra cues")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(110)
        self.table.cellChanged.connect(self._on_cell_changed)
        self.add_button = QPushButton("Add cue")
        self.remove_button = QPushButton("Remove cue")
        self.add_button.clicked.connect(self._add)
        self.remove_button.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def set_value(self, value: Any) -> None:
        cues = tuple(value or ())
        if cues == self._cues and self.table.rowCount() == len(cues):
            return
        self._cues = cues
        self.table.blockSignals(True)
        self.table.setRowCount(len(cues))
        for row, cue in enumerate(cues):
            self.table.setItem(row, 0, QTableWidgetItem(format_duration(cue.at)))
            self.table.setItem(row, 1, QTableWidgetItem(cue.say))
        self.table.blockSignals(False)

    def _on_cell_changed(self, row: int, column: int) -> None:
        cues = list(self._cues)
        item = self.table.item(row, column)
        if item is None:  # cellChanged comes from an item's change: there always is one
            return
        text = item.text()
        if column == 0:
            try:
                cues[row] = replace(cues[row], at=parse_duration(text))
            except DurationError as exc:
                self.invalid.emit(f"cue {row + 1}: {exc}")
                return
        else:
            cues[row] = replace(cues[row], say=text.strip())
        self.invalid.emit("")
        self._cues = tuple(cues)
        self.edited.emit(self._cues)

    def _add(self) -> None:
        at = self._cues[-1].at + 10.0 if self._cues else 10.0
        self._cues = (*self._cues, Cue(at, NEW_CUE_TEXT))
        self.edited.emit(self._cues)

    def _remove(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._cues):
            self._cues = self._cues[:row] + self._cues[row + 1 :]
            self.edited.emit(self._cues)
