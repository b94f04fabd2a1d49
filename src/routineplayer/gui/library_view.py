"""The library: every routine with its title, length, summary and equipment.

Double-click, Enter or the Start button asks to start the selected routine. The view only
knows ``RoutineCard`` values; the main window makes them from core.library entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from routineplayer.gui.theme import muted, scaled_font, set_font_scale

CARD_ROLE = Qt.ItemDataRole.UserRole + 1
PADDING = 12


@dataclass(frozen=True)
class RoutineCard:
    key: str  # what to start: a library name or a file path
    title: str
    length: str  # '10 min'
    summary: str = ""
    equipment: tuple[str, ...] = ()
    own: bool = False  # the user's routine rather than a built-in one
    problem: str = ""  # why it cannot be played, when it cannot

    @property
    def equipment_text(self) -> str:
        return "You need: " + "; ".join(self.equipment) if self.equipment else "No equipment"

    @property
    def spoken(self) -> str:
        parts = [self.title, self.length, self.summary, self.equipment_text, self.problem]
        return ". ".join(p for p in parts if p)


def wrap_lines(text: str, metrics: QFontMetrics, width: int, most: int) -> list[str]:
    """``text`` word-wrapped into at most ``most`` lines, the last elided if it goes on."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < most:
        line = words.pop(0)
        while words and metrics.horizontalAdvance(f"{line} {words[0]}") <= width:
            line += " " + words.pop(0)
        lines.append(line)
    if words and lines:
        rest = " ".join([lines[-1], *words])
        lines[-1] = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return lines


class CardDelegate(QStyledItemDelegate):
    """Title and length on the first line, two lines of summary, then the equipment."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setPointSizeF(max(option.font.pointSizeF(), 9.0) * 1.35)
        title.setWeight(QFont.Weight.DemiBold)
        return title, QFont(option.font)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        title, body = self._fonts(option)
        height = QFontMetrics(title).height() + 3 * QFontMetrics(body).lineSpacing() + 10
        return QSize(400, height + 2 * PADDING + 6)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        card: RoutineCard = index.data(CARD_ROLE)
        style = option.widget.style() if option.widget else None
        if style is not None:  # the selection and hover background, as the style draws it
            bare = QStyleOptionViewItem(option)
            bare.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, bare, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        secondary = text if selected else muted(palette)
        title_font, body_font = self._fonts(option)
        box = option.rect.adjusted(PADDING, PADDING, -PADDING, -PADDING)
        painter.save()
        painter.setFont(title_font)
        painter.setPen(text)
        title_h = QFontMetrics(title_font).height()
        top = QRect(box.left(), box.top(), box.width(), title_h)
        painter.drawText(
            top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, card.length
        )
        length_w = QFontMetrics(title_font).horizontalAdvance(card.length + "  ")
        title = card.title + ("  (yours)" if card.own else "")
        painter.drawText(
            top.adjusted(0, 0, -length_w, 0),
            Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(title_font).elidedText(
                title, Qt.TextElideMode.ElideRight, top.width() - length_w
            ),
        )
        painter.setFont(body_font)
        metrics = QFontMetrics(body_font)
        line = metrics.lineSpacing()
        y = top.bottom() + 6
        for text_line in wrap_lines(card.problem or card.summary, metrics, box.width(), 2):
            painter.drawText(QRect(box.left(), y, box.width(), line), 0, text_line)
            y += line
        painter.setPen(secondary)
        equipment = metrics.elidedText(
            card.equipment_text, Qt.TextElideMode.ElideRight, box.width()
        )
        painter.drawText(
            QRect(box.left(), top.bottom() + 6 + 2 * line + 4, box.width(), line), 0, equipment
        )
        painter.restore()


class LibraryList(QListWidget):
    """Enter starts the selected routine (QListWidget only emits `activated` on some styles)."""

    start_requested = Signal(object)  # RoutineCard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            event.accept()
            self.start_requested.emit(self.currentItem().data(CARD_ROLE))
            return
        super().keyPressEvent(event)


class LibraryView(QWidget):
    start_requested = Signal(object)  # RoutineCard

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Library")
        heading = QLabel("Choose a routine")
        heading.setAccessibleName("Choose a routine")
        set_font_scale(heading, 1.8, bold=True)
        self.list = LibraryList()
        self.list.setAccessibleName("Routines")
        self.list.setAccessibleDescription("Press Enter or double-click to start a routine")
        self.list.setItemDelegate(CardDelegate(self.list))
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setFont(scaled_font(self.list, 1.1))
        self.list.itemDoubleClicked.connect(
            lambda item: self.start_requested.emit(item.data(CARD_ROLE))
        )
        self.list.start_requested.connect(self.start_requested)
        self.start_button = QPushButton("Start")
        self.start_button.setAccessibleName("Start the selected routine")
        self.start_button.setMinimumHeight(40)
        set_font_scale(self.start_button, 1.2, bold=True)
        self.start_button.clicked.connect(self._start_current)
        self.hint = QLabel("Enter or double-click starts a routine · F1 lists the keys")
        self.hint.setAccessibleName("Hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def set_cards(self, cards: list[RoutineCard]) -> None:
        current = self.current_card()
        self.list.clear()
        for card in cards:
            item = QListWidgetItem(card.title)  # the text type-ahead search matches
            item.setData(CARD_ROLE, card)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, card.spoken)
            item.setToolTip(card.problem or card.summary)
            if card.problem:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        keys = [c.key for c in cards]
        row = keys.index(current.key) if current and current.key in keys else 0
        self.list.setCurrentRow(row if cards else -1)

    def count(self) -> int:
        return self.list.count()

    def current_card(self) -> RoutineCard | None:
        item = self.list.currentItem()
        card: RoutineCard | None = item.data(CARD_ROLE) if item is not None else None
        return card

    def _start_current(self) -> None:
        card = self.current_card()
        if card is not None:
            self.start_requested.emit(card)
