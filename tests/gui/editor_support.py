"""Helpers for the editor tests: scripted dialogs, and typing into fields like a person."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.library import Library
from routineplayer.core.model import StepKind
from routineplayer.core.routine_files import SUFFIX, slugify
from routineplayer.gui.editor import EditorWindow
from routineplayer.gui.editor.editor_window import COPY_SUFFIX


@dataclass
class ScriptedDialogs:
    """Answers queued in advance; every question asked is recorded (and must be answered)."""

    answers: deque[str] = field(default_factory=deque)
    texts: deque[str | None] = field(default_factory=deque)
    paths: deque[Path | None] = field(default_factory=deque)
    asked: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)
    informed: list[tuple[str, str]] = field(default_factory=list)
    warned: list[tuple[str, str, str]] = field(default_factory=list)  # title, text, details

    def ask(self, title: str, text: str, choices: tuple[str, ...]) -> str:
        self.asked.append((title, text, choices))
        assert self.answers, f"unexpected question: {title}: {text}"
        answer = self.answers.popleft()
        assert answer in choices, f"{answer!r} is not one of {choices}"
        return answer

    def ask_text(self, title: str, label: str, text: str) -> str | None:
        assert self.texts, f"unexpected text question: {title}"
        return self.texts.popleft()

    def inform(self, title: str, text: str) -> None:
        self.informed.append((title, text))

    def warn(self, title: str, text: str, details: str = "") -> None:
        self.warned.append((title, text, details))

    def open_path(self, title: str) -> Path | None:
        return self.paths.popleft()

    def save_path(self, title: str, suggested: str) -> Path | None:
        return self.paths.popleft()


def copy_of(builtin: str) -> tuple[str, str]:
    """The title and the file name "copy a built-in routine" gives ``builtin``: from its
    title, so that the tests follow the built-in routines' titles."""
    title = Library().resolve(builtin).title + COPY_SUFFIX
    return title, slugify(title) + SUFFIX


def make_editor(qtbot: QtBot) -> tuple[EditorWindow, ScriptedDialogs]:
    """A shown, active editor; closed at the end of the test without asking anything."""
    dialogs = ScriptedDialogs()
    window = EditorWindow(dialogs=dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window, before_close_func=lambda w: w.stack.setClean())
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.keeper.timer.stop()  # tests write recovery copies when they choose to
    return window, dialogs


def retype(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Select what a field holds and type ``text`` over it, key by key."""
    widget.setFocus()
    if isinstance(widget, QLineEdit | QSpinBox):
        widget.selectAll()
        if not text:
            qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    elif isinstance(widget, QPlainTextEdit):
        widget.selectAll()
        qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    target = widget.lineEdit() if isinstance(widget, QSpinBox) else widget
    for i, line in enumerate(text.split("\n")):  # QTest types no "\n": press Return
        if i:
            qtbot.keyClick(target, Qt.Key.Key_Return)
        qtbot.keyClicks(target, line)


def field_input(window: EditorWindow, path: str) -> QWidget:
    return window.page.step_form.rows[path].input


def field_message(window: EditorWindow, path: str) -> str:
    row = window.page.step_form.rows[path]
    return row.error.text() if row.error.isVisibleTo(window) else ""


def add_step(window: EditorWindow, kind: StepKind) -> None:
    """Pick the kind from the "Add step" menu (what a click on the menu item does)."""
    window.page.add_actions[kind].trigger()


def shortcut(
    qtbot: QtBot, window: EditorWindow, key: Qt.Key, modifier: Qt.KeyboardModifier
) -> None:
    """Press a window shortcut with the focus where it is."""
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, key, modifier)
