"""Render the movement library into docs/screenshots/ (run by scripts/screenshots.sh):

- movements/ID.png for every movement: two moments of its cycle (its start and its middle)
  and the middle mirrored, as the second side shows it;
- movements.png: every movement at the middle of its cycle, for the README;
- movement-library.png: the editor's "Add from the movement library" dialog.
"""

from __future__ import annotations

import sys
from pathlib import Path

from movement_sheet import sheet
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from routineplayer.core.motion_library import all_builtin_motions, library_motion
from routineplayer.gui.app import create_application
from routineplayer.gui.editor.movement_picker import MovementPicker
from routineplayer.gui.figure_painter import figure_colours, paint_figure

CELL_W, CELL_H, LABEL_H, COLUMNS = 240, 190, 24, 6
README_PHASE = 0.5


def overview(out: Path, palette: QPalette) -> Path:
    motions = all_builtin_motions()
    rows = -(-len(motions) // COLUMNS)
    image = QImage(CELL_W * COLUMNS, (CELL_H + LABEL_H) * rows, QImage.Format.Format_RGB32)
    image.fill(palette.color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 10))
    colours = figure_colours(palette)
    for i, motion in enumerate(motions):
        x, y = (i % COLUMNS) * CELL_W, (i // COLUMNS) * (CELL_H + LABEL_H)
        paint_figure(
            painter, QRectF(x + 8, y + 4, CELL_W - 16, CELL_H - 8), motion, README_PHASE,
            colours=colours,
        )  # fmt: skip
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        label = QRectF(x, y + CELL_H, CELL_W, LABEL_H)
        painter.drawText(label, Qt.AlignmentFlag.AlignCenter, motion.name)
    painter.end()
    target = out / "movements.png"
    image.save(str(target))
    return target


def library_dialog(out: Path) -> Path:
    picker = MovementPicker()
    wanted = library_motion("bird-dog")
    picker.list.setCurrentRow(picker.motions.index(wanted) if wanted else 0)
    picker.figure.show_phase(README_PHASE)
    picker.show()
    QApplication.processEvents()
    picker.figure.show_phase(README_PHASE)
    target = out / "movement-library.png"
    picker.grab().save(str(target))
    picker.close()
    return target


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    app = create_application()
    palette = app.palette()
    (out / "movements").mkdir(parents=True, exist_ok=True)
    for motion in all_builtin_motions():
        sheet(motion.id, out / "movements", [0.0, README_PHASE], palette)
    print(overview(out, palette))
    print(library_dialog(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
