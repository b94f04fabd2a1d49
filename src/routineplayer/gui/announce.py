"""Announcements to assistive technology (Orca hears them through AT-SPI): what changed,
said once, politely, so a screen reader never talks over the app's own cue voice.

The app speaks every cue itself; the screen reader is told only of the moments that change
what the screen is about (a new step, the check, the reset, the end, paused), and of the
time left at whole minutes, never each second (docs/accessibility in the README).
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent
from PySide6.QtWidgets import QWidget


def announce(widget: QWidget, text: str, *, assertive: bool = False) -> None:
    """Tell a screen reader ``text`` (nothing happens when none is listening)."""
    if not text or not QAccessible.isActive():
        return
    event = QAccessibleAnnouncementEvent(widget, text)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
