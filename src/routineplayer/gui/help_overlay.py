"""The keys, listed over the window (F1 or ?), straight from keymap.KEYMAP."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from routineplayer.gui.theme import set_font_scale
from routineplayer.runtime.keymap import KEYMAP

# Broken by hand: a word-wrapped label in a grid is sized for the wrong width.
CHECK_NOTE = (
    "During the check, a clicker's next key means No (carry on)\n"
    "and its back key means Yes (rest, then the set again)."
)


class HelpOverlay(QWidget):
    """Covers its parent with a dimmed panel; any key or click hides it again."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
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
        grid = QGridLayout(panel)
        grid.setContentsMargins(32, 24, 32, 24)
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(10)
        heading = QLabel("Keys")
        set_font_scale(heading, 1.8, bold=True)
        grid.addWidget(heading, 0, 0, 1, 2)
        self.rows: list[tuple[str, str]] = []
        for row, binding in enumerate(KEYMAP, start=1):
            keys = QLabel(binding.label)
            set_font_scale(keys, 1.25, bold=True)
            action = QLabel(binding.action)  # short enough for one line: no wrapping to guess
            set_font_scale(action, 1.25)
            grid.addWidget(keys, row, 0)
            grid.addWidget(action, row, 1)
            self.rows.append((binding.label, binding.action))
        note = QLabel(CHECK_NOTE + "\n\nPress any key to close this help.")
        set_font_scale(note, 1.1)
        grid.addWidget(note, len(KEYMAP) + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        outer.addWidget(panel, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.close_help()
        else:
            self.setGeometry(self._host.rect())
            self.raise_()
            self.show()
            self.setFocus()

    def close_help(self) -> None:
        self.hide()
        # Keys go back to the page underneath (the player), not to the container.
        host = self._host
        page = host.currentWidget() if isinstance(host, QStackedWidget) else None
        (page or host).setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
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
