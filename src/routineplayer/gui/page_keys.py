"""Buttons on pages with keys of their own (the player, the check, the pain scale) can take
focus, so Tab reaches them and screen readers can press them, without stealing the page's
keys: Space stays the page's (pause, carry on), and Enter presses the focused button."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QWidget

_ENTER = {int(Qt.Key.Key_Return), int(Qt.Key.Key_Enter)}


class _PageKeys(QObject):
    def __init__(self, page: QWidget) -> None:
        super().__init__(page)
        self._page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        assert isinstance(event, QKeyEvent)
        if not isinstance(watched, QAbstractButton):
            return False
        key = int(event.key())
        if key in _ENTER:
            if event.type() == QEvent.Type.KeyPress and not event.isAutoRepeat():
                watched.click()
            return True
        if key == int(Qt.Key.Key_Space):
            if event.type() == QEvent.Type.KeyPress:
                # The page's own meaning of Space, as if the page had the focus.
                self._page.keyPressEvent(event)
            return True
        return False


def focusable_keeping_page_keys(button: QAbstractButton, page: QWidget) -> None:
    """Tab (not a click) focuses ``button``; Space goes to ``page``; Enter clicks."""
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    keys = page.findChild(_PageKeys, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if keys is None:
        keys = _PageKeys(page)
    button.installEventFilter(keys)
