"""Inputs for the editor's forms: one value each, with its message shown right under it.

Every input emits ``edited(value)`` only for a person's edit (never while the form loads a
value), so a form can be refreshed from the model after every change without echoing it
back as a new edit. Text inputs leave Ctrl+Z to the editor's undo stack: a field's own
undo history would fork from the stack and undo edits the stack does not know about.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.durations import DurationError, format_duration, parse_duration

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


class DurationInput(LineInput):
    """A duration as people write it (45s, 1m30s); text that is not one is not an edit.

    ``invalid(message)`` reports such text, with the loader's own wording; ``invalid("")``
    clears it. When ``optional``, an empty field means ``empty`` (no value, or zero).
    """

    invalid = Signal(str)

    def __init__(
        self,
        placeholder: str = "e.g. 45s or 1m30s",
        optional: bool = False,
        empty: float | None = None,
    ) -> None:
        self.optional = optional
        self.empty = empty
        super().__init__(placeholder)

    def _read(self, text: str) -> tuple[bool, float | None]:
        """(is it a value, the value): empty text is ``empty`` only when optional."""
        if not text.strip():
            return self.optional, self.empty
        try:
            return True, parse_duration(text)
        except DurationError:
            return False, None

    def parse(self, text: str) -> float | None:
        return self._read(text)[1]

    def show_text(self, value: Any) -> str:
        if value is None or (self.optional and value == self.empty):
            return ""
        return format_duration(value)

    def _on_edited(self, text: str) -> None:
        if not text.strip() and not self.optional:
            self.invalid.emit("a duration is needed here")
            return
        try:
            seconds = parse_duration(text) if text.strip() else self.empty
        except DurationError as exc:
            self.invalid.emit(str(exc))
            return
        self.invalid.emit("")
        self.edited.emit(seconds)

    def set_value(self, value: Any) -> None:
        ok, current = self._read(self.text())
        if not ok or current != value:
            self.setText(self.show_text(value))
            self.invalid.emit("")


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


class CountInput(QSpinBox):
    """A whole number; with ``none_text`` the minimum stands for "not set" (None)."""

    edited = Signal(object)

    def __init__(self, minimum: int, maximum: int = 999, none_text: str = "") -> None:
        super().__init__()
        self._none = bool(none_text)
        self.setRange(minimum - 1 if self._none else minimum, maximum)
        if none_text:
            self.setSpecialValueText(none_text)
        self.setAccelerated(True)
        self.valueChanged.connect(lambda v: self.edited.emit(self._as_value(v)))

    def _as_value(self, number: int) -> int | None:
        return None if self._none and number == self.minimum() else number

    def set_value(self, value: Any) -> None:
        number = self.minimum() if value is None else int(value)
        if number != self.value():
            self.blockSignals(True)
            self.setValue(number)
            self.blockSignals(False)


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
    def message(self) -> str:
        return self._local or self._problem

    def _show(self) -> None:
        self.error.setText(self.message)
        self.error.setVisible(bool(self.message))
        self.input.setAccessibleDescription(self.message)
