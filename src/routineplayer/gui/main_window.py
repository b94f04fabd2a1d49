"""The main window: the library, and the player (in the window or audio-only) once started.

It owns what outlives one routine (the library, keep-awake, the speech player, settings) and
makes a PlayerController for each routine played.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from routineplayer import APP_NAME
from routineplayer.core.session import State
from routineplayer.core.summary import Summary
from routineplayer.core.timeline import Timeline
from routineplayer.gui.audio_only_view import AudioOnlyView
from routineplayer.gui.dialogs import (
    Ask,
    PrestartDialog,
    SummaryDialog,
    confirm_stop_dialog,
    error_dialog,
    exec_dialog,
)
from routineplayer.gui.help_overlay import HelpOverlay
from routineplayer.gui.keep_awake import KeepAwake
from routineplayer.gui.keymap import Command, command_for_key
from routineplayer.gui.library_view import LibraryView, RoutineCard
from routineplayer.gui.player_controller import PlayerController
from routineplayer.gui.player_view import PlayerView
from routineplayer.gui.routine_source import RoutineSource
from routineplayer.gui.session_driver import SessionDriver
from routineplayer.gui.summary_text import summary_lines
from routineplayer.gui.theme import refresh_muted
from routineplayer.gui.view_text import length_text
from routineplayer.gui.voice import Voice
from routineplayer.gui.window_settings import restore_geometry, save_geometry

DriverFactory = Callable[[Timeline], SessionDriver]


class MainWindow(QMainWindow):
    def __init__(
        self,
        source: RoutineSource | None = None,
        *,
        make_driver: DriverFactory | None = None,
        ask: Ask = exec_dialog,
        keep_awake: KeepAwake | None = None,
        speech: bool = True,
    ) -> None:
        super().__init__()
        self.source = source or RoutineSource()
        # Speech is made lazily (QtMultimedia and a worker process) when a routine is chosen.
        self.voice: Voice | None = Voice(self) if speech else None
        self.make_driver = make_driver or self._default_driver
        self.ask = ask  # tests replace this seam: no modal loops in tests
        self.keep_awake = keep_awake or KeepAwake()
        self.controller: PlayerController | None = None
        self._routine_title = ""
        self._audio_only = False
        self._was_full_screen = False

        self.library_view = LibraryView()
        self.player_view = PlayerView()
        self.audio_view = AudioOnlyView()
        self.stack = QStackedWidget()
        for page in (self.library_view, self.player_view, self.audio_view):
            self.stack.addWidget(page)
        self.setCentralWidget(self.stack)
        self.help = HelpOverlay(self.stack)
        if self.voice is not None:
            self.voice.status_changed.connect(self.player_view.set_banner)
        self.library_view.start_requested.connect(self.start_card)

        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(640, 480)
        if not restore_geometry(self):
            self.resize(1024, 720)
        self.reload_library()

    # -- library ------------------------------------------------------------------------------

    def reload_library(self) -> None:
        self.library_view.set_cards(self.source.cards())
        self.library_view.list.setFocus()

    def start_card(self, card: RoutineCard) -> bool:
        """Show what to get ready, then play; False if it was cancelled or cannot play."""
        if self.controller is not None:
            return False
        try:
            _routine, timeline = self.source.load(card.key)
        except Exception as exc:  # a broken file must not take the window down
            self.ask(error_dialog(self, f"Cannot play {card.title}", str(exc)))
            return False
        return self.offer(timeline)

    def offer(self, timeline: Timeline) -> bool:
        """What to get ready (the voice renders meanwhile), then play if the person starts."""
        if self.controller is not None:
            return False
        prestart = PrestartDialog(timeline.routine, length_text(timeline.total), self)
        if self.voice is not None:
            self.voice.progress.connect(prestart.show_voice_progress)
            self.voice.prepare(timeline)
        started = self.ask(prestart)
        if self.voice is not None:
            self.voice.progress.disconnect(prestart.show_voice_progress)
            if not started:
                self.voice.cancel()
        if started:
            self.play(timeline)
        return started

    def _default_driver(self, timeline: Timeline) -> SessionDriver:
        sink = self.voice.player if self.voice is not None else None
        return SessionDriver.for_timeline(timeline, sink)

    # -- playing ------------------------------------------------------------------------------

    def play(self, timeline: Timeline) -> PlayerController:
        driver = self.make_driver(timeline)
        controller = PlayerController(driver, timeline, self.player_view, self.audio_view, self)
        controller.stop_requested.connect(self._confirm_stop)
        controller.audio_only_requested.connect(self.toggle_audio_only)
        controller.full_screen_requested.connect(self.toggle_full_screen)
        controller.help_requested.connect(self.help.toggle)
        controller.playing_changed.connect(self._on_playing)
        controller.ended.connect(self._on_ended)
        driver.state_changed.connect(self._update_title)
        self.controller = controller
        self._routine_title = timeline.routine.title
        self.stack.setCurrentWidget(self.player_view)
        self.player_view.setFocus()
        controller.start()
        return controller

    def _on_playing(self, playing: bool) -> None:
        if playing:
            self.keep_awake.acquire()
        else:
            self.keep_awake.release()

    def _update_title(self, state: State) -> None:
        word = "Paused" if state is State.PAUSED else "Playing"
        if state in (State.FINISHED, State.IDLE):
            self.setWindowTitle(APP_NAME)
        else:
            self.setWindowTitle(f"{word}: {self._routine_title} — {APP_NAME}")

    def _confirm_stop(self) -> None:
        if self.controller is not None and self.ask(confirm_stop_dialog(self)):
            self.controller.stop()

    def _on_ended(self, summary: Summary) -> None:
        controller, self.controller = self.controller, None
        self.keep_awake.release()
        if self._audio_only:
            self.toggle_audio_only()
        self.setWindowTitle(APP_NAME)
        self.stack.setCurrentWidget(self.library_view)
        self.library_view.list.setFocus()
        if controller is not None:
            controller.deleteLater()
            controller.driver.deleteLater()
        title, lines = summary_lines(summary)
        self.ask(SummaryDialog(title, lines, self))

    # -- modes --------------------------------------------------------------------------------

    def toggle_audio_only(self) -> None:
        if self.controller is None and not self._audio_only:
            return
        self._audio_only = not self._audio_only
        if self._audio_only:
            self._was_full_screen = self.isFullScreen()
            self.stack.setCurrentWidget(self.audio_view)
            self.audio_view.setFocus()
            self.showFullScreen()
        else:
            if not self._was_full_screen:
                self.showNormal()
            page = self.player_view if self.controller is not None else self.library_view
            self.stack.setCurrentWidget(page)
            page.setFocus()
        if self.controller is not None:
            self.controller.refresh()

    @property
    def audio_only(self) -> bool:
        return self._audio_only

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    # -- window -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The player views handle their own keys; here only what the library page needs.
        command = command_for_key(event.key())
        if command is Command.HELP:
            self.help.toggle()
        elif command is Command.FULL_SCREEN and event.key() != Qt.Key.Key_F:
            self.toggle_full_screen()
        else:
            super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.ApplicationPaletteChange, QEvent.Type.ThemeChange):
            refresh_muted(self)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller is not None:
            self.controller.ended.disconnect(self._on_ended)
            self.controller.stop()
        if not self._audio_only:  # full-screen floor mode is not where to reopen next time
            save_geometry(self)
        self.keep_awake.shutdown()
        if self.voice is not None:
            self.voice.close()
        super().closeEvent(event)
