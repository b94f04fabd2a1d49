"""Inputs for the editor's forms: one value each, with its message shown right under it.

Every input emits ``edited(value)`` only for a person's edit (never while the form loads a
value), so a form can be refreshed from the model after every change without echoing it
back as a new edit. Text inputs leave Ctrl+Z to the editor's undo stack: a field's own
undo history would fork from the stack and undo edits the stack does not know about.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.durations import format_duration, parse_duration

ERROR_STYLE = "color: #c62828;"


class _LeaveUndoToStack(QObject):
    """Let Ctrl+Z / Ctrl+Shift+Z reach the window's undo actions instead of the widget."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt API name
        keys = QKeySequence.StandardKey
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (event.matches(keys.Undo) or event.matches(keys.Redo))
        ):
            event.ignore()
            return True
        return False


_LEAVE_UNDO = _LeaveUndoToStack()


class LineInput(QLineEdit):
    """A one-line text."""

    edited = Signal(object)

    def __init__(self, placeholder: str = "") -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.installEventFilter(_LEAVE_UNDO)
        self.textEdited.connect(self._on_edited)

    def _on_edited(self, text: str) -> None:
        self.edited.emit(self.parse(text))

    def parse(self, text: str) -> Any:
        return text

    def show_text(self, value: Any) -> str:
        return str(value or "")

    def set_value(self, value: Any) -> None:
        # Unchanged text keeps the cursor where the person is typing.
        if self.parse(self.text()) != value:
            self.setText(self.show_text(value))


class ListLineInput(LineInput):
    """A short list written on one line, comma-separated: 'left leg, right leg'."""

    def parse(self, text: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in text.split(",") if part.strip())

    def show_text(self, value: Any) -> str:
        return ", ".join(value or ())


_UNSET = object()  # a ReadInput that has shown no value yet


class ReadInput(LineInput):
    """A value read from what is typed; text that is not one is kept as typed, never an edit.

    ``invalid(message)`` says what is expected instead; ``invalid("")`` clears it. Such text
    stays while the value under it is unchanged (another field's edit redraws the form),
    and gives way to a new value (an undo) or, after ``forget_typing``, to another step's.
    """

    invalid = Signal(str)

    def __init__(self, placeholder: str = "") -> None:
        self._value: Any = _UNSET  # the value last shown or given
        super().__init__(placeholder)

    def read(self, text: str) -> Any:
        """The value ``text`` stands for; raises ValueError saying what is expected."""
        raise NotImplementedError

    def _read(self, text: str) -> tuple[bool, Any]:
        try:
            return True, self.read(text)
        except ValueError:
            return False, None

    def parse(self, text: str) -> Any:
        return self._read(text)[1]

    def _on_edited(self, text: str) -> None:
        try:
            value = self.read(text)
        except ValueError as exc:
            self.invalid.emit(str(exc))
            return
        self._value = value
        self.invalid.emit("")
        self.edited.emit(value)

    def set_value(self, value: Any) -> None:
        ok, current = self._read(self.text())
        if (ok and current == value) or (not ok and value == self._value):
            self._value = value
            return
        self._value = value
        self.setText(self.show_text(value))
        self.invalid.emit("")

    def forget_typing(self) -> None:
        """The next value shown replaces unreadable text: it belongs to another step."""
        self._value = _UNSET


class DurationInput(ReadInput):
    """A duration as people write it (45s, 1m30s), in the loader's own wording when it is
    not one. When ``optional``, an empty field means ``empty`` (no value, or zero)."""

    def __init__(
        self,
        placeholder: str = "e.g. 45s or 1m30s",
        optional: bool = False,
        empty: float | None = None,
    ) -> None:
        self.optional = optional
        self.empty = empty
        super().__init__(placeholder)

    def read(self, text: str) -> float | None:
        if not text.strip():
            if self.optional:
                return self.empty
            raise ValueError("a duration is needed here")
        return parse_duration(text)  # DurationError is a ValueError

    def show_text(self, value: Any) -> str:
        if value is None or (self.optional and value == self.empty):
            return ""
        return format_duration(value)


class TextInput(QPlainTextEdit):
    """A few lines of text (spoken instructions, notes)."""

    edited = Signal(object)

    def __init__(self, placeholder: str = "", lines: int = 3) -> None:
        super().__init__()
        self._loading = False
        self.setPlaceholderText(placeholder)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.installEventFilter(_LEAVE_UNDO)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._on_changed)

    def parse(self, text: str) -> Any:
        return text.strip()

    def show_text(self, value: Any) -> str:
        return str(value or "")

    def _on_changed(self) -> None:
        if not self._loading:
            self.edited.emit(self.parse(self.toPlainText()))

    def set_value(self, value: Any) -> None:
        if self.parse(self.toPlainText()) != value:
            self._loading = True
            try:
                self.setPlainText(self.show_text(value))
            finally:
                self._loading = False


class LinesInput(TextInput):
    """A list of short texts, one per line (equipment, safety notes)."""

    def parse(self, text: str) -> tuple[str, ...]:
        return tuple(line.strip() for line in text.splitlines() if line.strip())

    def show_text(self, value: Any) -> str:
        return "\n".join(value or ())


class CountInput(ReadInput):
    """A whole number from ``minimum`` to ``maximum``; Up and Down count by one.

    A line, not a QSpinBox: a spin box puts back its last value over a number out of range
    and drops a minus sign without a word; here the text stays and the message says why.
    """

    def __init__(self, minimum: int, maximum: int = 999) -> None:
        self.minimum, self.maximum = minimum, maximum
        super().__init__(f"{minimum} to {maximum}")

    def read(self, text: str) -> int:
        text = text.strip()
        if text.isascii() and text.isdigit() and self.minimum <= int(text) <= self.maximum:
            return int(text)
        raise ValueError(f"a whole number from {self.minimum} to {self.maximum} is needed here")

    def show_text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt API name
        steps = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1}
        step = next((n for key, n in steps.items() if event.key() == key), None)
        ok, number = self._read(self.text())
        if step is None or not ok:
            super().keyPressEvent(event)
            return
        counted = min(max(number + step, self.minimum), self.maximum)
        if counted != number:  # at either end a key press is no edit
            self.setText(str(counted))
            self._on_edited(self.text())


class FieldRow(QWidget):
    """An input with its message beneath: the input's own (unreadable text) or the loader's."""

    def __init__(self, input_widget: QWidget) -> None:
        super().__init__()
        self.input = input_widget
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(input_widget)
        layout.addWidget(self.error)
        self._local = ""
        self._problem = ""
        invalid = getattr(input_widget, "invalid", None)
        if invalid is not None:
            invalid.connect(self.set_local_error)

    def set_local_error(self, message: str) -> None:
        self._local = message
        self._show()

    def set_problem(self, message: str) -> None:
        self._problem = message
        self._show()

    @property
    def typing_problem(self) -> str:
        """What is wrong with text typed here that could not be taken in (not the loader's)."""
        return self._local

    @property
    def message(self) -> str:
        return self._local or self._problem

    def _show(self) -> None:
        self.error.setText(self.message)
        self.error.setVisible(bool(self.message))
        self.input.setAccessibleDescription(self.message)


def forget_typing(rows: Iterable[FieldRow]) -> None:
    for row in rows:
        if isinstance(row.input, ReadInput):
            row.input.forget_typing()
