"""The movement assessment (seeds 001 and 004): each movement shown and spoken, its pain
rated with one key, then "build my rehab routine" saves the plan into My routines.

Fewer than four pain-free movements build nothing: the view says so plainly and suggests
seeing a professional (core.assessment words it). Keys: Enter begins and builds, 0–9 and T
rate, S marks a movement as not tried, Backspace or ← goes back one, Esc leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.assessment import (
    ASSESSMENT_REPS,
    INTRO,
    MOVEMENTS,
    PAIN_LIMIT,
    Movement,
    Prescription,
    RehabPlan,
    build_rehab_plan,
    rehab_routine,
)
from routineplayer.core.motion_library import library_motion
from routineplayer.core.problems import RoutineError
from routineplayer.core.rating_prompts import (
    is_skip_key,
    level_text,
    movement_prompt,
    rating_for_key,
)
from routineplayer.core.routine_files import user_path_for
from routineplayer.core.saver import save_routine
from routineplayer.gui.figure_widget import LoopingFigure
from routineplayer.gui.journal.keys import key_text
from routineplayer.gui.journal.rating_row import RatingRow
from routineplayer.gui.page_keys import focusable_keeping_page_keys
from routineplayer.gui.theme import scaled_font, set_muted
from routineplayer.runtime.session_driver import CueSink
from routineplayer.runtime.speak import QUESTION_CHIME, say

BEGIN_TEXT = "Press Enter to begin."
RATE_HINT = "Rate the pain it caused: 0–9, T for 10 · S: did not try it · Backspace: back"
RESULTS_TEXT = "That was the last movement. Press Enter to build your rehab routine."
NOT_TRIED = "not tried"
COLUMN_WIDTH = 1000  # px at most: longer lines are hard to read from a mat
MAX_ZOOM = 1.6  # text grows with the window up to this, from 1 at 800 × 600


class AssessmentView(QWidget):
    routine_saved = Signal(object)  # Path of the rehab routine just saved in My routines
    close_requested = Signal()

    def __init__(
        self,
        *,
        sink: CueSink | None = None,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.sink = sink
        self.today = today
        self.setAccessibleName("Movement assessment")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.index = -1  # -1: the introduction; len(MOVEMENTS): the results
        self.ratings: dict[str, int] = {}
        self.plan: RehabPlan | None = None
        self.saved_path: Path | None = None
        self._spoken = False
        self._zoom = 1.0
        self._scaled: list[tuple[QWidget, float, bool]] = []  # re-scaled when the zoom changes

        self.pages = QStackedWidget()
        self.pages.addWidget(self._intro_page())
        self.pages.addWidget(self._movement_page())
        self.pages.addWidget(self._results_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.addWidget(self.pages)
        self._show()

    def _wrapped(self, text: str = "", scale: float = 1.2, *, bold: bool = False) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._scale(label, scale, bold=bold)
        return label

    def _scale(self, widget: QWidget, scale: float, *, bold: bool = False) -> None:
        self._scaled.append((widget, scale, bold))
        widget.setFont(scaled_font(self, scale * self._zoom, bold=bold))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Larger text in a larger window, so the page is filled rather than 40% empty.
        size = event.size()
        zoom = max(1.0, min(MAX_ZOOM, size.width() / 800, size.height() / 600))
        if abs(zoom - self._zoom) > 0.05:
            self._zoom = zoom
            for widget, scale, bold in self._scaled:
                widget.setFont(scaled_font(self, scale * zoom, bold=bold))

    # -- pages ----------------------------------------------------------------------------------

    def _intro_page(self) -> QWidget:
        begin = QPushButton("Begin (Enter)")
        begin.setAccessibleName("Begin")
        focusable_keeping_page_keys(begin, self)
        begin.setMinimumSize(280, 72)
        self._scale(begin, 1.5, bold=True)
        begin.clicked.connect(self.begin)
        return _column(
            self._wrapped("Movement assessment", 2.4, bold=True),
            self._wrapped(INTRO, 1.6),
            self._wrapped(
                f"You will try {len(MOVEMENTS)} movements, {ASSESSMENT_REPS} slow reps each, "
                "and rate each with one key. The ones that cause pain of "
                f"{PAIN_LIMIT} or less can make your rehab routine.",
                1.6,
            ),
            _SPACER,
            _row(begin, stretch_first=True),
        )

    def _movement_page(self) -> QWidget:
        self.counter = self._wrapped("", 1.1)
        set_muted(self.counter)
        self.name = self._wrapped("", 2.4, bold=True)
        self.name.setAccessibleDescription("Movement")
        self.instruction = self._wrapped("", 1.6)
        self.instruction.setAccessibleDescription("How to do it")
        self.figure = LoopingFigure(minimum=120)
        self.figure.setFixedHeight(180)
        self.details = self._wrapped("", 1.25)
        set_muted(self.details)
        self.rating = RatingRow()
        self.rating.rated.connect(self.rate)
        hint = self._wrapped(RATE_HINT, 1.1)
        set_muted(hint)
        not_tried = QPushButton("Did not try it (S)")
        not_tried.setAccessibleName("Did not try it")
        focusable_keeping_page_keys(not_tried, self)
        self._scale(not_tried, 1.1)
        not_tried.clicked.connect(self.skip_movement)
        question = self._wrapped(
            f"How much pain did it cause? ({PAIN_LIMIT} or less counts as pain-free)",
            1.3,
            bold=True,
        )
        return _column(
            self.counter,
            self.name,
            self.figure,
            self.instruction,
            self.details,
            _SPACER,
            question,
            self.rating,
            _row(hint, not_tried),
        )

    def _results_page(self) -> QWidget:
        self.results_heading = self._wrapped("Your ratings", 2.0, bold=True)
        self.results = self._wrapped("", 1.25)
        self.results.setAccessibleDescription("Ratings")
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.outcome = self._wrapped("", 1.3)
        self.outcome.setAccessibleDescription("Result")
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.build_button = QPushButton("Build my rehab routine (Enter)")
        self.build_button.setAccessibleName("Build my rehab routine")
        self.build_button.setMinimumHeight(48)
        self._scale(self.build_button, 1.3, bold=True)
        self.build_button.clicked.connect(self.build)
        again = QPushButton("Start again")
        again.clicked.connect(self.restart)
        close = QPushButton("Close")
        close.clicked.connect(self.close_requested.emit)
        for button in (again, close, self.build_button, *self.rating.buttons):
            focusable_keeping_page_keys(button, self)
        for button in (again, close):
            button.setMinimumHeight(48)
            self._scale(button, 1.2)
        # The ratings beside what they make: side by side, both fit an 800 × 600 window.
        ratings = QVBoxLayout()
        ratings.addWidget(self.results_heading)
        ratings.addWidget(self.results)
        ratings.addStretch(1)
        outcome = QVBoxLayout()
        outcome.addWidget(self.outcome)
        outcome.addStretch(1)
        both = QHBoxLayout()
        both.setSpacing(32)
        both.addLayout(ratings)
        both.addLayout(outcome, 1)
        return _column(both, _row(again, close, self.build_button, stretch_first=True))

    # -- actions --------------------------------------------------------------------------------

    @property
    def movement(self) -> Movement | None:
        return MOVEMENTS[self.index] if 0 <= self.index < len(MOVEMENTS) else None

    def begin(self) -> None:
        self._go(0)

    def rate(self, level: int) -> None:
        movement = self.movement
        if movement is None:
            return
        self.ratings[movement.key] = level
        say(self.sink, level_text(level))
        self._go(self.index + 1)

    def skip_movement(self) -> None:
        movement = self.movement
        if movement is not None:
            self.ratings.pop(movement.key, None)  # not tried: never counts as pain-free
            self._go(self.index + 1)

    def back(self) -> None:
        if self.index > 0 and self.plan is None:
            self._go(self.index - 1)

    def restart(self) -> None:
        self.ratings.clear()
        self.plan = None
        self.saved_path = None
        self._go(-1)

    def build(self) -> RehabPlan:
        """Build the plan from the ratings; save the routine when there is one."""
        if self.plan is not None:
            return self.plan
        if self.index != len(MOVEMENTS):  # unrated movements count as not tried
            self._go(len(MOVEMENTS))
        plan = self.plan = build_rehab_plan(self.ratings)
        html = f"<p><b>{escape(plan.message)}</b></p>"
        if plan.built:
            try:
                routine = rehab_routine(plan, self.today())
                path = user_path_for(routine.title)
                save_routine(routine, path)
            except (OSError, RoutineError, ValueError) as exc:
                html += f"<p>But the routine could not be saved: {escape(str(exc))}</p>"
            else:
                self.saved_path = path
                html += "<ul>" + "".join(f"<li>{escape(_dose(p))}</li>" for p in plan.chosen)
                html += (
                    f"</ul><p>Saved in My routines as “{escape(routine.title)}” "
                    f"({escape(path.name)}).</p>"
                )
        self.outcome.setText(html)
        self.build_button.setEnabled(False)
        say(self.sink, plan.message)
        if self.saved_path is not None:
            self.routine_saved.emit(self.saved_path)
        return plan

    def add_note(self, text: str) -> None:
        """A line under the outcome from whoever saved the routine on (the reminders)."""
        self.outcome.setText(f"{self.outcome.text()}<p>{escape(text)}</p>")

    # -- display --------------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        self.index = index
        self._show()
        self._speak()

    def _show(self) -> None:
        movement = self.movement
        if self.index < 0:
            self.pages.setCurrentIndex(0)
        elif movement is not None:
            self.pages.setCurrentIndex(1)
            self.counter.setText(f"Movement {self.index + 1} of {len(MOVEMENTS)}")
            self.name.setText(movement.name)
            motion = library_motion(movement.key)
            self.figure.set_motion(motion)
            self.figure.setVisible(motion is not None)
            self.instruction.setText(movement.instruction)
            self.details.setText(_details(movement))
            self.rating.show_level(self.ratings.get(movement.key))
        else:
            self.pages.setCurrentIndex(2)
            self.results.setText(self._ratings_text())
            self.build_button.setEnabled(self.plan is None)
            if self.plan is None:
                self.outcome.setText(f"<p>{escape(RESULTS_TEXT)}</p>")

    def _ratings_text(self) -> str:
        rows = []
        for m in MOVEMENTS:
            pain = self.ratings.get(m.key)
            mark = "✓" if pain is not None and pain <= PAIN_LIMIT else ""
            rows.append(
                f"<tr><td>{mark}</td><td>{escape(m.name)}</td>"
                f"<td align='right'>{NOT_TRIED if pain is None else pain}</td></tr>"
            )
        return f"<table cellpadding='2'>{''.join(rows)}</table>"

    def _speak(self) -> None:
        movement = self.movement
        if self.index < 0:
            say(self.sink, f"{INTRO} {BEGIN_TEXT}")
        elif movement is not None:
            say(self.sink, movement_prompt(movement), chime=QUESTION_CHIME)
        elif self.plan is None:
            say(self.sink, RESULTS_TEXT)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.setFocus()
        if not self._spoken:  # the introduction, said once when the view first appears
            self._spoken = True
            self._speak()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.isAutoRepeat() or not self._key(event):
            super().keyPressEvent(event)

    def _key(self, event: QKeyEvent) -> bool:
        key = key_text(event)
        if key == "\x1b":
            self.close_requested.emit()
        elif self.index < 0 and key == "\r":
            self.begin()
        elif self.movement is not None and (level := rating_for_key(key)) is not None:
            self.rate(level)
        elif self.movement is not None and is_skip_key(key):
            self.skip_movement()
        elif event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Left):
            self.back()
        elif self.movement is None and self.index >= 0 and key == "\r":
            self.build()
        else:
            return False
        return True


_SPACER = 16  # px of extra room between parts of a column


def _row(*widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
    """Widgets side by side: the first takes the spare width, or a stretch before them does."""
    row = QHBoxLayout()
    if stretch_first:
        row.addStretch(1)
    for n, widget in enumerate(widgets):
        row.addWidget(widget, 1 if n == 0 and not stretch_first else 0)
    return row


def _column(*parts: QWidget | QLayout | int) -> QWidget:
    """A page: ``parts`` one under the other in a column of readable width, centred both
    ways, so the spare room is around the content rather than one empty band inside it.
    An int is extra spacing."""
    column = QVBoxLayout()
    column.setSpacing(16)
    column.addStretch(1)
    for part in parts:
        if isinstance(part, int):
            column.addSpacing(part)
        elif isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    column.addStretch(1)
    holder = QWidget()
    holder.setLayout(column)
    holder.setMaximumWidth(COLUMN_WIDTH)
    page = QWidget()
    outer = QHBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addStretch(1)
    outer.addWidget(holder, 100)
    outer.addStretch(1)
    return page


def _dose(p: Prescription) -> str:
    sets = f"{p.sets} set{'s' if p.sets > 1 else ''}"
    return f"{p.movement.name}: {p.reps} reps × {sets}"


def _details(movement: Movement) -> str:
    lines = [f"Try it {ASSESSMENT_REPS} times, slowly, only as far as is comfortable."]
    if movement.sides:
        lines.append(f"On each side: {', then '.join(movement.sides)}.")
    lines.append(f"You need: {'; '.join(movement.equipment)}.")
    if movement.note:
        lines.append(movement.note)
    return "\n".join(lines)
