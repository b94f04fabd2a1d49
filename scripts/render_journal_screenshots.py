"""Render the journal's screenshots from the real views: history-empty.png (before any
session), history.png, and the movement assessment's pages: assessment-intro.png,
assessment.png (a movement being rated), assessment-results.png (a rehab routine built)
and assessment-no-routine.png (too few pain-free movements).

Three weeks of demo sessions are written through the real journal store (on a clock this
script sets) into the per-user folder, which must be a throw-away one (the assessment saves
its routine there too):

    ROUTINEPLAYER_HOME=$(mktemp -d) xvfb-run -a -s '-screen 0 1920x1200x24 -dpi 96' \\
        .venv/bin/python scripts/render_journal_screenshots.py docs/screenshots

Exits non-zero when a picture could not be made.

The physiotherapist's summary is not a page of the app (it is written to a PDF or a web
page to print), so it has no picture here.
"""

from __future__ import annotations

import os
import random
import sys
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from render_screenshots import SIZE, PictureError, save_picture, settle

from routineplayer.core import paths
from routineplayer.core.assessment import MOVEMENTS
from routineplayer.core.journal import Journal, Outcome
from routineplayer.core.pain import PainLocation
from routineplayer.gui.app import create_application
from routineplayer.gui.journal.assessment_view import AssessmentView
from routineplayer.gui.journal.history_view import HistoryView

START = datetime(2025, 3, 3, 8, 30, tzinfo=UTC)
ROUTINES = ("Upper-back slides", "My rehab routine", "Warm-up")
EXERCISES = ("Forward reach slides", "One-arm sweep slides", "Hip Bridges", "Bird Dog")
# Pain each assessment movement caused, in order: five of 3 or less build the routine.
RATINGS = (2, 1, 6, 5, 7, 0, 4, 3, 1, 6)
HIGH_RATINGS = (5, 2, 6, 7, 8, 4, 6, 5, 3, 9)  # two of 3 or less: no routine


def fill_journal(journal: Journal, now: list[datetime], days: int = 21) -> None:
    """Pain easing over three weeks, and the belly holding on more often."""
    rnd = random.Random(4)
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


def shot(widget: QWidget, path: Path) -> None:
    widget.resize(*SIZE)
    widget.show()
    if not QTest.qWaitForWindowExposed(widget):
        raise PictureError(f"{path.name}: the view was never shown")
    settle()
    save_picture(widget.grab(), path, SIZE)


def assessment_pictures(out: Path) -> None:
    assessment = AssessmentView()
    shot(assessment, out / "assessment-intro.png")
    assessment.begin()
    for rating in RATINGS[:2]:  # on the third movement, with two rated
        assessment.rate(rating)
    shot(assessment, out / "assessment.png")
    for rating in RATINGS[2:]:
        assessment.rate(rating)
    plan = assessment.build()
    if not plan.built or assessment.saved_path is None:
        raise PictureError(f"no rehab routine was built: {plan.message}")
    shot(assessment, out / "assessment-results.png")

    assessment.restart()
    assessment.begin()
    for rating in HIGH_RATINGS:
        assessment.rate(rating)
    if assessment.build().built:
        raise PictureError("a routine was built from two pain-free movements")
    shot(assessment, out / "assessment-no-routine.png")
    assessment.close()


def main(out: Path) -> int:
    if "ROUTINEPLAYER_HOME" not in os.environ:
        print("set ROUTINEPLAYER_HOME to a throw-away folder first", file=sys.stderr)
        return 2
    if len(RATINGS) != len(MOVEMENTS) or len(HIGH_RATINGS) != len(MOVEMENTS):
        print("RATINGS needs one rating per assessment movement", file=sys.stderr)
        return 1
    _app = create_application()  # kept alive while the views render
    out.mkdir(parents=True, exist_ok=True)
    try:
        now = [START]
        journal = Journal.open(paths.journal_path(), clock=lambda: now[0])
        history = HistoryView(journal)
        shot(history, out / "history-empty.png")  # before the first session
        history.close()
        fill_journal(journal, now)
        shot(HistoryView(journal), out / "history.png")
        assessment_pictures(out)
        journal.close()
    except Exception:
        traceback.print_exc()
        print("render_journal_screenshots: not every picture was made", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
