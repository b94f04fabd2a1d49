"""Journal views: the history view and the physiotherapist's PDF for 1,000 sessions.

The same journal as bench_journal (1,000 sessions of 20 sets). The history view is timed
refreshing while shown (the list, and both charts rebuilt), against a baseline in the same
run: the journal reads it needs and nothing else, so the ratio is what the widgets cost.
A table that re-measured its columns on every cell took minutes here; this keeps it honest.
Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): the same journal, fewer
repeats.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from bench_journal import figure, fill, times_ms
from routineplayer.core import paths
from routineplayer.core.journal import Journal
from routineplayer.gui.journal.history_view import HistoryView
from routineplayer.gui.journal.summary_writer import write_summary

FIGURES = ("history_view_refresh_ms", "history_view_refresh_vs_reads", "physio_summary_pdf_ms")
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
REPEAT = 2 if SHORT else 5
PDF_REPEAT = 1 if SHORT else 3


def reads(journal: Journal) -> None:
    """What one refresh reads: the sessions, each one's sets, and both chart series."""
    for session in journal.sessions():
        journal.sets(session.id)
    journal.pain_series()
    journal.disconnect_rate_by_exercise()


def main() -> None:
    app = QApplication([])
    with tempfile.TemporaryDirectory(prefix="bench-views-", dir=paths.user_data_dir()) as tmp:
        path = Path(tmp) / "journal.sqlite3"
        fill(path)
        with Journal.open(path) as journal:
            view = HistoryView(journal)
            view.resize(1100, 760)
            view.show()
            app.processEvents()

            def refresh() -> None:
                view.refresh()
                app.processEvents()  # the layout and paint that follow

            refresh_ms = times_ms(refresh, REPEAT)
            reads_ms = times_ms(lambda: reads(journal), REPEAT)
            pdf_ms = times_ms(lambda: write_summary(journal, Path(tmp) / "summary.pdf"), PDF_REPEAT)
            view.close()

    refresh = statistics.median(refresh_ms)
    figure("history_view_refresh_ms", refresh, "ms", "<= 1000, 1,000 sessions shown")
    figure(
        "history_view_refresh_vs_reads",
        refresh / statistics.median(reads_ms),
        "x",
        "<= 4, the journal reads alone",
    )
    figure("physio_summary_pdf_ms", statistics.median(pdf_ms), "ms", "<= 3000, one page")


if __name__ == "__main__":
    main()
