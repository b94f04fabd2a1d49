"""Render docs/screenshots/editor.png: the editor with the warm-up copied and a step selected.

The copy is saved into the per-user folder, which must be a throw-away one:

    ROUTINEPLAYER_HOME=$(mktemp -d) xvfb-run -a -s '-screen 0 1280x800x24 -dpi 96' \\
        .venv/bin/python scripts/render_editor_screenshot.py docs/screenshots
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtTest import QTest

from routineplayer.gui.app import create_application
from routineplayer.gui.editor import EditorWindow

SIZE = (1100, 760)
STEP = 2  # Leg swings: sides and an extra cue


def main(out_dir: str) -> int:
    if "ROUTINEPLAYER_HOME" not in os.environ:
        print("set ROUTINEPLAYER_HOME to a throw-away folder first", file=sys.stderr)
        return 2
    app = create_application()
    window = EditorWindow()
    window.resize(*SIZE)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.duplicate_builtin("warm-up")
    window.page.steps.setCurrentRow(STEP)
    window.page.steps.setFocus()
    window.statusBar().clearMessage()
    app.processEvents()
    out = Path(out_dir) / "editor.png"
    if not window.grab().save(str(out)):
        print(f"could not write {out}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
