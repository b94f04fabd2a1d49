"""Render docs/screenshots/history.png and assessment.png from the real journal views.

Three weeks of demo sessions are written through the real journal store (on a clock this
script sets) into the per-user folder, which must be a throw-away one:

    ROUTINEPLAYER_HOME=$(mktemp -d) xvfb-run -a -s '-screen 0 1280x800x24 -dpi 96' \\
        .venv/bin/python scripts/render_journal_screenshots.py docs/screenshots
"""

from __future__ import annotations

import os
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome
from routineplayer.core.pain import PainLocation
from routineplayer.gui.app import create_application
from routineplayer.gui.journal.assessment_view import AssessmentView
from routineplayer.gui.journal.history_view import HistoryView

SIZE = (1100, 760)
START = datetime(2025, 3, 3, 8, 30, tzinfo=UTC)
ROUTINES = ("Upper-back slides", "My rehab routine", "Warm-up")
EXERCISES = ("Forward reach slides", "One-arm sweep slides", "Hip Bridges", "Bird Dog")


def demo_journal(days: int = 21) -> Journal:
    """Pain easing over three weeks, and the belly holding on more often."""
    rnd = random.Random(4)
    now = [START]
    journal = Journal.open(paths.journal_path(), clock=lambda: now[0])
    for day in range(days):
        now[0] = START + timedelta(days=day, minutes=rnd.randint(0, 600))
        session = journal.start_session(ROUTINES[day % 3], builtin="demo")
        before = max(1, min(10, 7 - day // 4 + rnd.randint(-1, 1)))
        journal.set_pain_before(session, before, PainLocation.LOWER_BACK)
        for index, exercise in enumerate(EXERCISES):
            for set_number in (1, 2):
                now[0] += timedelta(minutes=1)
                resets = int(rnd.random() < max(0.05, 0.55 - day * 0.025 - index * 0.05))
                journal.record_set(
                    session,
                    step_index=index,
                    step_title=exercise,
                    set_number=set_number,
                    check_answer=False,
                    resets_taken=resets,
                )
        now[0] += timedelta(minutes=2)
        if day % 6 == 5:
            journal.finish_session(
                session, Outcome.STOPPED, stopped_at_step=2, stopped_at_title="Hip Bridges"
            )
        else:
            journal.finish_session(session, Outcome.FINISHED)
        note = "felt looser afterwards" if day % 5 == 0 else None
        journal.set_pain_after(session, max(0, before - rnd.randint(0, 2)), note)
    return journal


def shot(widget: QWidget, path: Path) -> None:
    widget.resize(*SIZE)
    widget.show()
    QTest.qWaitForWindowExposed(widget)
    for _ in range(5):
        QApplication.processEvents()
        QTest.qWait(20)
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(out: Path) -> None:
    if "ROUTINEPLAYER_HOME" not in os.environ:
        sys.exit("set ROUTINEPLAYER_HOME to a throw-away folder: this writes a demo journal")
    _app = create_application()  # kept alive while the views render
    out.mkdir(parents=True, exist_ok=True)
    journal = demo_journal()
    shot(HistoryView(journal), out / "history.png")
    assessment = AssessmentView()
    assessment.begin()
    for rating in (1, 2):  # on the third movement, with two rated
        assessment.rate(rating)
    shot(assessment, out / "assessment.png")
    journal.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
