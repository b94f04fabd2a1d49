"""The step form's Movement field: a list of the library's movements and the routine's own,
with the chosen one's figure moving beneath it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from routineplayer.core.motion import Motion
from routineplayer.core.motion_library import all_builtin_motions
from routineplayer.gui.figure_widget import LoopingFigure

NONE_TEXT = "None: words only"


class MovementInput(QWidget):
    edited = Signal(object)  # the movement's id, "" for none

    def __init__(self) -> None:
        super().__init__()
        self.combo = QComboBox()
        self.combo.setAccessibleName("Movement")
        self.combo.setToolTip("The figure the player shows for this step")
        self.figure = LoopingFigure(minimum=96)
        self.figure.setFixedHeight(150)
        self.figure.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.figure)
        self._motions: dict[str, Motion] = {}
        self.set_own(())
        self.combo.activated.connect(self._on_chosen)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.combo.setAccessibleName(name)

    def set_own(self, own: tuple[Motion, ...]) -> None:
        """The list: none, then the routine's own movements, then the library's."""
        current = self.value()
        library = all_builtin_motions()
        self._motions = {m.id: m for m in (*library, *own)}
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(NONE_TEXT, "")
        for motion in own:
            self.combo.addItem(f"{motion.name} (this routine's)", motion.id)
        for motion in library:
            self.combo.addItem(motion.name, motion.id)
        self.combo.blockSignals(False)
        self.set_value(current)

    def value(self) -> str:
        data = self.combo.currentData()
        return data if isinstance(data, str) else ""

    def set_value(self, value: Any) -> None:
        motion_id = value if isinstance(value, str) else ""
        index = self.combo.findData(motion_id)
        if index < 0:  # an id the list lacks (a broken file): shown, so it can be changed
            self.combo.addItem(f"{motion_id} (not found)", motion_id)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self._show_figure(motion_id)

    def _on_chosen(self, _index: int) -> None:
        self._show_figure(self.value())
        self.edited.emit(self.value())

    def _show_figure(self, motion_id: str) -> None:
        motion = self._motions.get(motion_id)
        self.figure.set_motion(motion)
        self.figure.setVisible(motion is not None)
