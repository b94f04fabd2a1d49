"""Draw movements at several phases into one PNG each, to look at while writing poses.

    .venv/bin/python scripts/movement_sheet.py [ID ...] [--out DIR] [--phases N]

Without ids, every movement of assets/movements/. Runs offscreen (no display needed).
The same sheets, two phases each, are what `make screenshots` keeps.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication

from routineplayer.core.motion_library import all_builtin_motions, builtin_motion
from routineplayer.core.motion_reader import load_motion_file
from routineplayer.gui.figure_painter import figure_colours, paint_figure

CELL_W, CELL_H, LABEL_H = 300, 260, 22


def sheet(motion_id: str, out: Path, phases: list[float], palette: QPalette) -> Path:
    path = Path(motion_id)
    motion = load_motion_file(path) if path.suffix == ".yaml" else builtin_motion(motion_id)
    cells = [(p, False) for p in phases] + [(phases[len(phases) // 2], True)]
    image = QImage(CELL_W * len(cells), CELL_H + LABEL_H, QImage.Format.Format_RGB32)
    image.fill(palette.color(QPalette.ColorRole.Window))
    painter = QPainter(image)
    painter.setFont(QFont("DejaVu Sans", 9))
    colours = figure_colours(palette)
    for i, (phase, mirror) in enumerate(cells):
        rect = QRectF(i * CELL_W + 6, LABEL_H, CELL_W - 12, CELL_H - 6)
        paint_figure(painter, rect, motion, phase, mirror=mirror, colours=colours)
        painter.setPen(QColor("#555"))
        label = f"{motion.id}  phase {phase:.2f}{'  mirrored' if mirror else ''}"
        painter.drawText(
            QRectF(i * CELL_W, 2, CELL_W, LABEL_H), Qt.AlignmentFlag.AlignCenter, label
        )
    painter.end()
    target = out / f"{motion.id}.png"
    image.save(str(target))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--out", type=Path, default=Path("build/movements"))
    parser.add_argument("--phases", type=int, default=4)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    ids = args.ids or [m.id for m in all_builtin_motions()]
    phases = [k / args.phases for k in range(args.phases)]
    for motion_id in ids:
        print(sheet(motion_id, args.out, phases, app.palette()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
