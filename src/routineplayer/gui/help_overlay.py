"""The keys, listed over the window (F1 or ?): over the library its own keys first, then the
player's (straight from keymap.KEYMAP) under a heading; over any other page the player's."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from routineplayer.gui.theme import set_font_scale
from routineplayer.runtime.keymap import KEYMAP

# Broken by hand: a word-wrapped label in a grid is sized for the wrong width.
CHECK_NOTE = (
    "During the check, a clicker's next key means No (carry on)\n"
    "and its back key means Yes (rest, then the set again)."
)
LIBRARY_HEADING = "In the library"
PLAYER_HEADING = "While a routine plays"
ROW_SCALE = 1.05
MARGIN = 16  # around the panel
PANEL_MARGIN = 28  # inside it, left and right
COLUMN_GAP = 32

KeyRows = Sequence[tuple[str, str]]  # (the keys as people read them, what they do)


def return_focus(page: QWidget, widget: QWidget | None) -> None:
    """Give the keys back to ``widget`` if it is still alive and shown on ``page``; else to
    ``page`` (or its focus proxy): never to a container that ignores them."""
    if (
        widget is not None
        and Shiboken.isValid(widget)
        and page.isAncestorOf(widget)
        and widget.isVisible()
    ):
        widget.setFocus()
    else:
        page.setFocus()


def _key_grid(heading: str, rows: KeyRows, note: str = "") -> tuple[QWidget, QLabel]:
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(20)
    grid.setVerticalSpacing(6)
    title = QLabel(heading)
    set_font_scale(title, 1.3, bold=True)
    grid.addWidget(title, 0, 0, 1, 2)
    for row, (keys_text, action_text) in enumerate(rows, start=1):
        keys = QLabel(keys_text)
        set_font_scale(keys, ROW_SCALE, bold=True)
        action = QLabel(action_text)  # short enough for one line: no wrapping to guess
        set_font_scale(action, ROW_SCALE)
        grid.addWidget(keys, row, 0)
        grid.addWidget(action, row, 1)
    if note:
        grid.addWidget(QLabel(note), len(rows) + 1, 0, 1, 2)
    grid.setColumnStretch(1, 1)
    grid.setRowStretch(len(rows) + 2, 1)
    return box, title


class HelpOverlay(QWidget):
    """Covers its parent with a dimmed panel; any key or click hides it again, and hands the
    keys back to the widget that had them.

    ``library`` is the page whose own keys ``library_keys`` lists: shown only over it.
    """

    def __init__(
        self, parent: QWidget, library: QWidget | None = None, library_keys: KeyRows = ()
    ) -> None:
        super().__init__(parent)
        self._host = parent
        self._library = library
        self._before: QWidget | None = None  # had the keys when the help was opened
        self.setAccessibleName("Keyboard help")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoFillBackground(False)
        panel = QWidget(self)
        panel.setObjectName("helpPanel")
        panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        panel.setStyleSheet(
            "#helpPanel { background: palette(window); border: 1px solid palette(mid);"
            " border-radius: 12px; }"
        )
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(PANEL_MARGIN, 20, PANEL_MARGIN, 20)
        layout.setSpacing(12)
        heading = QLabel("Keys")
        set_font_scale(heading, 1.8, bold=True)
        layout.addWidget(heading)
        self.rows: list[tuple[str, str]] = [(b.label, b.action) for b in KEYMAP]
        self._player, self.player_heading = _key_grid(PLAYER_HEADING, self.rows, CHECK_NOTE)
        # Side by side: one column of both lists would not fit a small window.
        columns = QHBoxLayout()
        columns.setSpacing(COLUMN_GAP)
        self.library_keys: QWidget | None = None
        if library_keys:
            self.library_keys, _ = _key_grid(LIBRARY_HEADING, library_keys)
            columns.addWidget(self.library_keys)
        columns.addWidget(self._player)
        layout.addLayout(columns)
        close = QLabel("Press any key to close this help.")
        set_font_scale(close, 1.1)
        layout.addWidget(close)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.close_help()
        else:
            self._before = self.window().focusWidget()
            self.setGeometry(self._host.rect())
            self._fit()
            self.raise_()
            self.show()
            self.setFocus()

    def close_help(self) -> None:
        self.hide()
        before, self._before = self._before, None
        return_focus(self._page(), before)

    def _fit(self) -> None:
        """Over the library its keys, and the player's beside them when both fit the width
        (the player lists its own while it plays); elsewhere the player's alone."""
        if self.library_keys is None:
            return
        on_library = self._page() is self._library
        self.library_keys.setVisible(on_library)
        both = self.library_keys.sizeHint().width() + self._player.sizeHint().width()
        room = self._host.width() - 2 * (MARGIN + PANEL_MARGIN) - COLUMN_GAP
        self._player.setVisible(not on_library or both <= room)

    def _page(self) -> QWidget:
        host = self._host
        page = host.currentWidget() if isinstance(host, QStackedWidget) else None
        return page or host

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
            self._fit()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 150))
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()
        self.close_help()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        event.accept()
        self.close_help()
