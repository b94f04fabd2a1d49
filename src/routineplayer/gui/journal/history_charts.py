"""The history's two charts, built with QtCharts: pain before and after each session over
time, and how often the lower belly disconnected in each exercise, day by day.

QtCharts is imported only when a chart is built (``load_qtcharts``): it costs start-up time
the library does not need, and an install without PySide6-Addons still plays routines.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsScene

from routineplayer.core.journal import DisconnectRate, PainPoint
from routineplayer.core.pain import PAIN_MAX, PAIN_MIN
from routineplayer.gui.theme import is_dark

if TYPE_CHECKING:
    from PySide6.QtCharts import (
        QAbstractAxis,
        QChart,
        QChartView,
        QDateTimeAxis,
        QLineSeries,
        QValueAxis,
    )

CHARTS_MISSING = (
    "Charts need QtCharts, which comes with the PySide6-Addons package "
    "(pip install PySide6-Addons). The list of sessions and the exports work without it."
)
MAX_EXERCISES = 8  # more lines than this is a tangle; the most-checked exercises are shown
DATE_FORMAT = "d MMM"
MAX_DATE_TICKS = 5  # more, and "12 Mar" is cut to "12 ..." in a half-width chart at 800 px


def load_qtcharts() -> ModuleType | None:
    try:
        return importlib.import_module("PySide6.QtCharts")
    except ImportError:
        return None


def _ms(moment: datetime) -> float:
    return moment.timestamp() * 1000.0


def _noon_ms(day: date) -> float:
    # Local noon: a day's point sits in the middle of its day on a local-time axis.
    return _ms(datetime.combine(day, time(12)).astimezone())


def _time_axis(charts: ModuleType, days: Iterable[date]) -> QDateTimeAxis:
    """A date axis with a day before the first and after the last, its ticks at local noon
    a whole number of days apart: every tick names a different day (evenly spread ticks
    over a short span used to say "3 Mar" three times)."""
    axis: QDateTimeAxis = charts.QDateTimeAxis()
    axis.setFormat(DATE_FORMAT)
    shown = sorted(set(days)) or [date.today()]
    first = shown[0] - timedelta(days=1)
    span = (shown[-1] - first).days + 1
    step = -(-span // (MAX_DATE_TICKS - 1))  # days between ticks, rounded up
    ticks = -(-span // step) + 1
    axis.setRange(
        QDateTime.fromMSecsSinceEpoch(int(_noon_ms(first))),
        QDateTime.fromMSecsSinceEpoch(int(_noon_ms(first + timedelta(days=step * (ticks - 1))))),
    )
    axis.setTickCount(ticks)
    return axis


def _value_axis(charts: ModuleType, low: float, high: float, title: str, fmt: str) -> QValueAxis:
    axis: QValueAxis = charts.QValueAxis()
    axis.setRange(low, high)
    axis.setTitleText(title)
    axis.setLabelFormat(fmt)
    return axis


def _chart(charts: ModuleType, title: str, *, for_print: bool) -> QChart:
    chart: QChart = charts.QChart()
    dark = not for_print and is_dark(QApplication.palette())
    theme = charts.QChart.ChartTheme
    chart.setTheme(theme.ChartThemeDark if dark else theme.ChartThemeLight)
    if for_print:  # paper is white, and a rounded frame only wastes ink
        chart.setBackgroundBrush(QColor("white"))
        chart.setBackgroundRoundness(0)
    else:
        chart.setBackgroundBrush(QApplication.palette().color(QPalette.ColorRole.Base))
    # On paper the page's heading names the chart; the height goes to the plot instead.
    chart.setTitle("" if for_print else title)
    legend_at = Qt.AlignmentFlag.AlignRight if for_print else Qt.AlignmentFlag.AlignBottom
    chart.legend().setAlignment(legend_at)
    return chart


def _attach(
    chart: QChart, series: QLineSeries, x_axis: QAbstractAxis, y_axis: QAbstractAxis
) -> None:
    chart.addSeries(series)
    series.attachAxis(x_axis)
    series.attachAxis(y_axis)


def pain_chart(
    charts: ModuleType, points: list[PainPoint], *, for_print: bool = False
) -> tuple[QChart, QLineSeries, QLineSeries]:
    """Pain before and after each session; a session rated only once has one point."""
    chart = _chart(charts, "Pain before and after each session", for_print=for_print)
    before, after = charts.QLineSeries(), charts.QLineSeries()
    before.setName("Before")
    after.setName("After")
    for point in points:
        x = _ms(point.started_at)
        if point.before is not None:
            before.append(x, point.before)
        if point.after is not None:
            after.append(x, point.after)
    x_axis = _time_axis(charts, (p.started_at.astimezone().date() for p in points))
    y_axis = _value_axis(charts, PAIN_MIN, PAIN_MAX, "Pain (0–10)", "%d")
    y_axis.setTickCount(PAIN_MAX // 2 + 1)
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    for series in (before, after):
        series.setPointsVisible(True)
        series.setMarkerSize(7)
        _attach(chart, series, x_axis, y_axis)
    return chart, before, after


def disconnect_chart(
    charts: ModuleType, rates: list[DisconnectRate], *, for_print: bool = False
) -> tuple[QChart, dict[str, QLineSeries]]:
    """Per exercise, the share of belly checks answered "yes" on each day (in %)."""
    title = "Lower belly disconnected, by exercise"
    chart = _chart(charts, title, for_print=for_print)
    checks = Counter[str]()
    for rate in rates:
        checks[rate.exercise] += rate.checks_answered
    shown = {name for name, _ in checks.most_common(MAX_EXERCISES)}
    x_axis = _time_axis(charts, (r.day for r in rates))
    y_axis = _value_axis(charts, 0, 100, "Answered yes (%)", "%d%%")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    lines: dict[str, QLineSeries] = {}
    for rate in rates:  # sorted by exercise, then day
        if rate.exercise not in shown:
            continue
        series = lines.get(rate.exercise)
        if series is None:
            series = lines[rate.exercise] = charts.QLineSeries()
            series.setName(rate.exercise)
            series.setPointsVisible(True)
        series.append(_noon_ms(rate.day), rate.rate * 100)
    for series in lines.values():
        _attach(chart, series, x_axis, y_axis)
    return chart, lines


def chart_image(chart: QChart, size: QSize, scale: float = 2.0) -> QImage:
    """The chart drawn at ``size`` (logical pixels) into a ``scale`` times sharper image."""
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.resize(QSizeF(size))
    image = QImage(size * scale, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scene.render(painter, QRectF(image.rect()), QRectF(0, 0, size.width(), size.height()))
    painter.end()
    scene.removeItem(chart)
    return image


def chart_view(charts: ModuleType, chart: QChart) -> QChartView:
    view: QChartView = charts.QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    view.setAccessibleName(chart.title())
    # A picture of the table's figures: named for screen readers, but no Tab stop where
    # keys do nothing (the table above holds the same sessions).
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view
