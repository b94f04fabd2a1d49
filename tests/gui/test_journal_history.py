"""The history view: the session list, both charts, the CSV export and the one-page summary."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QChartView, QDateTimeAxis, QLineSeries
from PySide6.QtCore import QDateTime, QRectF, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.journal import CSV_COLUMNS, DisconnectRate, Journal, Outcome, PainPoint
from routineplayer.core.pain import PainLocation
from routineplayer.gui.journal import history_charts, summary_writer
from routineplayer.gui.journal.history_view import EMPTY_TEXT, HistoryDialog, HistoryView
from routineplayer.gui.journal.physio_summary import PhysioSummary
from routineplayer.gui.journal.summary_writer import pdf_pages, write_pdf

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
TITLE = 'Rehab, "gentle"'  # a comma and quotes: the CSV must quote it
MIN_COLUMN_GAP = 12.0  # pt on paper between neighbouring columns' text: more than a wide space


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    """Three sessions on three days: finished, stopped, and one the app never closed."""
    clock = Clock()
    with Journal.open(tmp_path / "journal.sqlite3", clock=clock) as journal:
        for day, (before, after, resets) in enumerate([(6, 4, 1), (5, None, 0), (None, 2, 2)]):
            clock.now = T0 + timedelta(days=day)
            sid = journal.start_session(TITLE, builtin="rehab")
            if before is not None:
                journal.set_pain_before(sid, before, PainLocation.BUTTOCK_LEG)
            for n in (1, 2):
                journal.record_set(
                    sid,
                    step_index=0,
                    step_title="Bird Dog",
                    set_number=n,
                    check_answer=False,
                    resets_taken=resets if n == 1 else 0,
                )
            if day == 0:
                journal.finish_session(sid, Outcome.FINISHED)
            elif day == 1:
                journal.finish_session(sid, Outcome.STOPPED, stopped_at_step=0,
                                       stopped_at_title="Bird Dog")  # fmt: skip
            if after is not None:
                journal.set_pain_after(sid, after, "stiff, then better")
        yield journal


def view_of(qtbot: QtBot, journal: Journal | None, chosen: list[Path] | None = None) -> HistoryView:
    def choose(parent: QWidget, caption: str, name: str, filters: str) -> Path | None:
        return chosen.pop(0) if chosen else None

    view = HistoryView(journal, choose_path=choose)
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show()
    qtbot.waitExposed(view)
    return view


def column(view: HistoryView, index: int) -> list[str]:
    table = view.table
    return [table.item(row, index).text() for row in range(table.rowCount())]


def points(series: QLineSeries) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for p in series.points()]


def test_lists_every_session_newest_first(qtbot: QtBot, journal: Journal) -> None:
    view = view_of(qtbot, journal)
    assert view.table.rowCount() == 3
    assert column(view, 2) == ["Not finished (app closed)", "Stopped at Bird Dog", "Finished"]
    assert column(view, 3) == ["–", "5 (buttock/leg)", "6 (buttock/leg)"]
    assert column(view, 4) == ["2", "–", "4"]
    assert column(view, 5) == ["2", "2", "2"]
    assert column(view, 6) == ["2", "0", "1"]
    assert view.status.text() == ""


def test_builds_the_pain_and_disconnect_charts(qtbot: QtBot, journal: Journal) -> None:
    view = view_of(qtbot, journal)
    assert view.pain_series is not None
    before, after = view.pain_series
    day = timedelta(days=1).total_seconds() * 1000
    t0 = T0.timestamp() * 1000
    assert points(before) == [(t0, 6), (t0 + day, 5)]
    assert points(after) == [(t0, 4), (t0 + 2 * day, 2)]
    assert list(view.rate_series) == ["Bird Dog"]
    # Day 1: 1 reset + 2 answered "no" -> 1 of 3; day 2: 0 of 2; day 3: 2 of 4.
    rates = [y for _, y in points(view.rate_series["Bird Dog"])]
    assert rates == pytest.approx([100 / 3, 0, 50])


def test_the_csv_export_reads_back_with_the_csv_module(
    qtbot: QtBot, journal: Journal, tmp_path: Path
) -> None:
    target = tmp_path / "export.csv"
    view = view_of(qtbot, journal, [target])
    qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
    assert "Exported 6 rows" in view.status.text()
    with target.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 6
    assert {r["routine"] for r in rows} == {TITLE}
    assert [r["pain_before"] for r in rows[::2]] == ["6", "5", ""]
    assert [r["outcome"] for r in rows[::2]] == ["finished", "stopped", ""]
    assert rows[0]["pain_after_note"] == "stiff, then better"


def test_a_cancelled_or_failing_export_says_so(
    qtbot: QtBot, journal: Journal, tmp_path: Path
) -> None:
    view = view_of(qtbot, journal, [])
    view.export_csv_dialog()  # cancelled: nothing happens
    assert view.status.text() == ""
    assert view.export_csv(tmp_path / "no-such-folder" / "x.csv") is None
    assert "Could not export" in view.status.text()


def test_the_summary_is_a_one_page_pdf(qtbot: QtBot, journal: Journal, tmp_path: Path) -> None:
    target = tmp_path / "summary.pdf"
    view = view_of(qtbot, journal, [target])
    qtbot.mouseClick(view.summary_button, Qt.MouseButton.LeftButton)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert pdf_pages(target) == 1
    assert len(data) > 10_000, "the charts are in it"
    assert "Summary saved" in view.status.text()


def test_a_long_journal_still_fits_one_page(tmp_path: Path, qtbot: QtBot) -> None:
    clock = Clock()
    with Journal.open(tmp_path / "long.sqlite3", clock=clock) as journal:
        for n in range(60):
            clock.now = T0 + timedelta(hours=10 * n)
            sid = journal.start_session(f"Routine with a long name number {n}", builtin="x")
            journal.set_pain_before(sid, n % 11)
            journal.set_pain_after(sid, (n + 3) % 11, "a note that takes up room " * 3)
            for k in range(12):
                journal.record_set(
                    sid, step_index=k, step_title=f"Exercise {k}", set_number=1, check_answer=True
                )
        summary = PhysioSummary.from_journal(journal)
    rows = write_pdf(summary, tmp_path / "long.pdf")
    assert pdf_pages(tmp_path / "long.pdf") == 1
    assert rows < 14, "fewer recent sessions so that the page holds"


def test_the_summary_as_a_printable_web_page(
    qtbot: QtBot, journal: Journal, tmp_path: Path
) -> None:
    target = tmp_path / "summary.html"
    view = view_of(qtbot, journal)
    assert view.write_summary(target) == target
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<html>")
    assert "Back exercise journal: summary" in html
    assert html.count("data:image/png;base64,") == 2, "both charts inlined"
    assert "Rehab, &quot;gentle&quot;" in html and "Bird Dog" in html
    assert "not a medical device" in html


def test_an_empty_journal_says_how_to_fill_it(qtbot: QtBot, tmp_path: Path) -> None:
    with Journal.open(tmp_path / "empty.sqlite3") as journal:
        view = view_of(qtbot, journal)
        assert view.table.rowCount() == 0
        assert view.status.text() == EMPTY_TEXT
        assert view.pain_series is None and view.rate_series == {}
        assert view.write_summary(tmp_path / "empty.pdf") is not None


def test_a_session_recorded_meanwhile_shows_when_the_view_is_shown_again(
    qtbot: QtBot, journal: Journal
) -> None:
    view = view_of(qtbot, journal)
    view.hide()
    journal.start_session("Another", builtin="x")
    view.show()
    assert view.table.rowCount() == 4


def test_no_journal_shows_why(qtbot: QtBot) -> None:
    view = view_of(qtbot, None)
    assert view.table.rowCount() == 0
    assert "could not be opened" in view.status.text()


def test_esc_and_close_ask_to_close(qtbot: QtBot, journal: Journal) -> None:
    dialog = HistoryDialog(journal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.view, Qt.Key.Key_Escape)


def test_without_qtcharts_the_list_and_exports_still_work(
    qtbot: QtBot, journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history_charts, "load_qtcharts", lambda: None)
    monkeypatch.setattr(summary_writer, "load_qtcharts", lambda: None)
    view = view_of(qtbot, journal)
    assert view.table.rowCount() == 3
    labels = [w.text() for w in view.chart_row.findChildren(QLabel)]
    assert labels == [history_charts.CHARTS_MISSING]
    assert view.write_summary(tmp_path / "plain.pdf") is not None
    assert pdf_pages(tmp_path / "plain.pdf") == 1
    assert view.write_summary(tmp_path / "plain.html") is not None
    assert "data:image" not in (tmp_path / "plain.html").read_text(encoding="utf-8")


def test_damaged_entries_are_left_out_with_a_note(
    qtbot: QtBot, journal: Journal, tmp_path: Path
) -> None:
    newest, middle, oldest = (s.id for s in journal.sessions())
    other = sqlite3.connect(journal.path, isolation_level=None)  # another program's edits
    other.execute("PRAGMA ignore_check_constraints = ON")
    other.execute("UPDATE session SET started_at = 'not a time' WHERE id = ?", (newest,))
    other.execute("UPDATE session SET pain_before = 42 WHERE id = ?", (middle,))
    other.close()

    view = view_of(qtbot, journal)
    assert view.table.rowCount() == 1
    assert view.status.text() == "2 damaged entries in your journal were left out."
    assert view.export_csv(tmp_path / "export.csv") == 2  # the sets of the one good session
    assert view.status.text().endswith("2 damaged entries in your journal were left out.")
    assert view.write_summary(tmp_path / "summary.html") is not None
    assert oldest == journal.sessions()[0].id


def test_the_pdf_keeps_its_table_columns_apart(
    qtbot: QtBot, journal: Journal, tmp_path: Path
) -> None:
    """Read back from the PDF: a clear gap between neighbouring columns, header and rows."""
    target = tmp_path / "summary.pdf"
    write_pdf(PhysioSummary.from_journal(journal), target)
    pdf = QPdfDocument()
    assert pdf.load(str(target)) == QPdfDocument.Error.None_
    text = pdf.getAllText(0).text()

    def box(words: str, after: str = "") -> QRectF:
        start = text.index(words, text.index(after) if after else 0)
        return pdf.getSelectionAtIndex(0, start, len(words)).boundingRectangle()

    row = f"{T0.astimezone():%d %b %H:%M}"
    for left, right, after in [
        ("When", "Routine", "The last"),
        ("Pain before", "After", "The last"),
        ("After", "Note", "The last"),
        (row, TITLE, "The last"),
        ("Exercise", "Checks", ""),
    ]:
        gap = box(right, after).left() - box(left, after).right()
        assert gap >= MIN_COLUMN_GAP, f"{left!r} and {right!r} are {gap} pt apart"


def axis_labels(axis: QDateTimeAxis) -> list[str]:
    """What the axis writes under its ticks, spread evenly from its minimum to its maximum."""
    low = axis.min().toMSecsSinceEpoch()
    high = axis.max().toMSecsSinceEpoch()
    count = axis.tickCount()
    return [
        QDateTime.fromMSecsSinceEpoch(low + (high - low) * i // (count - 1)).toString(axis.format())
        for i in range(count)
    ]


@pytest.mark.parametrize("days", [[0], [0, 0, 0], [0, 0, 1, 1, 1], [0, 1, 2], list(range(60))])
def test_chart_dates_are_not_repeated(qtbot: QtBot, days: list[int]) -> None:
    moments = [T0 + timedelta(days=d, hours=n) for n, d in enumerate(days)]
    points = [PainPoint(n, m.date(), m, 5, 3) for n, m in enumerate(moments)]
    rates = [DisconnectRate("Bird Dog", m.date(), 2, 1) for m in sorted(set(moments))]
    charts = history_charts.load_qtcharts()
    assert charts is not None
    for chart in (
        history_charts.pain_chart(charts, points)[0],
        history_charts.disconnect_chart(charts, rates)[0],
    ):
        (axis,) = chart.axes(Qt.Orientation.Horizontal)
        assert isinstance(axis, QDateTimeAxis)
        labels = axis_labels(axis)
        assert len(labels) == len(set(labels)) >= 2, labels
        first, last = min(moments), max(moments)
        assert axis.min().toMSecsSinceEpoch() < first.timestamp() * 1000
        assert axis.max().toMSecsSinceEpoch() > last.timestamp() * 1000


@pytest.mark.parametrize(("width", "height"), [(800, 600), (1920, 1080)])
def test_chart_titles_fit_uncut(qtbot: QtBot, journal: Journal, width: int, height: int) -> None:
    view = view_of(qtbot, journal)
    view.resize(width, height)
    qtbot.wait(50)
    charts = view.chart_row.findChildren(QChartView)
    assert len(charts) == 2
    for chart_view in charts:
        chart = chart_view.chart()
        plot = chart.plotArea()
        for axis in chart.axes(Qt.Orientation.Vertical):
            room = QFontMetricsF(axis.titleFont()).horizontalAdvance(axis.titleText())
            assert room <= plot.height(), f"{axis.titleText()!r} is cut to {plot.height()} px"
        title = QFontMetricsF(chart.titleFont()).horizontalAdvance(chart.title())
        assert title <= chart.size().width() - 24, f"{chart.title()!r} is cut"


def test_the_week_at_a_glance_and_the_run_of_days(qtbot: QtBot, journal: Journal) -> None:
    view = view_of(qtbot, journal)
    labels = [label.text().splitlines()[-1] for label in view.week_days]
    assert labels == ["0", "0", "0", "0", "1", "1", "1"]  # one session a day, three days
    today = (T0 + timedelta(days=2)).astimezone().date()
    assert view.week_days[-1].accessibleName() == f"{today:%a %d}: 1 done"
    assert view.streak.text() == "3 days in a row with a session."
    html = PhysioSummary.from_journal(journal).html()
    assert "Sessions done in the last seven days:" in html and "3 days in a row" in html
