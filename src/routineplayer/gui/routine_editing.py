"""The library's routine actions (new, duplicate, edit, import, export) and the editor window
they open (gui/editor, issue 6), made on first use so that start-up does not load it.

The editor is a window of its own, beside the player: every save (and copy, import or
delete) reloads the library with the routine selected, and its "play from this step" plays
in the main window (``MainWindow.play_from_step``). Files are chosen with a QFileDialog
passed through the window's ``ask`` seam, so tests choose them without a modal loop.

main_window imports this module, so this one knows the window only as ``EditingWindow``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from routineplayer.core import paths
from routineplayer.gui.dialogs import Ask, error_dialog, question_dialog
from routineplayer.gui.library_view import LibraryView, RoutineCard
from routineplayer.gui.routine_source import RoutineSource

if TYPE_CHECKING:
    from routineplayer.core.model import Routine
    from routineplayer.gui.editor.editor_window import EditorWindow


class EditingWindow(Protocol):
    """What the routine actions need of the main window (main_window.MainWindow)."""

    @property
    def source(self) -> RoutineSource: ...

    @property
    def library_view(self) -> LibraryView: ...

    @property
    def ask(self) -> Ask: ...

    def reload_library(self, select: str | None = None) -> None: ...

    def play_from_step(self, routine: Routine, step_index: int) -> bool: ...

    def window(self) -> QWidget:
        """QWidget.window(): the window itself, as a widget (the parent of the dialogs)."""
        ...


YAML_FILTER = "Routines (*.yaml *.yml);;All files (*)"


class RoutineEditing(QObject):
    def __init__(self, window: EditingWindow) -> None:
        widget = window.window()
        super().__init__(widget)
        self.widget = widget
        self.window = window
        self._editor: EditorWindow | None = None

    @property
    def editor(self) -> EditorWindow:
        """The editor window, made the first time it is needed (no Qt parent: it is a window
        beside the player, not kept above it; the main window closes it on closing)."""
        if self._editor is None:
            from routineplayer.gui.editor.editor_window import EditorWindow

            editor = EditorWindow(self.window.source.library)
            editor.saved.connect(self._on_saved)
            editor.play_requested.connect(self.window.play_from_step)
            self._editor = editor
        return self._editor

    def _show_editor(self) -> None:
        editor = self.editor
        editor.show()
        editor.raise_()
        editor.activateWindow()

    def _on_saved(self, path: str) -> None:
        self.window.reload_library(select=Path(path).stem)

    # -- the library's actions ------------------------------------------------------------------

    def new_routine(self) -> bool:
        if not self.editor.new_routine():
            return False
        self._show_editor()
        return True

    def duplicate(self, card: RoutineCard) -> bool:
        """Copy the routine into My routines (saved at once) and open the copy."""
        if not self.editor.duplicate_builtin(card.key):
            return False
        self._show_editor()
        return True

    def edit(self, card: RoutineCard) -> bool:
        """Open one of mine; a built-in one cannot change, so offer to duplicate it."""
        if not card.own:
            if self.window.ask(self._offer_duplicate(card)):
                return self.duplicate(card)
            return False
        path = self.window.source.library.path_of(card.key)
        if path is None or not self.editor.open_routine(path):
            return False
        self._show_editor()
        return True

    def _offer_duplicate(self, card: RoutineCard) -> QMessageBox:
        return question_dialog(
            self.widget,
            "A built-in routine",
            f"“{card.title}” is built in, so it cannot be changed.",
            "Duplicate it into My routines and change the copy?",
            "Duplicate",
            "Cancel",
        )

    def import_file(self) -> Path | None:
        """Check a chosen routine file and copy it into My routines; the editor opens it."""
        source = self._choose(QFileDialog.AcceptMode.AcceptOpen, "Import a routine")
        if source is None:
            return None
        imported = self.editor.import_file(source)
        if imported is not None:
            self._show_editor()
        return imported

    def export(self, card: RoutineCard) -> Path | None:
        """Save the routine as a file to share (a built-in one too)."""
        from routineplayer.core.problems import RoutineError
        from routineplayer.gui.editor.import_export import export_routine

        target = self._choose(QFileDialog.AcceptMode.AcceptSave, "Export routine", card.key)
        if target is None:
            return None
        try:
            written = export_routine(self.window.source.library.resolve(card.key), target)
        except (OSError, LookupError, RoutineError) as exc:
            self.window.ask(error_dialog(self.widget, "Could not export", str(exc)))
            return None
        self.window.library_view.show_message(f"Exported “{card.title}” to {written}")
        return written

    def _choose(
        self, mode: QFileDialog.AcceptMode, caption: str, name: str | None = None
    ) -> Path | None:
        start = str(Path.home() / f"{name}.yaml") if name else str(Path.home())
        dialog = QFileDialog(self.widget, caption, start, YAML_FILTER)
        dialog.setAcceptMode(mode)
        if mode is QFileDialog.AcceptMode.AcceptOpen:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        else:
            dialog.setDefaultSuffix("yaml")
        if not self.window.ask(dialog) or not dialog.selectedFiles():
            return None
        return Path(dialog.selectedFiles()[0])

    # -- the app's start and end ----------------------------------------------------------------

    def offer_recovery(self) -> bool:
        """Unsaved editor changes a crash left behind: offer them back (True if restored)."""
        if not any(paths.recovery_dir().glob("*.json")):
            return False  # the usual case, decided without loading the editor
        from routineplayer.gui.editor import recovery

        if not recovery.pending() or not self.editor.offer_recovery():
            return False
        self._show_editor()
        return True

    def close(self) -> bool:
        """Close the editor, which asks about unsaved changes; False if the person cancels."""
        return self._editor is None or self._editor.isHidden() or self._editor.close()
