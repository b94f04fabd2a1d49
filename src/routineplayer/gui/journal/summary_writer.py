"""The physiotherapist's summary on paper: a one-page PDF (QPdfWriter) or a web page to print.

The charts are drawn fresh at a fixed size for print. The PDF is kept to one page by showing
fewer recent sessions until it fits (checked on the written file, not estimated).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSize, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.journal import Journal
from routineplayer.gui.journal.history_charts import (
    chart_image,
    disconnect_chart,
    load_qtcharts,
    pain_chart,
)
from routineplayer.gui.journal.physio_summary import PhysioSummary

CHART_SIZE = QSize(640, 230)  # as printed (drawn twice as sharp)
ROW_STEPS = (14, 10, 6, 3, 0)  # recent sessions to try, most first, until the page fits
_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def chart_images(summary: PhysioSummary) -> dict[str, QImage]:
    """The pain and belly-disconnect charts as images; none without QtCharts or data."""
    charts = load_qtcharts()
    if charts is None:
        return {}
    images = {}
    if summary.pain:
        chart = pain_chart(charts, list(summary.pain), for_print=True)[0]
        images["pain"] = chart_image(chart, CHART_SIZE)
    if summary.rates:
        chart = disconnect_chart(charts, list(summary.rates), for_print=True)[0]
        images["disconnect"] = chart_image(chart, CHART_SIZE)
    return images


def _png_data_url(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; runtime wants str
    return "data:image/png;base64," + base64.b64encode(bytes(data.data())).decode("ascii")


def pdf_pages(path: Path) -> int:
    return len(_PAGE.findall(Path(path).read_bytes()))


def _print_pdf(html: str, images: dict[str, QImage], path: Path) -> None:
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setTitle("Back exercise journal: summary")
    writer.setCreator("routineplayer")
    doc = QTextDocument()
    for name, image in images.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), image)
    doc.setHtml(html)
    doc.print_(writer)
    del writer  # finishes the file


def write_pdf(summary: PhysioSummary, path: Path) -> int:
    """Write the summary as a one-page PDF; returns how many recent sessions it lists."""
    images = chart_images(summary)
    urls = {name: f"chart:{name}" for name in images}
    for rows in ROW_STEPS:
        _print_pdf(summary.html(urls, rows), images, path)
        if pdf_pages(path) <= 1:
            return rows
    return 0


def write_html(summary: PhysioSummary, path: Path) -> None:
    """Write the summary as one self-contained web page (charts inlined) to print."""
    urls = {name: _png_data_url(image) for name, image in chart_images(summary).items()}
    write_atomic(Path(path), summary.html(urls).encode("utf-8"))


def write_summary(
    journal: Journal, path: Path, planned: Callable[[date], int] = lambda _day: 0
) -> Path:
    """PDF for a ``.pdf`` path, a printable web page otherwise (``planned``: the sessions
    the reminders plan on a date)."""
    summary = PhysioSummary.from_journal(journal, planned=planned)
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        write_pdf(summary, path)
    else:
        write_html(summary, path)
    return path
