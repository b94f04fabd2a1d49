"""The safety notice (core.safety) as a dialog: at first launch, from Help, and before play
when the pain rated before a session is 8 or more.

Whether it was shown is kept in the window's INI file (window_settings.gui_settings), under
core.paths, so tests and a fresh profile start from "not shown".
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.rating_prompts import high_pain_notice_text
from routineplayer.core.safety import SafetyNotice, notice_needed_before_play, safety_notice
from routineplayer.gui.dialogs import Ask
from routineplayer.gui.theme import set_font_scale
from routineplayer.gui.window_settings import gui_settings
from routineplayer.runtime.session_driver import CueSink
from routineplayer.runtime.speak import say

SEEN_KEY = "safety/notice_seen"
# Bump when the notice changes enough that everyone should read it again.
NOTICE_VERSION = 1


def _list_html(intro: str, signs: tuple[str, ...]) -> str:
    items = "".join(f"<li>{escape(sign)}</li>" for sign in signs)
    return f"<p><b>{escape(intro)}</b></p><ul>{items}</ul>"


def notice_html(notice: SafetyNotice, *, stress_lead: bool = False) -> str:
    lead = f"<b>{escape(notice.lead)}</b>" if stress_lead else escape(notice.lead)
    return (
        f"<p>{lead}</p>"
        + _list_html(notice.urgent_intro, notice.urgent_signs)
        + _list_html(notice.soon_intro, notice.soon_signs)
        + f"<p><i>{escape(notice.disclaimer)}</i></p>"
    )


class SafetyDialog(QDialog):
    """The notice. With ``pain_before`` set it asks whether to start: Esc (the default,
    being the safe answer) does not start; G or "Go ahead gently" does."""

    def __init__(
        self,
        pain_before: int | None = None,
        *,
        sink: CueSink | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.notice = safety_notice(pain_before)
        self.asks_to_start = pain_before is not None and notice_needed_before_play(pain_before)
        self.setWindowTitle(self.notice.title)
        self.setAccessibleName(self.notice.title)
        self.setMinimumSize(640, 560)

        heading = QLabel(self.notice.title)
        set_font_scale(heading, 1.6, bold=True)
        self.body = QLabel(notice_html(self.notice, stress_lead=self.asks_to_start))
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setWordWrap(True)
        # Its plain words as its description too: rich text read aloud loses the bullets.
        self.body.setAccessibleDescription(self.notice.as_text())
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop)
        set_font_scale(self.body, 1.1)
        scroll = QScrollArea()
        scroll.setAccessibleName(self.notice.title)
        # No Tab stop of its own (it swallowed Enter after Tab had gone round): the
        # buttons are the stops, and the text is read from the label inside.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.body)

        self.buttons = QDialogButtonBox()
        self.go_ahead: QPushButton | None = None
        if self.asks_to_start:
            self.go_ahead = self.buttons.addButton(
                "&Go ahead gently", QDialogButtonBox.ButtonRole.AcceptRole
            )
            stop = self.buttons.addButton("Do&n't start", QDialogButtonBox.ButtonRole.RejectRole)
            # Enter must mean the safe answer: no button but "Don't start" may take it.
            self.go_ahead.setAutoDefault(False)
            stop.setDefault(True)
            stop.setFocus()
        else:
            read = self.buttons.addButton(
                "I have read this", QDialogButtonBox.ButtonRole.AcceptRole
            )
            read.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        if self.asks_to_start and pain_before is not None:
            say(sink, high_pain_notice_text(pain_before))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.asks_to_start and event.key() == Qt.Key.Key_G:
            self.accept()
            return
        super().keyPressEvent(event)


def notice_due() -> bool:
    """True until the current notice has been shown once on this profile."""
    seen = gui_settings().value(SEEN_KEY, 0)  # an INI file gives the number back as text
    try:
        return int(str(seen)) < NOTICE_VERSION
    except ValueError:
        return True


def mark_notice_seen() -> None:
    settings = gui_settings()
    settings.setValue(SEEN_KEY, NOTICE_VERSION)
    settings.sync()


def show_first_launch_notice(ask: Ask, parent: QWidget | None = None) -> bool:
    """Show the notice if this profile has not seen it yet; True if it was shown."""
    if not notice_due():
        return False
    ask(SafetyDialog(parent=parent))
    mark_notice_seen()
    return True


def confirm_start(
    ask: Ask,
    pain_before: int | None,
    *,
    sink: CueSink | None = None,
    parent: QWidget | None = None,
) -> bool:
    """Before play: True to start. Pain of 8 or more shows the notice and asks first."""
    if not notice_needed_before_play(pain_before):
        return True
    return ask(SafetyDialog(pain_before, sink=sink, parent=parent))
