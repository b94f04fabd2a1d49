"""Add from the movement library: every movement with its figure, a line about it and the
step it makes; Enter (or Add) adds that step after the selected one."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.motion import Motion
from routineplayer.core.motion_library import all_builtin_motions
from routineplayer.core.motion_steps import defaults_text
from routineplayer.gui.app_style import mix_colours
from routineplayer.gui.figure_painter import FigureColours, figure_colours, paint_figure
from routineplayer.gui.figure_widget import LoopingFigure

ICON = QSize(72, 54)
ICON_PHASE = 0.5  # the middle of a cycle shows a movement best: an arm up, a leg back


def figure_icon(motion: Motion, palette_source: QWidget) -> QIcon:
    """The movement at the middle of its cycle; drawn again in the selection's colours, so
    a selected row's figure stands out from its highlight."""
    palette = palette_source.palette()
    icon = QIcon()
    icon.addPixmap(_figure_pixmap(motion, palette_source, figure_colours(palette)))
    highlight = palette.color(QPalette.ColorRole.Highlight)
    on_highlight = palette.color(QPalette.ColorRole.HighlightedText)
    selected = FigureColours(
        near=on_highlight,
        far=mix_colours(on_highlight, highlight, 0.45),
        prop=mix_colours(on_highlight, highlight, 0.55),
        floor=mix_colours(on_highlight, highlight, 0.7),
        window=highlight,
    )
    icon.addPixmap(_figure_pixmap(motion, palette_source, selected), QIcon.Mode.Selected)
    return icon


def _figure_pixmap(motion: Motion, widget: QWidget, colours: FigureColours) -> QPixmap:
    ratio = widget.devicePixelRatioF()
    pixmap = QPixmap(ICON * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    rect = QRectF(0, 0, ICON.width(), ICON.height())
    paint_figure(painter, rect, motion, ICON_PHASE, colours=colours)
    painter.end()
    return pixmap


class MovementPicker(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add from the movement library")
        self.setAccessibleName("Movement library")
        self.list = QListWidget()
        self.list.setAccessibleName("Movements")
        self.list.setIconSize(ICON)
        self.figure = LoopingFigure(minimum=160)
        self.name = QLabel()
        self.name.setWordWrap(True)
        font = self.name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.name.setFont(font)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.step_line = QLabel()
        self.step_line.setWordWrap(True)
        self.step_line.setAccessibleDescription("The step it adds")
        self.motions = all_builtin_motions()
        for motion in self.motions:
            item = QListWidgetItem(figure_icon(motion, self), motion.name)
            item.setToolTip(motion.description)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, motion.description)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._show)
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add step")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        right = QVBoxLayout()
        right.addWidget(self.figure, 1)
        right.addWidget(self.name)
        right.addWidget(self.description)
        right.addWidget(self.step_line)
        body = QHBoxLayout()
        body.addWidget(self.list, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.resize(820, 520)
        if self.motions:
            self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        motion = self.chosen()
        self.figure.set_motion(motion)
        self.name.setText(motion.name if motion else "")
        self.description.setText(motion.description if motion else "")
        self.step_line.setText(f"Adds: {defaults_text(motion)}" if motion else "")

    def chosen(self) -> Motion | None:
        row = self.list.currentRow()
        return self.motions[row] if 0 <= row < len(self.motions) else None
