"""The main window: the library first; playing is gui/playback.py, loaded when first needed.

Only the library is built at start-up. The player, its views, the voice and keep-awake
come with the first routine chosen (see Playback), and the help overlay with the first F1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from routineplayer import APP_NAME
from routineplayer.gui.library_view import LibraryView, RoutineCard
from routineplayer.gui.routine_source import RoutineSource
from routineplayer.gui.theme import refresh_muted
from routineplayer.gui.window_settings import restore_geometry, save_geometry

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from routineplayer.core.timeline import Timeline
    from routineplayer.gui.audio_only_view import AudioOnlyView
    from routineplayer.gui.help_overlay import HelpOverlay
    from routineplayer.gui.keep_awake import KeepAwake
    from routineplayer.gui.playback import DriverFactory, Playback
    from routineplayer.gui.player_controller import PlayerController
    from routineplayer.gui.player_view import PlayerView
    from routineplayer.gui.voice import Voice


def exec_dialog(dialog: QDialog) -> bool:
    """dialogs.exec_dialog, without loading the dialogs before one is needed."""
    from routineplayer.gui.dialogs import exec_dialog as run_modal

    return run_modal(dialog)


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
        self.ask = ask  # tests replace this seam: no modal loops in tests
        self._make_driver = make_driver
        self._keep_awake = keep_awake
        self._speech = speech
        self._playback: Playback | None = None
        self._help: HelpOverlay | None = None

        self.library_view = LibraryView()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.library_view)
        self.setCentralWidget(self.stack)
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

    def show_library(self) -> None:
        self.stack.setCurrentWidget(self.library_view)
        self.library_view.list.setFocus()

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

    # -- window -------------------------------------------------------------------------------

    @property
    def help(self) -> HelpOverlay:
        if self._help is None:
            from routineplayer.gui.help_overlay import HelpOverlay

            self._help = HelpOverlay(self.stack)
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
        from routineplayer.gui.keymap import Command, command_for_key

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
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.audio_only:  # full-screen floor mode is not where to reopen next time
            save_geometry(self)
        if self._playback is not None:
            self._playback.close()
        super().closeEvent(event)
