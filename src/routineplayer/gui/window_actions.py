"""The main window's actions: one QAction each, shown as a library button, in the menu bar,
and bound to a shortcut, so the three can never disagree (enabled state, text, key).

The player pages take their keys themselves (runtime/keymap.py); these actions are disabled
while a routine plays, so a shortcut never reaches past it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QMainWindow, QMenuBar, QToolButton

from routineplayer.gui.icons import icon


class WindowActions:
    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        keys = QKeySequence.StandardKey
        self.new = self._make("&New routine", "Make a routine of your own in the editor", keys.New)
        self.duplicate = self._make(
            "&Duplicate", "Copy the selected routine into My routines, to change it", "Ctrl+D"
        )
        self.edit = self._make(
            "&Edit", "Change the selected routine (a built-in one is copied first)", "Ctrl+E"
        )
        self.import_ = self._make("&Import…", "Add a routine file someone shared", "Ctrl+I")
        self.export = self._make(
            "E&xport…", "Save the selected routine as a file to share", "Ctrl+Shift+E"
        )
        self.history = self._make(
            "&History", "Your journal: past sessions and pain ratings", "Ctrl+H"
        )
        self.assessment = self._make(
            "&Assessment", "Find the movements that do not hurt and build a rehab routine", "Ctrl+M"
        )
        self.safety = self._make(
            "&Safety notice", "When to see a doctor: the warning signs", "Shift+F1"
        )
        self.voice_settings = self._make(
            "&Voice and volume…", "Choose the voice, its speed and the volume", "Ctrl+,"
        )
        self.voice_answers = self._make(
            "Spoken &answers…",
            "Answer by voice: turn it on, choose the microphone and try it",
            "Ctrl+Shift+A",
        )
        self.reminders = self._make(
            "&Reminders…",
            "When to remind you of a routine: times of day, movement breaks",
            "Ctrl+R",
        )
        self.keys = self._make(
            "&Keys", "Every key, in the library and while a routine plays", "F1", shortcut=False
        )
        self.quit = self._make("&Quit", "Close routineplayer", keys.Quit)
        # On the selected routine: enabled while a playable one is selected.
        self.for_selection = (self.duplicate, self.edit, self.export)
        self.for_library = (
            self.new, self.import_, self.history, self.assessment, self.safety,
            self.voice_settings, self.voice_answers, self.reminders,
        )  # fmt: skip
        self._icons = {
            self.new: "document-new", self.duplicate: "edit-copy", self.edit: "document-edit",
            self.import_: "document-open", self.export: "document-send",
            self.history: "document-open-recent", self.assessment: "view-list",
            self.safety: "dialog-warning", self.keys: "input-keyboard",
        }  # fmt: skip
        self.apply_icons()

    def apply_icons(self) -> None:
        """Each action's icon in the window's text colour (again after a light/dark switch)."""
        colour = self._window.palette().color(QPalette.ColorRole.ButtonText)
        for action, name in self._icons.items():
            action.setIcon(icon(name, colour))

    def _make(
        self,
        text: str,
        tip: str,
        key: QKeySequence.StandardKey | str,
        *,
        shortcut: bool = True,
    ) -> QAction:
        action = QAction(text, self._window)
        sequence = QKeySequence(key)
        if shortcut:
            action.setShortcut(sequence)
            self._window.addAction(action)  # the shortcut works with the menu bar hidden
        shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip} ({shown})" if shown else tip)
        action.setStatusTip(tip)
        return action

    def key_rows(self) -> list[tuple[str, str]]:
        """(shortcut, name) of each action that has one, in menu order: for the help overlay."""
        shown = (
            self.new, self.duplicate, self.edit, self.import_, self.export, self.history,
            self.assessment, self.safety, self.voice_settings, self.voice_answers, self.reminders,
            self.quit,
        )  # fmt: skip
        native = QKeySequence.SequenceFormat.NativeText
        return [
            (action.shortcut().toString(native), action.text().replace("&", ""))
            for action in shown
            if not action.shortcut().isEmpty()
        ]

    def connect(self, slots: dict[QAction, Callable[[], object]]) -> None:
        for action, slot in slots.items():
            action.triggered.connect(lambda _checked=False, slot=slot: slot())

    def fill_menus(self, bar: QMenuBar) -> None:
        routines = bar.addMenu("&Routines")
        routines.addActions([self.new, self.duplicate, self.edit])
        routines.addSeparator()
        routines.addActions([self.import_, self.export])
        routines.addSeparator()
        routines.addAction(self.quit)
        journal = bar.addMenu("&Journal")
        journal.addActions([self.history, self.assessment])
        settings = bar.addMenu("&Settings")
        settings.addActions([self.voice_settings, self.voice_answers, self.reminders])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.keys, self.safety])
        # The "»" button Qt shows when the window is too narrow for every menu.
        more = bar.findChild(QToolButton, "qt_menubar_ext_button")
        if more is not None:
            more.setAccessibleName("More menus")

    def update(self, *, idle: bool, selected: bool) -> None:
        """Enabled while no routine plays (``selected``: a playable routine is selected)."""
        for action in self.for_library:
            action.setEnabled(idle)
        for action in self.for_selection:
            action.setEnabled(idle and selected)
