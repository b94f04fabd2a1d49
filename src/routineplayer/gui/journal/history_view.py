"""The journal's history: every session in a list, the pain and belly-disconnect charts,
and the exports (CSV for a spreadsheet, a one-page summary for a physiotherapist).

The view only reads; it is refreshed each time it is shown, so a session recorded a moment
ago is there. Rows of the journal the app could not have written (another program's edits)
are left out by the journal; the view says how many. Files are chosen through
``choose_path`` (a save dialog by default), a seam that tests replace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.journal import (
    DisconnectRate,
    Journal,
    JournalError,
    PainPoint,
    SessionRecord,
)
from routineplayer.core.practice_week import DAYS, Week, day_words, streak_words
from routineplayer.gui.journal import history_charts
from routineplayer.gui.journal.physio_summary import ended_text, pain_text
from routineplayer.gui.journal.summary_writer import write_summary
from routineplayer.gui.theme import set_font_scale, set_muted

if TYPE_CHECKING:
    from PySide6.QtCharts import QLineSeries

ChoosePath = Callable[[QWidget, str, str, str], Path | None]
"""(parent, caption, suggested file name, filter) -> the chosen path, or None if cancelled."""

COLUMNS = ("When", "Routine", "Ended", "Pain before", "After", "Sets done", "Resets", "Note")
CSV_FILTER = "CSV spreadsheet (*.csv)"
SUMMARY_FILTER = "PDF (*.pdf);;Web page to print (*.html)"
EMPTY_TEXT = "No sessions yet. Play a routine and it will appear here."


def save_dialog(parent: QWidget, caption: str, name: str, filters: str) -> Path | None:
    start = str(Path.home() / name)
    chosen, _ = QFileDialog.getSaveFileName(parent, caption, start, filters)
    return Path(chosen) if chosen else None


def damaged_note(count: int) -> str:
    """One line about the entries the journal left out; empty when there are none."""
    if count <= 0:
        return ""
    if count == 1:
        return "1 damaged entry in your journal was left out."
    return f"{count} damaged entries in your journal were left out."


def _item(text: str, *, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


class HistoryView(QWidget):
    close_requested = Signal()  # Esc or "Close": the window puts the library back

    def __init__(
        self,
        journal: Journal | None,
        *,
        choose_path: ChoosePath = save_dialog,
        planned: Callable[[date], int] = lambda _day: 0,
        parent: QWidget | None = None,
    ) -> None:
        """``planned``: how many sessions the reminders plan on a date (the week view)."""
        super().__init__(parent)
        self.journal = journal
        self.planned = planned
        self.choose_path = choose_path
        self.setAccessibleName("History")
        self.pain_series: tuple[QLineSeries, QLineSeries] | None = None  # (before, after)
        self.rate_series: dict[str, QLineSeries] = {}  # exercise -> its line
        self._charts = history_charts.load_qtcharts()

        heading = QLabel("Your journal")
        set_font_scale(heading, 1.6, bold=True)
        self.export_button = self._button("Export CSV…", self.export_csv_dialog)
        self.summary_button = self._button(
            "Summary for your physiotherapist…", self.write_summary_dialog
        )
        close = self._button("Close", self.close_requested.emit)
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        for button in (self.export_button, self.summary_button, close):
            top.addWidget(button)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleDescription("Status")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        set_muted(self.status)

        # The last seven days at a glance, then the run of days practised.
        self.week_days = [QLabel() for _ in range(DAYS)]
        self.week_row = QWidget()
        self.week_row.setAccessibleName("The last seven days")
        week_layout = QHBoxLayout(self.week_row)
        week_layout.setContentsMargins(0, 0, 0, 0)
        for label in self.week_days:
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setFrameShape(QFrame.Shape.StyledPanel)
            week_layout.addWidget(label, 1)
        self.streak = QLabel()
        self.streak.setAccessibleDescription("Days in a row")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Sessions")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        # Tab leaves the table for the buttons (arrows move within it), so Export, the
        # physio summary and Close are reachable from the keyboard.
        self.table.setTabKeyNavigation(False)

        self.chart_row = QWidget()
        self._chart_layout = QHBoxLayout(self.chart_row)
        self._chart_layout.setContentsMargins(0, 0, 0, 0)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.chart_row)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        # The same 2 : 3 from the start (sizes are weights): the list's wish for every row
        # left the charts too short for their axis titles, which QtCharts then cuts.
        splitter.setSizes([200, 300])
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.week_row)
        layout.addWidget(self.streak)
        layout.addWidget(splitter, 1)
        # Filled when shown (showEvent), not here: the window may build it long before.

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(text.rstrip("…"))
        button.clicked.connect(lambda: slot())
        return button

    # -- reading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the journal: the list and both charts."""
        if self.journal is None:
            self._show_sessions([])
            self.status.setText("There is no journal to show: it could not be opened.")
            return
        try:
            sessions = self.journal.sessions()
            done = {s.id: self._sets_done(s.id) for s in sessions}
            points = self.journal.pain_series()
            rates = self.journal.disconnect_rate_by_exercise()
            week = self.journal.week(self.planned)
        except JournalError as exc:
            self.status.setText(f"The journal could not be read: {exc}")
            return
        self._show_week(week)
        self._show_sessions(sessions, done)
        self._show_charts(points, rates)
        notes = [self.journal.message or "", damaged_note(self.journal.skipped_rows)]
        if not any(notes) and not sessions:
            notes = [EMPTY_TEXT]
        self.status.setText(" ".join(note for note in notes if note))

    def _show_week(self, week: Week) -> None:
        for label, count in zip(self.week_days, week.days, strict=True):
            planned = f" / {count.planned}" if count.planned else ""
            label.setText(f"{count.day:%a}\n{count.day:%d %b}\n{count.done}{planned}")
            label.setAccessibleName(day_words(count))
            label.setToolTip(day_words(count))
        self.streak.setText(streak_words(week.streak))

    def _sets_done(self, session_id: int) -> tuple[int, int]:
        assert self.journal is not None
        sets = self.journal.sets(session_id)
        return sum(not s.skipped for s in sets), sum(s.resets_taken for s in sets)

    def _show_sessions(
        self, sessions: list[SessionRecord], done: dict[int, tuple[int, int]] | None = None
    ) -> None:
        done = done or {}
        self.table.setRowCount(len(sessions))
        for row, s in enumerate(sessions):
            sets, resets = done.get(s.id, (0, 0))
            cells = (
                _item(f"{s.started_at.astimezone():%a %d %b %Y  %H:%M}"),
                _item(s.routine_title),
                _item(ended_text(s)),
                _item(pain_text(s.pain_before, s.pain_before_location), number=True),
                _item(pain_text(s.pain_after), number=True),
                _item(str(sets), number=True),
                _item(str(resets), number=True),
                _item(s.pain_after_note or ""),
            )
            for column, item in enumerate(cells):
                self.table.setItem(row, column, item)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Measure the columns once, after filling: ResizeToContents would re-measure every
        row on every cell set (minutes for a journal of 1,000 sessions)."""
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        for stretched in (1, len(COLUMNS) - 1):  # the routine and the note take what is left
            header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)

    def _show_charts(self, points: list[PainPoint], rates: list[DisconnectRate]) -> None:
        while (child := self._chart_layout.takeAt(0)) is not None:
            if (widget := child.widget()) is not None:
                widget.deleteLater()
        charts = self._charts
        if charts is None:
            self._chart_layout.addWidget(self._placeholder(history_charts.CHARTS_MISSING), 1)
            return
        if points:
            chart, before, after = history_charts.pain_chart(charts, points)
            self.pain_series = (before, after)
            self._chart_layout.addWidget(history_charts.chart_view(charts, chart), 1)
        else:
            self.pain_series = None
            self._chart_layout.addWidget(self._placeholder("No pain ratings yet."), 1)
        if rates:
            chart, self.rate_series = history_charts.disconnect_chart(charts, rates)
            self._chart_layout.addWidget(history_charts.chart_view(charts, chart), 1)
        else:
            self.rate_series = {}
            self._chart_layout.addWidget(self._placeholder("No belly checks answered yet."), 1)

    def _placeholder(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setMinimumHeight(240)
        set_muted(label)
        return label

    # -- exports --------------------------------------------------------------------------------

    def export_csv(self, path: Path) -> int | None:
        """Write the CSV; the number of rows, or None (with the reason shown) if it failed."""
        if self.journal is None:
            return None
        try:
            export = self.journal.export_csv(path)
        except (JournalError, OSError) as exc:
            self.status.setText(f"Could not export to {path}: {exc}")
            return None
        done = f"Exported {export.rows} rows (one per set) to {path}."
        self.status.setText(" ".join(filter(None, (done, damaged_note(export.skipped)))))
        return export.rows

    def write_summary(self, path: Path) -> Path | None:
        if self.journal is None:
            return None
        try:
            written = write_summary(self.journal, path, self.planned)
        except (JournalError, OSError) as exc:
            self.status.setText(f"Could not write the summary to {path}: {exc}")
            return None
        self.status.setText(f"Summary saved to {written}. Print it or send it on.")
        return written

    def export_csv_dialog(self) -> None:
        path = self.choose_path(self, "Export the journal", "routineplayer-journal.csv", CSV_FILTER)
        if path is not None:
            self.export_csv(path)

    def write_summary_dialog(self) -> None:
        path = self.choose_path(
            self, "Summary for your physiotherapist", "back-exercise-summary.pdf", SUMMARY_FILTER
        )
        if path is not None:
            self.write_summary(path)

    # -- events ---------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_requested.emit()
            return
        super().keyPressEvent(event)


class HistoryDialog(QDialog):
    """The history in its own window, for a window that does not give it a page."""

    def __init__(
        self,
        journal: Journal | None,
        *,
        choose_path: ChoosePath = save_dialog,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("History")
        self.resize(1100, 760)
        self.view = HistoryView(journal, choose_path=choose_path, parent=self)
        self.view.close_requested.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
