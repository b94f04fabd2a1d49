"""Qt key events as the one-character keys the rating prompts take (see core.rating_prompts)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

_SPECIAL = {
    int(Qt.Key.Key_Escape): "\x1b",
    int(Qt.Key.Key_Return): "\r",
    int(Qt.Key.Key_Enter): "\r",
}


def key_text(event: QKeyEvent) -> str:
    """ "0"–"9" (keypad too), "a"–"z", Esc as "\\x1b", Enter as "\\r"; "" for anything else.

    Read from the key code, not event.text(), so Shift, Caps Lock or a keypad's Num Lock
    state do not change the answer a key gives.
    """
    key = int(event.key())
    if key in _SPECIAL:
        return _SPECIAL[key]
    if int(Qt.Key.Key_0) <= key <= int(Qt.Key.Key_9):
        return chr(key)
    if int(Qt.Key.Key_A) <= key <= int(Qt.Key.Key_Z):
        return chr(key).lower()
    return ""
