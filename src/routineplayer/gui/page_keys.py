"""Buttons on pages with keys of their own (the player, the check, the pain scale) can take
focus, so Tab reaches them and screen readers can press them, without stealing the page's
keys: Space (and the arrows, where the page has a meaning for them) stay the page's, and
Enter presses the focused button."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QWidget

_ENTER = {int(Qt.Key.Key_Return), int(Qt.Key.Key_Enter)}
# A focused button moves the focus on with the arrows; on the player → is "skip".
_ARROWS = {int(k) for k in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down)}


class _PageKeys(QObject):
    def __init__(self, page: QWidget, *, arrows: bool) -> None:
        super().__init__(page)
        self._page = page
        self._page_keys = {int(Qt.Key.Key_Space), *(_ARROWS if arrows else ())}

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
        if key in self._page_keys:
            if event.type() == QEvent.Type.KeyPress:
                # The page's own meaning of the key, as if the page had the focus.
                self._page.keyPressEvent(event)
            return True
        return False


def focusable_keeping_page_keys(
    button: QAbstractButton, page: QWidget, *, arrows: bool = True
) -> None:
    """Tab (not a click) focuses ``button``; Enter clicks it; Space goes to ``page``, and so
    do the arrows unless ``arrows`` is False (a row of choices moves along with them)."""
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    keys = page.findChild(_PageKeys, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if keys is None:
        keys = _PageKeys(page, arrows=arrows)
    button.installEventFilter(keys)
