"""The main window: the library first; playing is gui/playback.py, loaded when first needed.

Only the library (with its actions and menus) is built at start-up. The player, its views,
the voice and keep-awake come with the first routine chosen (see Playback); the journal
with the first use of ``recorder`` (``start_up`` opens it once the window is shown); the
editor (gui/routine_editing.py), the history and the assessment pages, and the help
overlay each the first time they are asked for.

Imports go one way: this module imports playback and routine_editing, which know the window
only through the small Protocols they declare (PlayerWindow, EditingWindow).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from routineplayer import APP_NAME
from routineplayer.gui.icons import refresh_icons
from routineplayer.gui.library_view import LibraryView, RoutineCard
from routineplayer.gui.reminder_bar import ReminderBar
from routineplayer.gui.routine_source import RoutineSource
from routineplayer.gui.theme import refresh_muted
from routineplayer.gui.window_actions import WindowActions
from routineplayer.gui.window_settings import restore_geometry, save_geometry

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QDialog

    from routineplayer.core.model import Routine
    from routineplayer.core.timeline import Timeline
    from routineplayer.gui.audio_only_view import AudioOnlyView
    from routineplayer.gui.help_overlay import HelpOverlay
    from routineplayer.gui.journal.assessment_view import AssessmentView
    from routineplayer.gui.journal.history_view import HistoryView
    from routineplayer.gui.keep_awake import KeepAwake
    from routineplayer.gui.playback import DriverFactory, Playback
    from routineplayer.gui.player_controller import PlayerController
    from routineplayer.gui.player_view import PlayerView
    from routineplayer.gui.reminding import Reminding
    from routineplayer.gui.routine_editing import RoutineEditing
    from routineplayer.gui.tray import Tray
    from routineplayer.runtime.journal_recorder import JournalRecorder
    from routineplayer.runtime.voice import Voice


def exec_dialog(dialog: QDialog) -> bool:
    """dialogs.exec_dialog, without loading the dialogs before one is needed."""
    from routineplayer.gui.dialogs import exec_dialog as run_modal

    return run_modal(dialog)


def _return_focus(page: QWidget, widget: QWidget | None) -> None:
    """help_overlay.return_focus, without loading the overlay before it is needed."""
    from routineplayer.gui.help_overlay import return_focus

    return_focus(page, widget)


class MainWindow(QMainWindow):
    def __init__(
        self,
        source: RoutineSource | None = None,
        *,
        make_driver: DriverFactory | None = None,
        ask: Callable[[QDialog], bool] = exec_dialog,
        keep_awake: KeepAwake | None = None,
        speech: bool = True,
    ) -> None:
        super().__init__()
        self.source = source or RoutineSource()
        self._ask = ask  # tests replace this seam: no modal loops in tests
        self._make_driver = make_driver
        self._keep_awake = keep_awake
        self._speech = speech
        self._playback: Playback | None = None
        self._help: HelpOverlay | None = None
        self._recorder: JournalRecorder | None = None
        self._editing: RoutineEditing | None = None
        self._history: HistoryView | None = None
        self._assessment: AssessmentView | None = None
        self._reminding: Reminding | None = None
        self.tray: Tray | None = None  # where the desktop has one (start_up)
        self._quitting = False  # Quit, not close-to-tray

        self.library_view = LibraryView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.library_view)
        self.reminder_bar = ReminderBar()  # above every page: a reminder may come at any time
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.reminder_bar)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.library_view.start_requested.connect(self.start_card)

        self.menu_actions = WindowActions(self)
        self._connect_actions()
        self.menu_actions.fill_menus(self.menuBar())
        a = self.menu_actions
        self.library_view.set_actions(
            [a.new, a.duplicate, a.edit, a.import_, a.export], [a.history, a.assessment, a.safety]
        )
        self.library_view.current_changed.connect(lambda _card: self._update_actions())
        self.stack.currentChanged.connect(lambda _index: self._update_actions())

        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(640, 480)
        if not restore_geometry(self):
            self.resize(1024, 720)
        self.reload_library()

    def ask(self, dialog: QDialog) -> bool:
        """Show a dialog (through the ``ask`` seam); then, if the page did not change meanwhile,
        hand the keys back to the widget that had them, and the window back its activation."""
        page, was_active = self.stack.currentWidget(), self.isActiveWindow()
        try:
            return self._ask(dialog)
        finally:
            if page is not None and self.stack.currentWidget() is page:
                if was_active:
                    self.activateWindow()
                _return_focus(page, self.focusWidget())

    def _connect_actions(self) -> None:
        a = self.menu_actions
        a.connect(
            {
                a.new: lambda: self.editing.new_routine(),
                a.duplicate: lambda: self._with_card(self.editing.duplicate),
                a.edit: lambda: self._with_card(self.editing.edit),
                a.import_: lambda: self.editing.import_file(),
                a.export: lambda: self._with_card(self.editing.export),
                a.history: self.show_history,
                a.assessment: self.show_assessment,
                a.safety: self.show_safety_notice,
                a.voice_settings: self.show_voice_settings,
                a.voice_answers: self.show_voice_answers,
                a.reminders: self.show_reminders,
                a.keys: self.toggle_help,
                a.quit: self.quit_app,
            }
        )

    def _with_card(self, act: Callable[[RoutineCard], object]) -> None:
        card = self.library_view.current_card()
        if card is not None and not card.problem:
            act(card)

    def _update_actions(self) -> None:
        idle = self.controller is None
        card = self.library_view.current_card()
        self.menu_actions.update(idle=idle, selected=card is not None and not card.problem)
        self.menuBar().setVisible(idle)  # no menus over a routine, least of all audio-only

    # -- start-up -----------------------------------------------------------------------------

    def start_up(self) -> None:
        """Once the window is shown (app.main): what a person must be told before anything
        else. What this session cannot keep (a home folder that cannot be written); a
        journal that opened read-only or was moved aside; the safety notice on a first
        launch; editor changes a crash left unsaved."""
        from routineplayer.core.paths import not_kept
        from routineplayer.gui.dialogs import error_dialog

        lost = not_kept()
        if lost:
            text = "\n\n".join([*lost, "Routines still play as usual."])
            self.ask(error_dialog(self, "Some things will not be kept", text))
        message = self.recorder.message
        if message:
            self.ask(error_dialog(self, "Your journal", message))
        from routineplayer.gui.journal.safety_dialog import show_first_launch_notice

        show_first_launch_notice(self.ask, self)
        self.editing.offer_recovery()
        problems = self.reminding.service.reminders.problems
        if problems:
            self.ask(error_dialog(self, "Your reminders", "\n\n".join(problems)))
        self.reminding.service.start()
        self._set_up_tray()

    def _set_up_tray(self) -> None:
        from routineplayer.gui.tray import Tray, tray_available

        if self.tray is not None or not tray_available():
            return  # no tray: closing the window quits, reminders come while it is open
        from routineplayer.gui.icons import app_icon

        def reminders() -> None:
            self.bring_to_front()
            self.show_reminders()

        self.tray = Tray(
            app_icon(), show=self.bring_to_front, reminders=reminders, quit_app=self.quit_app
        )
        self.tray.setParent(self)
        self.reminding.use_tray(self.tray)

    # -- library ------------------------------------------------------------------------------

    def reload_library(self, select: str | None = None) -> None:
        """List the routines again (a file changed), keeping or moving to ``select``."""
        self.library_view.set_cards(self.source.cards(), select)
        if self.stack.currentWidget() is self.library_view:  # else the page shown keeps the keys
            self.library_view.setFocus()
        self._update_actions()

    def show_library(self) -> None:
        self.show_page(self.library_view)

    def show_page(self, page: QWidget) -> None:
        if self.stack.indexOf(page) < 0:
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.setFocus()  # the library's goes to its list (its focus proxy)

    def start_card(self, card: RoutineCard) -> bool:
        """Show what to get ready, then play; False if it was cancelled or cannot play."""
        if self.controller is not None:
            return False
        try:
            _routine, timeline = self.source.load(card.key)
        except Exception as exc:  # a broken file must not take the window down
            from routineplayer.gui.dialogs import error_dialog

            self.ask(error_dialog(self, f"Cannot play {card.title}", str(exc)))
            return False
        return self.offer(timeline)

    def offer(self, timeline: Timeline) -> bool:
        return self.playback.offer(timeline)

    def play_from_step(self, routine: Routine, step_index: int) -> bool:
        """The editor's "play from this step": ``routine`` from its own step ``step_index``
        (counted before includes are expanded).

        The routine is played without the steps before that one: the opening, the length,
        the progress and the summary then all speak of what will really be played, and the
        session itself needs no way to start part-way through.
        """
        from dataclasses import replace

        from routineplayer.core.problems import RoutineError
        from routineplayer.core.timeline import IncludeError, expand
        from routineplayer.gui.dialogs import error_dialog

        title = f"Cannot play {routine.title or 'this routine'}"
        if self.controller is not None:
            self.ask(error_dialog(self, title, "A routine is playing: stop it first (Esc)."))
            return False
        rest = replace(routine, steps=routine.steps[step_index:])
        try:
            timeline = expand(rest, self.source.library.resolve)
        except (IncludeError, LookupError, RoutineError) as exc:
            self.ask(error_dialog(self, title, str(exc)))
            return False
        self.raise_()
        self.activateWindow()
        return self.offer(timeline)

    def bring_to_front(self) -> None:
        """Show this window on top: a reminder's Start now, the tray, another launch."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def routine_title(self, name: str) -> str | None:
        """The title of the library's routine ``name``, or None if there is none to play."""
        card = next((c for c in self.library_view.cards() if c.key == name), None)
        return None if card is None or card.problem else card.title

    def start_routine_named(self, name: str) -> bool:
        """A reminder's Start now: the routine's pre-start screen, in front; False if a
        routine is playing already (it is shown instead) or ``name`` is not in the library."""
        self.bring_to_front()
        card = next((c for c in self.library_view.cards() if c.key == name), None)
        if self.controller is not None or card is None:
            return False
        if self.stack.currentWidget() is not self.library_view:
            self.show_library()
        return self.start_card(card)

    # -- reminders (built at start-up) --------------------------------------------------------

    @property
    def reminding(self) -> Reminding:
        if self._reminding is None:
            from routineplayer.gui.reminding import Reminding

            self._reminding = Reminding(self, self.reminder_bar)
        return self._reminding

    def show_reminders(self) -> None:
        from routineplayer.gui.reminders_dialog import RemindersDialog

        cards = self.library_view.cards()
        self.ask(RemindersDialog(self.reminding.service, cards, parent=self, ask=self.ask))

    # -- playing (built on first use) ---------------------------------------------------------

    @property
    def playback(self) -> Playback:
        if self._playback is None:
            from routineplayer.gui.playback import Playback

            self._playback = Playback(
                self,
                ask=self.ask,
                make_driver=self._make_driver,
                keep_awake=self._keep_awake,
                speech=self._speech,
            )
            # Quiet while a routine plays; what was held comes when it ends.
            self._playback.playing_routine.connect(self.reminding.service.set_playing)
        return self._playback

    @property
    def controller(self) -> PlayerController | None:
        return self._playback.controller if self._playback is not None else None

    @property
    def player_view(self) -> PlayerView:
        return self.playback.player_view

    @property
    def audio_view(self) -> AudioOnlyView:
        return self.playback.audio_view

    @property
    def voice(self) -> Voice | None:
        return self.playback.voice

    @property
    def keep_awake(self) -> KeepAwake:
        return self.playback.keep_awake

    @property
    def audio_only(self) -> bool:
        return self._playback is not None and self._playback.audio_only

    def toggle_audio_only(self) -> None:
        self.playback.toggle_audio_only()

    # -- the journal and the editor (built on first use) ---------------------------------------

    @property
    def recorder(self) -> JournalRecorder:
        """Writes each session into the journal; opening it never fails (see JournalRecorder)."""
        if self._recorder is None:
            from routineplayer.runtime.journal_recorder import JournalRecorder

            self._recorder = JournalRecorder.open(parent=self)
        return self._recorder

    @property
    def editing(self) -> RoutineEditing:
        if self._editing is None:
            from routineplayer.gui.routine_editing import RoutineEditing

            self._editing = RoutineEditing(self)
        return self._editing

    def show_history(self) -> HistoryView:
        if self._history is None:
            from routineplayer.core.reminders import planned_on
            from routineplayer.gui.journal.history_view import HistoryView

            self._history = HistoryView(
                self.recorder.journal,
                planned=lambda day: planned_on(self.reminding.service.schedules, day),
            )
            self._history.close_requested.connect(self.show_library)
        self.show_page(self._history)  # it reads the journal again each time it is shown
        self._history.table.setFocus()
        return self._history

    def show_assessment(self) -> AssessmentView:
        """A fresh assessment each time; its questions are rendered to speech meanwhile."""
        from routineplayer.core.assessment import INTRO, MOVEMENTS
        from routineplayer.core.rating_prompts import all_texts
        from routineplayer.gui.journal.assessment_view import (
            BEGIN_TEXT,
            RESULTS_TEXT,
            AssessmentView,
        )

        if self._assessment is not None:
            self.stack.removeWidget(self._assessment)
            self._assessment.deleteLater()
        voice = self.voice
        if voice is not None:
            voice.prepare_texts([f"{INTRO} {BEGIN_TEXT}", *all_texts(MOVEMENTS), RESULTS_TEXT])
        view = AssessmentView(sink=self.playback.sink)
        view.routine_saved.connect(lambda path: self._rehab_saved(view, path))
        view.close_requested.connect(self.show_library)
        self._assessment = view
        self.show_page(view)
        return view

    def _rehab_saved(self, view: AssessmentView, path: Path) -> None:
        """The assessment's routine: in the library, and reminded 3 times a day (seed 001)."""
        from routineplayer.core.reminder_words import schedule_words
        from routineplayer.core.reminders import rehab_schedule

        self.reload_library(select=path.stem)
        service = self.reminding.service
        if service.reminders.for_routine(path.stem):
            return  # a schedule the person made for it stays as it is
        schedule = rehab_schedule(path.stem, service.reminders.free_id("rehab"))
        service.put(schedule)
        words = schedule_words(schedule, "Reminders")
        view.add_note(f"{words}: change them in Settings → Reminders (Ctrl+R).")

    def show_voice_settings(self) -> None:
        voice = self.voice
        if voice is None:  # speech switched off for this window (tests, --no-speech)
            return
        from routineplayer.gui.voice_settings_dialog import VoiceSettingsDialog

        self.ask(VoiceSettingsDialog(voice, parent=self))

    def show_voice_answers(self) -> None:
        from routineplayer.gui.voice_answers_dialog import VoiceAnswersDialog

        self.ask(VoiceAnswersDialog(parent=self))

    def show_safety_notice(self) -> None:
        from routineplayer.gui.journal.safety_dialog import SafetyDialog

        self.ask(SafetyDialog(parent=self))

    # -- window -------------------------------------------------------------------------------

    @property
    def help(self) -> HelpOverlay:
        if self._help is None:
            from routineplayer.gui.help_overlay import HelpOverlay
            from routineplayer.gui.library_view import LIBRARY_KEYS
            from routineplayer.runtime.keymap import KEYMAP, Command

            bindings = {binding.command: binding for binding in KEYMAP}
            full, keys = bindings[Command.FULL_SCREEN], bindings[Command.HELP]
            # In the library F is a letter to search for: only F11 is full screen there.
            own = [("F11", full.action), (keys.label, keys.action)]
            rows = [*LIBRARY_KEYS, *self.menu_actions.key_rows(), *own]
            self._help = HelpOverlay(self.stack, self.library_view, rows)
        return self._help

    def toggle_help(self) -> None:
        self.help.toggle()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The player views handle their own keys; here only what the library page needs.
        from routineplayer.runtime.keymap import Command, command_for_key

        command = command_for_key(event.key())
        if command is Command.HELP:
            self.toggle_help()
        elif command is Command.FULL_SCREEN and event.key() != Qt.Key.Key_F:
            self.toggle_full_screen()
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # The desktop switched light/dark: Qt gives the window the new palette (PaletteChange);
        # secondary text was given its own palette, so derive it again.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            refresh_muted(self)
            refresh_icons(self.findChildren(QAbstractButton))
            self.menu_actions.apply_icons()
        super().changeEvent(event)

    def quit_app(self) -> None:
        """Quit for real (the menu's Quit, the tray's): not into the tray."""
        self._quitting = True
        if not self.close():
            self._quitting = False  # the editor's unsaved changes kept it open

    def _close_to_tray(self) -> bool:
        """Closing with reminders on and a tray: keep running there, if the person wants
        (asked once; the answer is kept). True if the window was hidden instead of closed."""
        if self._quitting or self.tray is None or self.controller is not None:
            return False
        if not any(s.enabled for s in self.reminding.service.schedules):
            return False
        from routineplayer.gui.tray import keep_answer, kept_answer

        keep = kept_answer()
        if keep is None:
            from routineplayer.gui.dialogs import question_dialog

            keep = self.ask(
                question_dialog(
                    self,
                    "Keep running for reminders?",
                    "Keep routineplayer running in the tray, so your reminders can come?",
                    "Its icon in the tray opens the window again, or quits. "
                    "You will not be asked again.",
                    "Keep running in the tray",
                    "Quit",
                )
            )
            keep_answer(keep)
        if keep:
            save_geometry(self)
            self.hide()
        return keep

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._close_to_tray():
            event.ignore()
            return
        if self._editing is not None and not self._editing.close():
            event.ignore()  # the editor has unsaved changes and the person chose Cancel
            return
        if not self.audio_only:  # full-screen floor mode is not where to reopen next time
            save_geometry(self)
        if self._playback is not None:
            self._playback.close()  # a routine playing is stopped: the journal records it
        if self._recorder is not None:
            lost = self._recorder.close()  # waits a moment for records a lock held back
            if lost:
                from routineplayer.gui.dialogs import error_dialog

                self.ask(error_dialog(self, "Your journal", lost))
        if self._reminding is not None:
            self._reminding.service.stop()
            self._reminding.close()
        if self.tray is not None:  # with a tray the app quits only when told (gui/tray.py)
            self.tray.close()
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication

            QTimer.singleShot(0, QApplication.quit)
        super().closeEvent(event)
