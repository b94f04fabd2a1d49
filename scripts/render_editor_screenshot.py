"""Render the editor's screenshots: editor.png (the warm-up copied, a step selected) and
import-error.png (the warning over the editor when a shared file is not a routine).

The copy and the file to import are written into the per-user folder, which must be a
throw-away one:

    ROUTINEPLAYER_HOME=$(mktemp -d) xvfb-run -a -s '-screen 0 1920x1200x24 -dpi 96' \\
        .venv/bin/python scripts/render_editor_screenshot.py docs/screenshots

Exits non-zero when a picture could not be made.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from render_screenshots import SIZE, PictureError, over_window, save_picture, settle, show_dialog

from routineplayer.gui.app import create_application
from routineplayer.gui.editor import EditorWindow

STEP = 2  # Leg swings: sides and an extra cue

# A routine as a friend might share it, with two mistakes the loader names.
SHARED = """\
format: 1
title: Shoulder loosener
steps:
  - title: Shoulder rolls
    say: Roll your shoulders slowly backwards, then forwards.
    duration: 90 seconds
  - title: Wall slides
    say: Stand with your back to a wall and slide your arms up and down it.
    reps: 8
    set: 2
"""


def import_error(window: EditorWindow, out: Path) -> None:
    """Import a broken file: the real warning opens (modal); picture it, then close it."""
    source = Path(os.environ["ROUTINEPLAYER_HOME"]) / "shoulder-loosener.yaml"
    source.write_text(SHARED, encoding="utf-8")
    errors: list[BaseException] = []

    def picture() -> None:
        box = QApplication.activeModalWidget()
        try:
            if not isinstance(box, QMessageBox):
                raise PictureError(f"no warning came up, but {box!r}")
            show_dialog(box)
            save_picture(over_window(window, box), out / "import-error.png", SIZE)
        except BaseException as exc:  # raised outside the modal loop, below
            errors.append(exc)
        finally:
            if box is not None:
                box.close()

    QTimer.singleShot(200, picture)
    if window.import_file(source) is not None:
        raise PictureError("the broken file was imported")
    if errors:
        raise errors[0]
    if not (out / "import-error.png").exists():
        raise PictureError("the warning never came up")


def main(out_dir: str) -> int:
    if "ROUTINEPLAYER_HOME" not in os.environ:
        print("set ROUTINEPLAYER_HOME to a throw-away folder first", file=sys.stderr)
        return 2
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "import-error.png").unlink(missing_ok=True)  # made anew, or missing
    create_application()
    try:
        window = EditorWindow()
        window.resize(*SIZE)
        window.show()
        if not QTest.qWaitForWindowExposed(window):
            raise PictureError("the editor was never shown")
        if not window.duplicate_builtin("warm-up"):
            raise PictureError("the warm-up could not be copied")
        window.page.steps.setCurrentRow(STEP)
        window.page.steps.setFocus()
        window.statusBar().clearMessage()
        settle()
        save_picture(window.grab(), out / "editor.png", SIZE)
        import_error(window, out)
    except Exception:
        traceback.print_exc()
        print("render_editor_screenshot: not every picture was made", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
