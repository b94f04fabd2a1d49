"""Everything the window needs to play routines, built the first time one is chosen.

The player and audio-only views, the voice, keep-awake, and one PlayerController per routine
played: before start, what to get ready and the pain before (with the safety notice again
for a high rating); after the end, the engine's summary and the pain after. Each session is
written to the journal as it plays (the window's JournalRecorder). Kept out of
main_window.py so that opening the window loads none of it (start-up stays close to a bare
Qt window's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from routineplayer import APP_NAME
from routineplayer.core.rating_prompts import PainAnswer, When
from routineplayer.core.session import State
from routineplayer.core.summary import Summary
from routineplayer.core.timeline import Timeline
from routineplayer.gui.audio_only_view import AudioOnlyView
from routineplayer.gui.countdown import length_text
from routineplayer.gui.dialogs import Ask, PrestartDialog, SummaryDialog, confirm_stop_dialog
from routineplayer.gui.journal.pain_prompt import PainDialog
from routineplayer.gui.journal.safety_dialog import confirm_start
from routineplayer.gui.keep_awake import KeepAwake
from routineplayer.gui.player_controller import PlayerController
from routineplayer.gui.player_view import PlayerView
from routineplayer.runtime.session_driver import CueSink, SessionDriver
from routineplayer.runtime.summary_text import summary_lines
from routineplayer.runtime.voice import Voice, opening_texts

if TYPE_CHECKING:
    from routineplayer.gui.main_window import MainWindow

DriverFactory = Callable[[Timeline], SessionDriver]


class Playback(QObject):
    def __init__(
        self,
        window: MainWindow,
        *,
        make_driver: DriverFactory | None,
        ask: Ask,
        keep_awake: KeepAwake | None,
        speech: bool,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ask = ask
        # Speech is made lazily too (QtMultimedia, a worker process) when a routine is offered.
        self.voice: Voice | None = Voice(self) if speech else None
        self.make_driver = make_driver or self._default_driver
        self.keep_awake = keep_awake or KeepAwake()
        self.controller: PlayerController | None = None
        self.player_view = PlayerView()
        self.audio_view = AudioOnlyView()
        window.stack.addWidget(self.player_view)
        window.stack.addWidget(self.audio_view)
        # The banner says why speech is off and why the journal is not recording, if so;
        # neither stops play.
        self._voice_note = ""
        self._journal_note = ""
        if self.voice is not None:
            self.voice.status_changed.connect(self._set_voice_note)
        window.recorder.problem.connect(self._set_journal_note)
        window.recorder.caught_up.connect(self._set_journal_note)
        self._routine_title = ""
        self._audio_only = False
        self._was_full_screen = False

    @property
    def sink(self) -> CueSink | None:
        """Where prompts are said: the voice, when speech is on."""
        return self.voice.player if self.voice is not None else None

    def _default_driver(self, timeline: Timeline) -> SessionDriver:
        return SessionDriver.for_timeline(timeline, self.sink)

    def _set_voice_note(self, text: str) -> None:
        self._voice_note = text
        self._show_banner()

    def _set_journal_note(self, text: str) -> None:
        self._journal_note = text
        self._show_banner()

    def _show_banner(self) -> None:
        self.player_view.set_banner(
            " ".join(t for t in (self._voice_note, self._journal_note) if t)
        )

    # -- before ---------------------------------------------------------------------------------

    def offer(self, timeline: Timeline) -> bool:
        """What to get ready (the voice renders meanwhile), then play if the person starts."""
        if self.controller is not None:
            return False
        prestart = PrestartDialog(timeline.routine, length_text(timeline.total), self.window)
        if self.voice is not None:
            self.voice.progress.connect(prestart.show_voice_progress)
            self.voice.prepare(timeline)
        started = self.ask(prestart)
        if self.voice is not None:
            self.voice.progress.disconnect(prestart.show_voice_progress)
        pain = self._pain_before() if started else None
        if pain is None:
            if self.voice is not None:
                self.voice.cancel()
            return False
        self.play(timeline, pain)
        return True

    def _pain_before(self) -> PainAnswer | None:
        """The pain rating before play (skipping is an answer too); None when the safety
        notice, shown again for a high rating, was answered with "don't start"."""
        recorder = self.window.recorder
        dialog = PainDialog(
            When.BEFORE, location=recorder.last_location(), sink=self.sink, parent=self.window
        )
        self.ask(dialog)
        pain = dialog.answer
        if not confirm_start(self.ask, pain.level, sink=self.sink, parent=self.window):
            return None
        return pain

    # -- during ---------------------------------------------------------------------------------

    def play(self, timeline: Timeline, pain: PainAnswer | None = None) -> PlayerController:
        driver = self.make_driver(timeline)
        # Before the controller connects: the recorder must write each event (the session's
        # end above all) before the controller's slots open the modal summary.
        self.window.recorder.attach(driver)
        controller = PlayerController(driver, timeline, self.player_view, self.audio_view, self)
        controller.stop_requested.connect(self._confirm_stop)
        controller.audio_only_requested.connect(self.toggle_audio_only)
        controller.full_screen_requested.connect(self.window.toggle_full_screen)
        controller.help_requested.connect(self.window.toggle_help)
        controller.playing_changed.connect(self._on_playing)
        controller.ended.connect(self._on_ended)
        driver.state_changed.connect(self._update_title)
        self.controller = controller
        self._routine_title = timeline.routine.title
        self._journal_note = ""
        self.window.stack.setCurrentWidget(self.player_view)
        self.player_view.setFocus()
        if self.voice is None:
            self._begin(controller, pain)
        else:
            # Pressing Start at once must not lose the first minute's words to chimes: wait
            # (a second or two; at most FIRST_CUE_WAIT_MS) until they are rendered.
            # Then let the answer to the pain question finish: the opening must not be
            # queued behind it (and dropped as too late).
            self._set_voice_note("Preparing the voice…")
            controller.refresh()
            voice = self.voice
            voice.when_ready(
                opening_texts(timeline),
                lambda: voice.when_quiet(lambda: self._begin(controller, pain)),
            )
        return controller

    def _begin(self, controller: PlayerController, pain: PainAnswer | None) -> None:
        if controller is not self.controller:  # stopped or closed meanwhile: nothing played
            return
        if self.voice is not None:
            self._set_voice_note(self.voice.status)
        # Recorded as it starts: a routine stopped while the voice was still being prepared
        # never played, and leaves no session in the journal.
        self.window.recorder.begin(controller.timeline, pain=pain)
        controller.start()

    def _on_playing(self, playing: bool) -> None:
        if playing:
            self.keep_awake.acquire()
        else:
            self.keep_awake.release()

    def _update_title(self, state: State) -> None:
        if state in (State.FINISHED, State.IDLE):
            self.window.setWindowTitle(APP_NAME)
        else:
            word = "Paused" if state is State.PAUSED else "Playing"
            self.window.setWindowTitle(f"{word}: {self._routine_title} — {APP_NAME}")

    def _confirm_stop(self) -> None:
        controller = self.controller
        if controller is None or not self.ask(confirm_stop_dialog(self.window)):
            return
        if controller.session.state is State.IDLE:  # still waiting for the voice: nothing ran
            self._leave(controller)
        else:
            controller.stop()  # its STOPPED event brings the summary

    def toggle_audio_only(self) -> None:
        window = self.window
        if self.controller is None and not self._audio_only:
            return
        self._audio_only = not self._audio_only
        if self._audio_only:
            self._was_full_screen = window.isFullScreen()
            window.stack.setCurrentWidget(self.audio_view)
            self.audio_view.setFocus()
            window.showFullScreen()
        else:
            if not self._was_full_screen:
                window.showNormal()
            page = self.player_view if self.controller is not None else window.library_view
            window.stack.setCurrentWidget(page)
            page.setFocus()
        if self.controller is not None:
            self.controller.refresh()

    @property
    def audio_only(self) -> bool:
        return self._audio_only

    # -- after ----------------------------------------------------------------------------------

    def _on_ended(self, summary: Summary) -> None:
        title, lines = summary_lines(summary)
        controller = self.controller
        if controller is None:
            return
        if not self._audio_only:
            self._leave(controller)
            self.ask(SummaryDialog(title, lines, self.window))
            self._pain_after()
            return

        # On the floor, out of reach of the screen: the spoken question comes once the
        # closing words have been heard, still in audio-only mode; the summary after it.
        def ask_then_leave() -> None:
            if controller is not self.controller:  # the window closed meanwhile
                return
            self._pain_after()
            self._leave(controller)
            self.ask(SummaryDialog(title, lines, self.window))

        if self.voice is None:
            ask_then_leave()
        else:
            self.voice.when_quiet(ask_then_leave)

    def _pain_after(self) -> None:
        dialog = PainDialog(When.AFTER, sink=self.sink, parent=self.window)
        self.ask(dialog)
        self.window.recorder.record_pain_after(dialog.answer)

    def _leave(self, controller: PlayerController) -> None:
        """Back to the library; the routine's objects go."""
        self.controller = None
        self.keep_awake.release()
        if self._audio_only:
            self.toggle_audio_only()
        self.window.setWindowTitle(APP_NAME)
        self.window.show_library()
        controller.deleteLater()
        controller.driver.deleteLater()

    def close(self) -> None:
        """The window is closing: stop without a summary, release everything."""
        controller, self.controller = self.controller, None
        if controller is not None:
            controller.ended.disconnect(self._on_ended)
            controller.stop()
        self.keep_awake.shutdown()
        if self.voice is not None:
            self.voice.close()
