"""The form for one step: every field of the format, shown for the kinds that have it.

The form holds no state of its own: ``show_step`` loads a step, and each edit a person makes
is emitted as ``edited(path, value)`` (``duration``, ``breathing.inhale``, ``check`` ...) for
the window to turn into an undoable command. Messages from the loader arrive through
``set_problems`` keyed by the same paths and are shown under their fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.model import Check, Step, StepKind
from routineplayer.core.motion import Motion
from routineplayer.gui.editor.cue_table import CueTable
from routineplayer.gui.editor.fields import (
    ERROR_STYLE,
    CountInput,
    DurationInput,
    FieldRow,
    LineInput,
    ListLineInput,
    TextInput,
    forget_typing,
)
from routineplayer.gui.editor.movement_input import MovementInput
from routineplayer.gui.editor.step_edits import (
    DEFAULT_BREATHING,
    DEFAULT_BREATHING_SECONDS,
    KIND_FIELDS,
    KIND_LABELS,
    get_field,
)

DURATION_LABELS = {
    StepKind.TIMED: "Duration (each set, each side)",
    StepKind.BREATHING: "Breathe for",
    StepKind.REST: "Rest for",
}
# A breathing step lasts a time or a number of breaths: one choice, then one input.
BY_TIME, BY_BREATHS = "time", "breaths"


class StepForm(QWidget):
    edited = Signal(str, object)  # field path, new value
    kind_requested = Signal(object)  # StepKind

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, FieldRow] = {}
        self._step: Step | None = None

        self.general = QLabel()
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.hide()
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of step")
        for kind, label in KIND_LABELS.items():
            self.kind.addItem(label, kind.value)
        self.kind.activated.connect(
            lambda i: self.kind_requested.emit(StepKind(self.kind.itemData(i)))
        )
        self.include = QComboBox()
        self.include.setEditable(True)
        self.include.currentTextChanged.connect(lambda text: self._edit("include", text.strip()))

        self.form = QFormLayout()
        self.form.addRow("Kind", self.kind)
        self._add(self.form, "include", "Routine to include", self.include)
        self._add(self.form, "title", "Title", LineInput("What the exercise is called"))
        say = TextInput("Said as the step begins", lines=4)
        self._add(self.form, "say", "Spoken instruction", say)
        self.movement = MovementInput()
        self._add(self.form, "movement", "Movement", self.movement)
        self.length_kind = QComboBox()
        self.length_kind.setAccessibleName("Breathe for")
        self.length_kind.addItem("a time", BY_TIME)
        self.length_kind.addItem("a number of breaths", BY_BREATHS)
        self.length_kind.currentIndexChanged.connect(lambda _i: self._on_length_kind())
        self.length = QWidget()
        length = QHBoxLayout(self.length)
        length.setContentsMargins(0, 0, 0, 0)
        length.addWidget(self.length_kind, 0, Qt.AlignmentFlag.AlignTop)
        length.addWidget(self._row("duration", "Duration", DurationInput()), 1)
        length.addWidget(self._row("breathing.breaths", "Breaths", CountInput(1)), 1)
        self.form.addRow(DURATION_LABELS[StepKind.TIMED], self.length)
        self._add(self.form, "reps", "Repetitions", CountInput(1))
        self._add(
            self.form,
            "tempo",
            "Seconds per rep",
            DurationInput("empty: wait until you say done", optional=True, empty=None),
        )
        self._add(self.form, "sets", "Sets", CountInput(1))
        self._add(
            self.form,
            "rest_between_sets",
            "Rest between sets",
            DurationInput("none", optional=True, empty=0.0),
        )
        self._add(
            self.form, "sides", "Sides", ListLineInput("e.g. left leg, right leg (empty: none)")
        )
        self.breathing = self._breathing_group()
        self.form.addRow(self.breathing)
        self.check = self._check_group()
        self.form.addRow(self.check)
        self._add(self.form, "cues", "Extra cues", CueTable())

        layout = QVBoxLayout(self)
        layout.addWidget(self.general)
        layout.addLayout(self.form)
        layout.addStretch()

    def _row(self, path: str, label: str, widget: QWidget) -> FieldRow:
        row = FieldRow(widget)
        widget.setAccessibleName(label)
        self.rows[path] = row
        edited = getattr(widget, "edited", None)
        if edited is not None:
            edited.connect(lambda value, p=path: self._edit(p, value))
        return row

    def _add(self, form: QFormLayout, path: str, label: str, widget: QWidget) -> FieldRow:
        row = self._row(path, label, widget)
        form.addRow(label, row)
        return row

    def _on_length_kind(self) -> None:
        """Switch a breathing step's length between a time and the same in breaths (one
        edit: giving one takes the other away, step_edits.set_field)."""
        step = self._step
        if step is None or step.kind is not StepKind.BREATHING:
            return
        pattern = step.breathing or DEFAULT_BREATHING
        if self.length_kind.currentData() == BY_BREATHS:
            if pattern.breaths is None:
                seconds = step.duration or DEFAULT_BREATHING_SECONDS
                self._edit("breathing.breaths", max(1, round(seconds / pattern.cycle)))
        elif step.duration is None:
            self._edit("duration", (pattern.breaths or 1) * pattern.cycle)

    def _breathing_group(self) -> QGroupBox:
        group = QGroupBox("Breathing pattern")
        form = QFormLayout(group)
        for key, label in (
            ("inhale", "Breathe in"),
            ("hold_in", "Hold after in"),
            ("exhale", "Breathe out"),
            ("hold_out", "Hold after out"),
        ):
            hold = key.startswith("hold")
            widget = DurationInput("none" if hold else "e.g. 4s", optional=hold, empty=0.0)
            self._add(form, f"breathing.{key}", label, widget)
        self._add(
            form, "breathing.imagery", "Imagery", TextInput("Spoken now and then as you breathe")
        )
        return group

    def _check_group(self) -> QGroupBox:
        group = QGroupBox("Ask “did your lower belly disconnect?” after each set")
        group.setCheckable(True)
        group.toggled.connect(lambda on: self._edit("check", Check() if on else None))
        form = QFormLayout(group)
        self._add(form, "check.question", "Question", LineInput())
        self._add(form, "check.reset", "Rest and reset", DurationInput("e.g. 2m"))
        self._add(form, "check.reset_cue", "Reset cue", TextInput("Said as the reset begins"))
        self._add(form, "check.max_resets", "Resets per set", CountInput(0, 20))
        return group

    def _edit(self, path: str, value: object) -> None:
        if self._step is not None and not self.signalsBlocked():
            self.edited.emit(path, value)

    # -- loading -------------------------------------------------------------------------

    def set_include_names(self, names: Iterable[str]) -> None:
        self.include.blockSignals(True)
        text = self.include.currentText()
        self.include.clear()
        self.include.addItems(list(names))
        self.include.setCurrentText(text)
        self.include.blockSignals(False)

    def set_own_movements(self, own: tuple[Motion, ...]) -> None:
        """The movements the routine defines, offered before the library's."""
        self.movement.blockSignals(True)
        self.movement.set_own(own)
        self.movement.blockSignals(False)

    def show_step(self, step: Step | None) -> None:
        """Load ``step`` into the fields (None: an empty, disabled form)."""
        self._step = step
        self.setEnabled(step is not None)
        if step is None:
            return
        self.blockSignals(True)
        try:
            self.kind.setCurrentIndex(self.kind.findData(step.kind.value))
            if self.include.currentText() != (step.include or ""):
                self.include.blockSignals(True)
                self.include.setCurrentText(step.include or "")
                self.include.blockSignals(False)
            # An absent check or pattern shows the defaults it would start with.
            shown = replace(
                step,
                check=step.check or Check(),
                breathing=step.breathing or DEFAULT_BREATHING,
            )
            by_breaths = step.breathing is not None and step.breathing.breaths is not None
            self.length_kind.setCurrentIndex(
                self.length_kind.findData(BY_BREATHS if by_breaths else BY_TIME)
            )
            for path, row in self.rows.items():
                setter = getattr(row.input, "set_value", None)
                if setter is not None:
                    setter(get_field(shown, path))
            self.check.blockSignals(True)
            self.check.setChecked(step.check is not None)
            self.check.blockSignals(False)
        finally:
            self.blockSignals(False)
        self._show_rows_for(step.kind)

    def _show_rows_for(self, kind: StepKind) -> None:
        visible = KIND_FIELDS[kind]
        for path, row in self.rows.items():
            top = path.split(".")[0]
            if top in ("breathing", "check", "duration"):
                continue
            self.form.setRowVisible(row, top in visible)
        self.form.setRowVisible(self.length, "duration" in visible)
        self.form.setRowVisible(self.breathing, "breathing" in visible)
        self.form.setRowVisible(self.check, "check" in visible)
        breathing = kind is StepKind.BREATHING
        by_breaths = breathing and self.length_kind.currentData() == BY_BREATHS
        self.length_kind.setVisible(breathing)
        self.rows["duration"].setVisible(not by_breaths)
        self.rows["breathing.breaths"].setVisible(by_breaths)
        label = self.form.labelForField(self.length)
        if isinstance(label, QLabel):  # addRow(str, widget) made it: always a QLabel
            label.setText(DURATION_LABELS.get(kind, ""))

    def forget_typing(self) -> None:
        """Another step is about to be shown: text typed for this one is not kept for it."""
        forget_typing(self.rows.values())

    def set_problems(self, problems: Mapping[str, str], general: Iterable[str] = ()) -> None:
        """The loader's messages for this step, keyed by field path ("" = the whole step)."""
        for path, row in self.rows.items():
            row.set_problem(problems.get(path, ""))
        text = "\n".join([*general, *(m for p, m in problems.items() if p not in self.rows)])
        self.general.setText(text)
        self.general.setVisible(bool(text))
