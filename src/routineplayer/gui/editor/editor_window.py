"""The routine editor window: the entry point the main window opens.

``EditorWindow(library)`` with ``new_routine()``, ``duplicate_builtin(name)`` and
``open_routine(path)``; it emits ``saved(path)`` after each save and
``play_requested(routine, step_index)`` for "play from this step" (the index is into the
routine's own steps, before includes are expanded). At start-up the app should call
``offer_recovery()`` when ``recovery.pending()`` is not empty.

Every edit is an undo command (commands.py) applied to the draft (draft.py); the window
redraws from the draft's ``changed`` signal. Questions go through ``self.dialogs``, which
tests replace.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPalette, QUndoStack
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QToolButton, QVBoxLayout, QWidget

from routineplayer.core import routine_files
from routineplayer.core.durations import format_duration
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine
from routineplayer.core.model import Routine, Step, StepKind
from routineplayer.core.motion_steps import step_from_motion
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.saver import save_routine
from routineplayer.gui.dialogs import exec_dialog
from routineplayer.gui.editor import commands, import_export, recovery
from routineplayer.gui.editor.dialogs import Dialogs
from routineplayer.gui.editor.draft import Draft
from routineplayer.gui.editor.editor_page import STEP_TAB, Banner, EditorPage, EmptyPage
from routineplayer.gui.editor.movement_picker import MovementPicker
from routineplayer.gui.editor.preview import CuePreview
from routineplayer.gui.editor.step_edits import new_step
from routineplayer.gui.editor.validation import describe
from routineplayer.gui.icons import icon

SAVE, DISCARD, CANCEL = "Save", "Discard changes", "Cancel"
NEW_TITLE = "New routine"
COPY_SUFFIX = " (my copy)"


def _key_text(action: QAction) -> str:
    return action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)


def _name_key(action: QAction) -> None:
    """Name the shortcut in the tooltip (the toolbar's and the menus' hover text)."""
    action.setToolTip(f"{action.text().replace('&', '')} ({_key_text(action)})")


class EditorWindow(QMainWindow):
    saved = Signal(str)  # the file written
    play_requested = Signal(object, int)  # Routine, index of the step to start from

    def __init__(
        self,
        library: Library | None = None,
        parent: QWidget | None = None,
        dialogs: Dialogs | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library or Library()
        self.dialogs = dialogs or Dialogs(self)
        # No Qt parent: the stack must not outlive-then-signal the widgets it updates (it
        # emits cleanChanged as it is destroyed); a bound-method slot dies with the window.
        self.stack = QUndoStack()
        self.keeper = recovery.RecoveryKeeper(self.stack, self)
        self.preview = CuePreview(self)
        self.draft: Draft | None = None
        self._shown: tuple[Draft, int] | None = None  # the draft and row the step form shows
        self.trashed: routine_files.Trashed | None = None
        routine_files.purge_trash()  # deleted routines are kept for a month

        self.page = EditorPage()
        self.empty = EmptyPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty)
        self.pages.addWidget(self.page)
        self.banner = Banner()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.resize(1000, 720)

        self._make_actions()
        self._make_menus()
        self._connect()
        self._show_state()

    # -- set-up ----------------------------------------------------------------------------

    def _action(self, text: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            _name_key(action)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_action = self._action("&New routine", self.new_routine, keys.New)
        self.import_action = self._action("&Import…", self.import_file)
        self.export_action = self._action("&Export…", self.export_file)
        self.save_action = self._action("&Save", self.save, keys.Save)
        # Not F2: item views use it to edit a cell (the cue table).
        self.rename_action = self._action("&Rename…", self.rename)
        self.delete_action = self._action("&Delete routine…", self.delete_routine)
        self.close_action = self._action("&Close", self.close, keys.Close)
        self.undo_action = self.stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(keys.Undo)
        self.redo_action = self.stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(keys.Redo)
        self.addActions([self.undo_action, self.redo_action])
        self.duplicate_step_action = self._action("D&uplicate step", self.duplicate_step, "Ctrl+D")
        self.remove_step_action = self._action("Re&move step", self.remove_step)
        self.up_action = self._action("Move step &up", lambda: self.move_step(-1), "Alt+Up")
        self.down_action = self._action("Move step &down", lambda: self.move_step(1), "Alt+Down")
        # Not Ctrl+H, which is History in the main window; L as in "listen".
        self.hear_action = self._action("&Hear this step's cue", self.hear_cue, "Ctrl+L")
        self.play_action = self._action("&Play from this step", self.play_from_step, "Ctrl+P")
        # Delete removes a step only from the list: in a text field it deletes text.
        self.remove_step_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.remove_step_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.page.steps.addAction(self.remove_step_action)
        self.removeAction(self.remove_step_action)
        # Ctrl+N makes a routine, Ctrl+Shift+N a step: the kinds open to choose from.
        self.add_step_action = self._action("&Add step…", self.choose_step_kind, "Ctrl+Shift+N")
        self.add_movement_action = self._action(
            "Add from the &movement library…", self.add_from_library, "Ctrl+Shift+M"
        )
        self.page.add_button.setToolTip(
            f"Add a step after the selected one ({_key_text(self.add_step_action)})"
        )

    def _make_menus(self) -> None:
        menu = self.menuBar().addMenu("&Routine")
        menu.addAction(self.new_action)
        self.builtin_menu = menu.addMenu("&Copy a built-in routine")
        self.builtin_menu.aboutToShow.connect(self._fill_builtin_menu)
        self.open_menu = menu.addMenu("&Open one of mine")
        self.open_menu.aboutToShow.connect(self._fill_open_menu)
        menu.addSeparator()
        menu.addActions([self.save_action, self.rename_action, self.delete_action])
        menu.addSeparator()
        menu.addActions([self.import_action, self.export_action])
        menu.addSeparator()
        menu.addAction(self.close_action)
        edit = self.menuBar().addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addActions([self.add_step_action, self.add_movement_action])
        edit.addActions(
            [self.duplicate_step_action, self.remove_step_action, self.up_action, self.down_action]
        )
        preview = self.menuBar().addMenu("&Preview")
        preview.addActions([self.hear_action, self.play_action])
        self.empty.duplicate_button.setMenu(self.builtin_menu)

        bar = self.addToolBar("Editor")
        bar.setObjectName("editor-toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        ink = self.palette().color(QPalette.ColorRole.ButtonText)
        for action, name in (
            (self.new_action, "document-new"),
            (self.save_action, "document-save"),
            (self.undo_action, "edit-undo"),
            (self.redo_action, "edit-redo"),
            (self.hear_action, "audio-volume-high"),
            (self.play_action, "media-playback-start"),
            (self.import_action, "document-open"),
            (self.export_action, "document-send"),
        ):
            action.setIcon(icon(name, ink))
        bar.addActions([self.new_action, self.save_action, self.undo_action, self.redo_action])
        bar.addSeparator()
        bar.addActions([self.hear_action, self.play_action])
        bar.addSeparator()
        bar.addActions([self.import_action, self.export_action])
        # A toolbar's buttons take no focus by default: Tab could not reach New or Save.
        for action in bar.actions():
            button = bar.widgetForAction(action)
            if button is not None and not action.isSeparator():
                button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
                button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        # The "»" Qt shows when the window is too narrow for every tool.
        more = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:
            more.setAccessibleName("More tools")
            more.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def _fill_builtin_menu(self) -> None:
        self.builtin_menu.clear()
        for entry in self.library.entries():
            if entry.builtin:
                title = self._title_of(entry.name)
                action = self.builtin_menu.addAction(title)
                action.triggered.connect(lambda _c=False, n=entry.name: self.duplicate_builtin(n))

    def _fill_open_menu(self) -> None:
        self.open_menu.clear()
        mine = [e for e in self.library.entries() if not e.builtin and not e.shadowed]
        for entry in mine:
            action = self.open_menu.addAction(self._title_of(entry.name))
            action.triggered.connect(lambda _c=False, p=entry.path: self.open_routine(p))
        if not mine:
            self.open_menu.addAction("(none yet)").setEnabled(False)

    def _title_of(self, name: str) -> str:
        try:
            return self.library.resolve(name).title
        except (LookupError, RoutineError):
            return name

    def _connect(self) -> None:
        page = self.page
        page.title.edited.connect(lambda v: self._edit_routine("title", v))
        page.routine_form.edited.connect(self._edit_routine)
        page.step_form.edited.connect(self._edit_step)
        page.step_form.kind_requested.connect(self._change_kind)
        page.steps.currentRowChanged.connect(lambda _row: self._show_current())
        page.steps.move_requested.connect(self._move)
        for kind, action in page.add_actions.items():
            action.triggered.connect(lambda _c=False, k=kind: self.add_step(k))
        page.add_from_library.triggered.connect(self.add_from_library)
        page.duplicate_button.clicked.connect(self.duplicate_step)
        page.remove_button.clicked.connect(self.remove_step)
        page.up_button.clicked.connect(lambda: self.move_step(-1))
        page.down_button.clicked.connect(lambda: self.move_step(1))
        self.empty.new_button.clicked.connect(self.new_routine)
        self.empty.import_button.clicked.connect(self.import_file)
        self.stack.cleanChanged.connect(self._on_clean_changed)
        for row in (*page.step_form.rows.values(), *page.routine_form.rows.values()):
            invalid = getattr(row.input, "invalid", None)
            if invalid is not None:
                invalid.connect(lambda _message: self._show_problems())

    # -- state on screen -------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.draft is not None and not self.stack.isClean()

    @property
    def current_row(self) -> int:
        return self.page.steps.currentRow() if self.draft is not None else -1

    def _on_changed(self, select: int) -> None:
        draft = self.draft
        if draft is None:
            return
        routine, findings = draft.routine, draft.findings
        page = self.page
        page.title.set_value(routine.title)
        page.title_row.set_problem(findings.routine.get("title", ""))
        page.steps.show_steps(routine.steps, {i: findings.step_summary(i) for i in findings.steps})
        if select >= 0 and routine.steps:
            page.steps.setCurrentRow(min(select, len(routine.steps) - 1))
        self._show_current()
        page.routine_form.show_routine(routine)
        page.routine_form.set_problems(findings.routine)
        totals = draft.totals()
        page.total.setText(
            f"Total {format_duration(round(totals[0]))} · "
            f"exercise {format_duration(round(totals[1]))}"
            if totals
            else "Total: —"
        )
        self._show_problems()
        self.keeper.update(routine, draft.path)
        self._show_state()

    def _show_current(self) -> None:
        draft = self.draft
        if draft is None:
            return
        row = self.current_row
        step = draft.routine.steps[row] if 0 <= row < len(draft.routine.steps) else None
        form = self.page.step_form
        if self._shown != (draft, row):  # another step: what was typed for one is not kept
            self._shown = (draft, row)
            form.forget_typing()
        form.set_include_names(n for n in self.library.names() if n != draft.name)
        form.set_own_movements(draft.routine.movements)
        form.show_step(step)
        form.setEnabled(step is not None and not draft.read_only)
        form.set_problems(draft.findings.steps.get(row, {}))
        self._show_state()

    def _on_clean_changed(self, _clean: bool) -> None:
        self._show_state()

    def blocking_problems(self) -> list[str]:
        """Everything that stops a save, in words: text typed into a field that could not be
        taken in (it is not in the draft, so a save would quietly write the old value), then
        what the loader finds."""
        draft = self.draft
        if draft is None:
            return []
        step_form = self.page.step_form
        rows = [
            (f"steps[{self.current_row}].{path}", row)
            for path, row in step_form.rows.items()
            if row.isVisibleTo(step_form)
        ]
        rows += self.page.routine_form.rows.items()
        typed = [Problem("", 1, 1, path, row.typing_problem) for path, row in rows]
        problems = [p for p in typed if p.message] + list(draft.findings.problems)
        return [describe(p, draft.routine) for p in problems]

    def _show_problems(self) -> None:
        draft = self.draft
        if draft is None:
            return
        if draft.read_only:
            self.page.problems.setText("A built-in routine: read-only.")
            self.page.problems.setStyleSheet("")
            return
        problems = self.blocking_problems()
        self.page.show_problems(len(problems), problems[0] if problems else "")

    def _show_state(self) -> None:
        draft = self.draft
        editable = draft is not None and not draft.read_only
        has_step = editable and self.current_row >= 0
        for action in (self.rename_action, self.save_action):
            action.setEnabled(editable)
        self.delete_action.setEnabled(editable)
        self.export_action.setEnabled(draft is not None)
        self.page.add_button.setEnabled(editable)
        self.add_step_action.setEnabled(editable)
        self.add_movement_action.setEnabled(editable)
        for action, button in (
            (self.duplicate_step_action, self.page.duplicate_button),
            (self.remove_step_action, self.page.remove_button),
            (self.up_action, self.page.up_button),
            (self.down_action, self.page.down_button),
        ):
            action.setEnabled(has_step)
            button.setEnabled(has_step)
        self.hear_action.setEnabled(draft is not None and self.current_row >= 0)
        self.play_action.setEnabled(draft is not None and self.current_row >= 0)
        self.page.title.setReadOnly(not editable)
        self.page.routine_form.setEnabled(editable)
        self.page.steps.setDragEnabled(editable)
        title = draft.routine.title if draft is not None else "Routine editor"
        self.setWindowTitle(f"{title or 'Untitled'}[*] — routineplayer editor")
        self.setWindowModified(self.dirty)

    # -- edits -----------------------------------------------------------------------------

    def _push(self, command: commands.RoutineEdit) -> None:
        if self.draft is not None and not self.draft.read_only:
            self.stack.push(command)

    def _edit_routine(self, name: str, value: object) -> None:
        if self.draft is not None:
            self._push(commands.EditRoutineField(self.draft, name, value))

    def _edit_step(self, path: str, value: object) -> None:
        if self.draft is not None and self.current_row >= 0:
            self._push(commands.EditStepField(self.draft, self.current_row, path, value))

    def _change_kind(self, kind: StepKind) -> None:
        if self.draft is not None and self.current_row >= 0:
            include = self._default_include()
            self._push(commands.ChangeStepKind(self.draft, self.current_row, kind, include))

    def _default_include(self) -> str:
        names = [n for n in self.library.names() if self.draft and n != self.draft.name]
        return names[0] if names else ""

    def choose_step_kind(self) -> None:
        """The Add step menu, under its button, for the keyboard: arrows and Enter."""
        button = self.page.add_button
        if not button.isEnabled():
            return
        menu = self.page.add_menu
        menu.popup(button.mapToGlobal(button.rect().bottomLeft()))
        menu.setActiveAction(menu.actions()[0])

    def add_from_library(self) -> None:
        """Add from the movement library: a step filled in from the chosen movement."""
        if self.draft is None or self.draft.read_only:
            return
        picker = MovementPicker(self)
        if exec_dialog(picker) and (motion := picker.chosen()) is not None:
            self._add(step_from_motion(motion))
            self.page.step_form.rows["title"].input.setFocus()

    def add_step(self, kind: StepKind) -> None:
        if self.draft is None:
            return
        self._add(new_step(kind, self._default_include()))
        form = self.page.step_form
        first = form.include if kind is StepKind.INCLUDE else form.rows["title"].input
        first.setFocus()
        if hasattr(first, "selectAll"):
            first.selectAll()

    def _add(self, step: Step) -> None:
        assert self.draft is not None
        row = self.current_row
        index = row + 1 if row >= 0 else len(self.draft.routine.steps)
        self._push(commands.AddStep(self.draft, index, step, row))
        self.page.tabs.setCurrentIndex(STEP_TAB)

    def duplicate_step(self) -> None:
        if self.draft is not None and self.current_row >= 0:
            self._push(commands.DuplicateStep(self.draft, self.current_row))

    def remove_step(self) -> None:
        if self.draft is not None and self.current_row >= 0:
            self._push(commands.RemoveStep(self.draft, self.current_row))

    def move_step(self, delta: int) -> None:
        self._move(self.current_row, self.current_row + delta)

    def _move(self, source: int, target: int) -> None:
        if self.draft is None or source < 0:
            return
        if 0 <= target < len(self.draft.routine.steps) and target != source:
            self._push(commands.MoveStep(self.draft, source, target))

    def rename(self, title: str | None = None) -> None:
        """A new title; a saved routine without other changes is saved (and its file
        renamed) at once, otherwise with the next save."""
        draft = self.draft
        if draft is None or draft.read_only:
            return
        if title is None:
            title = self.dialogs.ask_text("Rename routine", "New name:", draft.routine.title)
        if not title or title.strip() == draft.routine.title:
            return
        was_clean = self.stack.isClean()
        self._push(commands.EditRoutineField(draft, "title", title.strip()))
        if was_clean and draft.path is not None and not self.blocking_problems():
            self.save()

    # -- opening and closing ---------------------------------------------------------------

    def _open(self, draft: Draft, recovery_file: Path | None = None) -> None:
        if self.draft is not None:
            self.draft.changed.disconnect(self._on_changed)
            self.draft.deleteLater()
        self.stack.clear()
        self.draft = draft
        self.page.routine_form.forget_typing()
        draft.changed.connect(self._on_changed)
        self.keeper.track(draft.routine, draft.path, recovery_file)
        self.pages.setCurrentWidget(self.page)
        self.banner.clear()
        if draft.read_only:
            self.banner.show_message(
                "Built-in routines cannot be changed. Copy this one into My routines to "
                "make it yours.",
                "Copy into My routines",
                lambda: self.duplicate_builtin(draft.name),
            )
        self.page.steps.setCurrentRow(-1)
        self._on_changed(0)
        self.stack.setClean()
        self._show_state()

    def _close_draft(self) -> None:
        if self.draft is not None:
            self.draft.changed.disconnect(self._on_changed)
            self.draft.deleteLater()
        self.draft = None
        self.stack.clear()
        self.keeper.track(Routine("", ()), None)
        self.pages.setCurrentWidget(self.empty)
        self._show_state()

    def new_routine(self) -> bool:
        if not self.maybe_save():
            return False
        self._open(Draft(Routine(NEW_TITLE, ()), self.library))
        self.page.title.setFocus()
        self.page.title.selectAll()
        return True

    def duplicate_builtin(self, name: str) -> bool:
        """Copy a built-in routine into My routines (saved at once) and open the copy."""
        if not self.maybe_save():
            return False
        try:
            base = self.library.resolve(name)
        except (LookupError, RoutineError) as exc:
            self.dialogs.inform("Cannot copy the routine", str(exc))
            return False
        copy = replace(base, title=base.title + COPY_SUFFIX, source="")
        path = routine_files.user_path_for(copy.title)
        save_routine(copy, path)
        self._open(Draft(copy, self.library, path))
        self.statusBar().showMessage(f"Copied into My routines as {path.name}", 8000)
        self.saved.emit(str(path))
        return True

    def open_routine(self, path: Path | str) -> bool:
        """Open a routine file: a built-in read-only, one of mine to edit, any other as a
        new routine that will be saved into My routines."""
        path = Path(path)
        if not self.maybe_save():
            return False
        try:
            routine = load_routine(path)
        except RoutineError as exc:
            self.dialogs.inform("This routine has problems", str(exc))
            return False
        builtin = path.resolve().parent == self.library.builtin_dir.resolve()
        mine = routine_files.is_user_routine(path)
        routine = replace(routine, source="")
        self._open(
            Draft(routine, self.library, path if builtin or mine else None, read_only=builtin)
        )
        return True

    def maybe_save(self) -> bool:
        """The unsaved-changes guard: True when it is fine to move on (saved or discarded)."""
        if not self.dirty or self.draft is None:
            return True
        answer = self.dialogs.ask(
            "Unsaved changes",
            f"Save your changes to “{self.draft.routine.title or 'Untitled'}”?",
            (SAVE, DISCARD, CANCEL),
        )
        if answer == SAVE:
            return self.save()
        if answer == DISCARD:
            self.keeper.remove()
            self.stack.setClean()
            return True
        return False

    def save(self) -> bool:
        """Write the draft into My routines (atomically); the file is named after the title."""
        draft = self.draft
        if draft is None or draft.read_only:
            return False
        problems = self.blocking_problems()
        if problems:
            self.dialogs.inform(
                "Not saved yet",
                "Fix these first (each is also shown beside its field):\n\n"
                + "\n".join(problems[:10]),
            )
            return False
        old = draft.path
        target = routine_files.user_path_for(draft.routine.title, keep=old)
        try:
            save_routine(draft.routine, target)
        except OSError as exc:
            self.dialogs.inform("Could not save", f"{target}: {exc.strerror or exc}")
            return False
        if old is not None and old != target and routine_files.is_user_routine(old):
            old.unlink(missing_ok=True)  # renamed: the title changed the file's name
        draft.path = target
        self.keeper.remove()
        self.keeper.update(draft.routine, target)
        self.stack.setClean()
        draft.revalidate()
        self.statusBar().showMessage(f"Saved {target.name}", 5000)
        self.saved.emit(str(target))
        return True

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt API name
        if self.maybe_save():
            self.keeper.remove()
            self.preview.stop()
            event.accept()
        else:
            event.ignore()

    # -- files: delete, import, export, recovery -------------------------------------------

    def delete_routine(self) -> bool:
        """Move the routine's file to the trash; the banner offers to undo it."""
        draft = self.draft
        if draft is None or draft.read_only:
            return False
        title = draft.routine.title or "Untitled"
        saved = draft.path is not None and draft.path.exists()
        question = (
            f"Delete “{title}”? You can undo this."
            if saved
            else f"Throw away the new routine “{title}”?"
        )
        if self.dialogs.ask("Delete routine", question, ("Delete", CANCEL)) != "Delete":
            return False
        self.keeper.remove()
        self.trashed = routine_files.move_to_trash(draft.path) if saved and draft.path else None
        self._close_draft()
        if self.trashed is not None:
            self.banner.show_message(f"Deleted “{title}”.", "Undo", self.undo_delete)
            self.saved.emit(str(self.trashed.original))
        return True

    def undo_delete(self) -> Path | None:
        if self.trashed is None or not self.maybe_save():
            return None
        path = routine_files.restore(self.trashed)
        self.trashed = None
        self.banner.clear()
        self.open_routine(path)
        self.saved.emit(str(path))
        return path

    def import_file(self, source: Path | None = None) -> Path | None:
        """Check a routine file and copy it into My routines; opens the copy."""
        source = source or self.dialogs.open_path("Import a routine")
        if source is None:
            return None
        result = import_export.import_routine(Path(source), self.library, self.dialogs.ask)
        if result.problems:
            self.dialogs.warn(
                "Not imported",
                f"“{Path(source).name}” is not a routine routineplayer can use, so nothing was "
                f"imported:\n\n{result.summary}",
                result.message,
            )
            return None
        if result.path is None:
            return None
        self.saved.emit(str(result.path))
        self.open_routine(result.path)
        return result.path

    def export_file(self, target: Path | None = None) -> Path | None:
        draft = self.draft
        if draft is None:
            return None
        if self.blocking_problems():
            self.dialogs.inform("Not exported", "Fix the problems shown first.")
            return None
        target = target or self.dialogs.save_path("Export routine", f"{draft.name}.yaml")
        if target is None:
            return None
        try:
            written = import_export.export_routine(draft.routine, Path(target))
        except OSError as exc:
            self.dialogs.inform("Could not export", f"{target}: {exc.strerror or exc}")
            return None
        self.statusBar().showMessage(f"Exported to {written}", 8000)
        return written

    def offer_recovery(self) -> bool:
        """Offer back unsaved changes a crash left behind; True when they were restored."""
        for found in recovery.pending():
            when = found.written.strftime("%d %b %H:%M")
            title = found.routine.title or "Untitled"
            answer = self.dialogs.ask(
                "Recover unsaved changes",
                f"routineplayer closed before your changes to “{title}” were saved ({when}). "
                "Put them back?",
                ("Restore", "Discard", "Not now"),
            )
            if answer == "Discard":
                found.discard()
            elif answer == "Restore":
                return self._restore(found)
        return False

    def _restore(self, found: recovery.Recovered) -> bool:
        if not self.maybe_save():
            return False
        path = found.path if found.path is not None and found.path.exists() else None
        base = Routine(NEW_TITLE, ())
        if path is not None:
            try:
                base = replace(load_routine(path), source="")
            except RoutineError:
                path = None
        self._open(Draft(base, self.library, path), recovery_file=found.file)
        self._push(commands.ReplaceRoutine(self.draft, found.routine, "Restore recovered changes"))  # type: ignore[arg-type]
        self.banner.show_message("Your unsaved changes were put back. Save them to keep them.")
        return True

    # -- preview ---------------------------------------------------------------------------

    def hear_cue(self) -> None:
        draft = self.draft
        if draft is None or self.current_row < 0:
            return
        step = draft.routine.steps[self.current_row]
        self.statusBar().showMessage(self.preview.say(draft.routine, step, self.library), 10000)

    def play_from_step(self) -> None:
        draft = self.draft
        if draft is None or self.current_row < 0:
            return
        if self.blocking_problems():
            self.dialogs.inform("Cannot play yet", "Fix the problems shown first.")
            return
        source = str(draft.path) if draft.path is not None else ""
        self.play_requested.emit(replace(draft.routine, source=source), self.current_row)
