"""The library: every routine with its title, length, summary and equipment, in two groups:
"My routines" (the user's own, first once there are any) and the built-in routines.

Double-click, Enter or the Start button asks to start the selected routine. The view only
knows ``RoutineCard`` values; the main window makes them from core.library entries, and
gives it the actions (new, duplicate, edit, history, ...) to show as buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QElapsedTimer,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from routineplayer.gui.icons import set_icon
from routineplayer.gui.theme import muted, scaled_font, set_font_scale
from routineplayer.runtime.keymap import Command, command_for_key

CARD_ROLE = Qt.ItemDataRole.UserRole + 1
HEADING_ROLE = Qt.ItemDataRole.UserRole + 2  # a group's heading row: its text
PADDING = 12
BUILTIN_HEADING = "Built-in routines"
OWN_HEADING = "My routines"
NO_OWN_TEXT = "None yet: New routine starts one, Duplicate copies the selected routine here."
HINT = "Enter or double-click starts a routine · F1 lists the keys"
MESSAGE_MS = 8000
# The list's own keys, for the help overlay (the window adds its actions' shortcuts).
LIBRARY_KEYS = (
    ("↑, ↓", "Choose a routine"),
    ("Letters", "Go to a routine by a word of its title"),
    ("Enter", "Start the chosen routine"),
)
SUMMARY_LINES = 2  # a card shows this much of its summary (or its problem), at most


@dataclass(frozen=True)
class RoutineCard:
    key: str  # what to start: a library name or a file path
    title: str
    length: str  # Timeline.length: '9 min of exercise · about 11 min in all'
    summary: str = ""
    equipment: tuple[str, ...] = ()
    own: bool = False  # the user's routine rather than a built-in one
    problem: str = ""  # why it cannot be played, when it cannot

    @property
    def equipment_text(self) -> str:
        return "You need: " + "; ".join(self.equipment) if self.equipment else "No equipment"

    @property
    def spoken_name(self) -> str:
        """What a screen reader says on each arrow press: the title and the length."""
        own = " (one of my routines)" if self.own else ""
        return ", ".join(p for p in (self.title + own, self.length) if p)

    @property
    def spoken_description(self) -> str:
        """The rest, for when someone asks for more (Orca's "where am I" or description)."""
        parts = [self.problem, self.summary, self.equipment_text]
        return " ".join(p.rstrip(". ") + "." for p in parts if p)


def starts_a_word(title: str, typed: str) -> bool:
    """Whether ``typed`` begins at the start of a word of ``title``, ignoring case: 'warm'
    and 'up' find '10-minute warm-up', and so does '10-minute w'."""
    text, typed = title.casefold(), typed.casefold()
    return any(
        text.startswith(typed, i)
        for i, char in enumerate(text)
        if char.isalnum() and (i == 0 or not text[i - 1].isalnum())
    )


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
    """The title; the length; up to two lines of summary, none when there is none; then the
    equipment."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        title = QFont(option.font)
        title.setPointSizeF(max(option.font.pointSizeF(), 9.0) * 1.35)
        title.setWeight(QFont.Weight.DemiBold)
        return title, QFont(option.font)

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        title, body = self._fonts(option)
        if index.data(HEADING_ROLE) is not None:
            return QSize(400, QFontMetrics(title).height() + PADDING + 8)
        card: RoutineCard = index.data(CARD_ROLE)
        lines = bool(card.length) + (SUMMARY_LINES if card.problem or card.summary else 0) + 1
        height = QFontMetrics(title).height() + lines * QFontMetrics(body).lineSpacing() + 10
        return QSize(400, height + 2 * PADDING + 6)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        heading: str | None = index.data(HEADING_ROLE)
        if heading is not None:
            self._paint_heading(painter, option, heading)
            return
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
            top,
            Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(title_font).elidedText(
                card.title, Qt.TextElideMode.ElideRight, top.width()
            ),
        )
        painter.setFont(body_font)
        metrics = QFontMetrics(body_font)
        summary = wrap_lines(card.problem or card.summary, metrics, box.width(), SUMMARY_LINES)
        # Each line straight after the one before: a missing summary leaves no gap.
        lines = [(card.length, secondary), *((s, text) for s in summary)]
        lines.append((card.equipment_text, secondary))
        y = top.bottom() + 6
        for words, colour in lines:
            if not words:
                continue
            painter.setPen(colour)
            shown = metrics.elidedText(words, Qt.TextElideMode.ElideRight, box.width())
            painter.drawText(QRect(box.left(), y, box.width(), metrics.lineSpacing()), 0, shown)
            y += metrics.lineSpacing()
        painter.restore()

    def _paint_heading(self, painter: QPainter, option: QStyleOptionViewItem, text: str) -> None:
        """A group's heading, or (in the body font) the note that a group is empty."""
        title_font, body_font = self._fonts(option)
        is_note = text == NO_OWN_TEXT
        font = body_font if is_note else title_font
        if not is_note:
            font.setPointSizeF(body_font.pointSizeF() * 1.15)
        # Headings are not selectable, so Qt hands them the disabled palette: far too pale.
        palette = QPalette(option.palette)
        palette.setCurrentColorGroup(QPalette.ColorGroup.Active)
        painter.save()
        painter.setFont(font)
        painter.setPen(muted(palette))
        box = option.rect.adjusted(PADDING // 2, PADDING // 2, -PADDING, -2)
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom
        shown = QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight, box.width())
        painter.drawText(box, align, shown.upper() if not is_note else shown)
        painter.restore()


class LibraryList(QListWidget):
    """Enter starts the selected routine (QListWidget only emits `activated` on some styles);
    typing goes to the routine with a word that starts so."""

    start_requested = Signal(object)  # RoutineCard

    def __init__(self) -> None:
        super().__init__()
        self._typed = ""
        self._typed_at = QElapsedTimer()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            event.accept()
            self.start_requested.emit(self.currentItem().data(CARD_ROLE))
            return
        if command_for_key(event.key()) is Command.HELP:
            event.ignore()  # '?' is help, for the window, not a letter to search for
            return
        super().keyPressEvent(event)

    def keyboardSearch(self, search: str) -> None:
        # Qt's own search matches only the start of the whole title, and titles may begin
        # with anything ("2-minute ..."): match the start of any word instead.
        if not self._typed_at.isValid() or (
            self._typed_at.elapsed() > QApplication.keyboardInputInterval()
        ):
            self._typed = ""
        self._typed_at.start()
        self._typed += search
        start = max(self.currentRow(), 0)
        for row in [*range(start, self.count()), *range(start)]:
            item = self.item(row)
            card: RoutineCard | None = item.data(CARD_ROLE)
            enabled = item.flags() & Qt.ItemFlag.ItemIsEnabled
            if card is not None and enabled and starts_a_word(card.title, self._typed):
                self.setCurrentRow(row)
                return


class LibraryView(QWidget):
    start_requested = Signal(object)  # RoutineCard
    current_changed = Signal(object)  # RoutineCard, or None when nothing playable is selected

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Library")
        heading = QLabel("Choose a routine")
        heading.setAccessibleDescription("Choose a routine")
        set_font_scale(heading, 1.8, bold=True)
        self.list = LibraryList()
        self.list.setAccessibleName("Routines")
        self.list.setAccessibleDescription("Press Enter or double-click to start a routine")
        self.setFocusProxy(self.list)  # the page shown, or handed focus back: keys go to the list
        self.list.setItemDelegate(CardDelegate(self.list))
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setFont(scaled_font(self.list, 1.1))
        self.list.itemDoubleClicked.connect(self._start_item)
        self.list.start_requested.connect(self.start_requested)
        self.list.currentItemChanged.connect(
            lambda *_: self.current_changed.emit(self.current_card())
        )
        self.start_button = QPushButton("Start")
        self.start_button.setAccessibleName("Start the selected routine")
        self.start_button.setProperty("primary", True)
        set_icon(self.start_button, "media-playback-start")
        self.start_button.setMinimumHeight(44)
        set_font_scale(self.start_button, 1.2, bold=True)
        self.start_button.clicked.connect(self._start_current)
        self.hint = QLabel(HINT)
        self.hint.setAccessibleDescription("Hint")
        self.hint.setWordWrap(True)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.hint.setText(HINT))
        # Filled by set_actions: the journal's (top right) and the routines' (bottom left).
        self.top_buttons = QHBoxLayout()
        self.routine_buttons = QHBoxLayout()
        top = QHBoxLayout()
        top.addWidget(heading, 1)
        top.addLayout(self.top_buttons)
        buttons = QHBoxLayout()
        buttons.addLayout(self.routine_buttons)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)

    def set_actions(self, routines: list[QAction], journal: list[QAction]) -> None:
        """A button for each action (its text, tooltip, enabled state and shortcut)."""
        for actions, row in ((routines, self.routine_buttons), (journal, self.top_buttons)):
            for action in actions:
                button = QToolButton()
                button.setDefaultAction(action)
                button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
                button.setMinimumHeight(36)
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                row.addWidget(button)

    def set_cards(self, cards: list[RoutineCard], select: str | None = None) -> None:
        """Show ``cards`` grouped; keep the selection (or select the card keyed ``select``)."""
        current = self.current_card()
        wanted = select or (current.key if current else None)
        self.list.clear()
        cards = sorted(cards, key=lambda c: (c.title.casefold(), c.key))
        builtin = [c for c in cards if not c.own]
        own = [c for c in cards if c.own]
        # Someone's own routines are what they play most: first, once there are any; until
        # then the built-ins lead and the empty group says how to make one.
        groups = [(OWN_HEADING, own), (BUILTIN_HEADING, builtin)]
        for heading, group in groups if own else groups[::-1]:
            self._add_heading(heading)
            for card in group:
                self._add_card(card)
        if not own:
            self._add_heading(NO_OWN_TEXT)
        rows = [(i, self.list.item(i).data(CARD_ROLE)) for i in range(self.list.count())]
        playable = [(i, card) for i, card in rows if card is not None and not card.problem]
        chosen = [i for i, card in playable if card.key == wanted] or [i for i, _ in playable]
        self.list.setCurrentRow(chosen[0] if chosen else -1)

    def _add_heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(HEADING_ROLE, text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable: arrow keys pass over it
        self.list.addItem(item)

    def _add_card(self, card: RoutineCard) -> None:
        item = QListWidgetItem(card.title)  # the text type-ahead search matches
        item.setData(CARD_ROLE, card)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, card.spoken_name)
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, card.spoken_description)
        item.setToolTip(card.problem or card.summary)
        if card.problem:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.list.addItem(item)

    def cards(self) -> list[RoutineCard]:
        """The cards listed, in order (headings left out)."""
        found = (self.list.item(i).data(CARD_ROLE) for i in range(self.list.count()))
        return [card for card in found if card is not None]

    def count(self) -> int:
        return self.list.count()

    def current_card(self) -> RoutineCard | None:
        item = self.list.currentItem()
        card: RoutineCard | None = item.data(CARD_ROLE) if item is not None else None
        return card

    def show_message(self, text: str) -> None:
        """Say what just happened (exported, copied, ...) where the hint is, for a while."""
        self.hint.setText(text)
        self._message_timer.start(MESSAGE_MS)

    def _start_item(self, item: QListWidgetItem) -> None:
        card = item.data(CARD_ROLE)
        if card is not None:
            self.start_requested.emit(card)

    def _start_current(self) -> None:
        card = self.current_card()
        if card is not None:
            self.start_requested.emit(card)
