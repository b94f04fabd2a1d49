"""Everything the window needs to play routines, built the first time one is chosen.

The player and audio-only views, the voice, keep-awake, and per routine played: what to get
ready (the prestart dialog), then one runtime.session_flow.SessionFlow, the flow the
terminal player runs too, for which this is the window's front-end: the pain questions and
the safety notice as dialogs, a PlayerController over the views while it plays, the summary
as a dialog. Each session is written to the journal as it plays (the window's
JournalRecorder). Kept out of main_window.py so that opening the window loads none of it
(start-up stays close to a bare Qt window's).

main_window imports this module, so this one knows the window only as ``PlayerWindow``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

from routineplayer import APP_NAME
from routineplayer.core.figure_timing import first_movement
from routineplayer.core.rating_prompts import PainAnswer, When, key_for_rating
from routineplayer.core.session import State
from routineplayer.core.timeline import Timeline
from routineplayer.core.voice_answers import VoiceAnswer
from routineplayer.gui.audio_only_view import AudioOnlyView
from routineplayer.gui.dialogs import (
    STOP_QUESTION_SPOKEN,
    Ask,
    PrestartDialog,
    SummaryDialog,
    confirm_stop_dialog,
)
from routineplayer.gui.journal.pain_prompt import PainDialog
from routineplayer.gui.journal.safety_dialog import confirm_start
from routineplayer.gui.keep_awake import KeepAwake
from routineplayer.gui.player_controller import PlayerController
from routineplayer.gui.player_view import PlayerView
from routineplayer.runtime.hands_free import HandsFree
from routineplayer.runtime.session_driver import CueSink, SessionDriver
from routineplayer.runtime.session_flow import SessionFlow, Stage
from routineplayer.runtime.speak import QUESTION_CHIME, say
from routineplayer.runtime.voice import Voice
from routineplayer.speech.voice_answer_settings import load_voice_answer_settings

if TYPE_CHECKING:
    from routineplayer.core.pain import PainLocation
    from routineplayer.runtime.journal_recorder import JournalRecorder
    from routineplayer.runtime.voice_listener import VoiceListener

DriverFactory = Callable[[Timeline], SessionDriver]


class PlayerWindow(Protocol):
    """What playing needs of the main window (main_window.MainWindow)."""

    @property
    def stack(self) -> QStackedWidget: ...

    @property
    def library_view(self) -> QWidget: ...

    @property
    def recorder(self) -> JournalRecorder: ...

    def show_library(self) -> None: ...

    def toggle_full_screen(self) -> None: ...

    def toggle_help(self) -> None: ...

    def window(self) -> QWidget:
        """QWidget.window(): the window itself, as a widget (the parent of the dialogs)."""
        ...

    def isFullScreen(self) -> bool: ...

    def showFullScreen(self) -> None: ...

    def showNormal(self) -> None: ...

    def setWindowTitle(self, title: str, /) -> None: ...


class Playback(QObject):
    """The window's player, and its front-end to each routine's SessionFlow."""

    # The library name of the routine whose session begins, and None when it has ended.
    playing_routine = Signal(object)

    def __init__(
        self,
        window: PlayerWindow,
        *,
        make_driver: DriverFactory | None,
        ask: Ask,
        keep_awake: KeepAwake | None,
        speech: bool,
    ) -> None:
        widget = window.window()
        super().__init__(widget)
        self.widget = widget
        self.window = window
        self.ask = ask
        # Speech is made lazily too (QtMultimedia, a worker process) when a routine is offered.
        self.voice: Voice | None = Voice(self) if speech else None
        self.make_driver = make_driver or self._default_driver
        self.keep_awake = keep_awake or KeepAwake()
        self.flow: SessionFlow | None = None  # from the pain question before to the one after
        self.controller: PlayerController | None = None  # while the player shows
        self._summary: tuple[str, list[str]] | None = None  # shown once back from audio-only
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
        # Spoken answers (Settings → Spoken answers): the listener is made at the first
        # session that wants it and kept, as its recogniser takes a moment to load.
        self.listener: VoiceListener | None = None
        self._listener_device: str | None = None
        self.hands_free: HandsFree | None = None  # for the session under way, if listening

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
        """What to get ready (the voice renders meanwhile), then play if the person starts;
        False if they did not (at any question before play)."""
        if self.flow is not None:
            return False
        prestart = PrestartDialog(
            timeline.routine, timeline.length, self.widget, first=first_movement(timeline.steps)
        )
        if self.voice is not None:
            self.voice.progress.connect(prestart.show_voice_progress)
            self.voice.prepare(timeline)
        started = self.ask(prestart)
        if self.voice is not None:
            self.voice.progress.disconnect(prestart.show_voice_progress)
        if not started:
            if self.voice is not None:
                self.voice.cancel()
            return False
        return self.play(timeline)

    def play(self, timeline: Timeline) -> bool:
        """Run the session flow (pain before, ...) for ``timeline``; False if not started."""
        driver = self.make_driver(timeline)
        flow = SessionFlow(driver, timeline, self, recorder=self.window.recorder, voice=self.voice)
        flow.stage_changed.connect(self._on_stage)
        self.flow = flow
        self._listen_to(driver)
        source = timeline.routine.source
        self.playing_routine.emit(Path(source).stem if source else timeline.routine.title)
        flow.start()  # the dialogs answer at once: it has started, or it has left
        return self.flow is flow

    # -- the flow's front-end (runtime.session_flow.FlowFrontEnd) --------------------------------

    def ask_pain(
        self, when: When, location: PainLocation | None, answer: Callable[[PainAnswer], None]
    ) -> None:
        dialog = PainDialog(when, location=location, sink=self.sink, parent=self.widget)
        hands_free = self.hands_free
        if hands_free is not None:
            # A rating said aloud is taken as the key it stands for; any key cancels one
            # still held in its undo window.
            dialog.installEventFilter(self)
            hands_free.ask_pain(lambda said: _spoken_rating(dialog, said))
        self.ask(dialog)
        if hands_free is not None:
            hands_free.end_pain()
        answer(dialog.answer)

    def confirm_safety(self, pain_before: int, answer: Callable[[bool], None]) -> None:
        answer(confirm_start(self.ask, pain_before, sink=self.sink, parent=self.widget))

    def about_to_play(self, voice_pending: bool) -> None:
        flow = self.flow
        assert flow is not None
        driver = flow.driver
        controller = PlayerController(
            driver, flow.timeline, self.player_view, self.audio_view, self
        )
        controller.stop_requested.connect(self._confirm_stop)
        controller.audio_only_requested.connect(self.toggle_audio_only)
        controller.full_screen_requested.connect(self.window.toggle_full_screen)
        controller.help_requested.connect(self.window.toggle_help)
        controller.playing_changed.connect(self._on_playing)
        driver.state_changed.connect(self._update_title)
        self.controller = controller
        self._routine_title = flow.timeline.routine.title
        self._journal_note = ""
        hands_free = self.hands_free
        if hands_free is not None:
            for view in (self.player_view, self.audio_view):
                view.command.connect(hands_free.key_pressed)
        self.window.stack.setCurrentWidget(self.player_view)
        self.player_view.setFocus()
        if self.voice is not None:
            if voice_pending:
                self._set_voice_note("Preparing the voice…")
            controller.refresh()  # the first step shows while the voice gets ready

    def show_summary(self, heading: str, lines: list[str]) -> None:
        if self._audio_only:
            # On the floor, out of reach of the screen: the spoken question comes first,
            # still in audio-only mode; the summary once back at the window (leave).
            self._summary = (heading, lines)
            return
        self._leave_player()
        self.ask(SummaryDialog(heading, lines, self.widget))

    def leave(self, played: bool) -> None:
        self._stop_listening()
        flow, self.flow = self.flow, None
        if flow is not None:
            self.playing_routine.emit(None)
        self._leave_player()
        if flow is not None:
            flow.driver.deleteLater()  # the flow goes with its last reference
        summary, self._summary = self._summary, None
        if summary is not None:
            self.ask(SummaryDialog(*summary, self.widget))

    # -- during ---------------------------------------------------------------------------------

    def _on_stage(self, stage: Stage) -> None:
        if stage is Stage.PLAYING and self.voice is not None:
            self._set_voice_note(self.voice.status)

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
        if controller is None:
            return
        say(self.sink, STOP_QUESTION_SPOKEN, chime=QUESTION_CHIME)
        if not self.ask(confirm_stop_dialog(self.widget)):
            return
        if controller.session.state is State.IDLE:  # still waiting for the voice: nothing ran
            if self.flow is not None:
                self.flow.abandon()
            self.leave(played=False)
        else:
            controller.stop()  # its STOPPED event brings the flow's summary

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

    def _leave_player(self) -> None:
        """Back to the library (once); the player's controller goes."""
        controller, self.controller = self.controller, None
        if controller is None:
            return
        self.keep_awake.release()
        if self._audio_only:
            self.toggle_audio_only()
        self.window.setWindowTitle(APP_NAME)
        self.window.show_library()
        controller.deleteLater()

    def close(self) -> None:
        """The window is closing: stop without a summary, release everything."""
        self._stop_listening()
        flow, self.flow = self.flow, None
        controller, self.controller = self.controller, None
        if flow is not None:
            flow.abandon()  # the STOPPED below is recorded, and asks nothing
        if controller is not None:
            controller.stop()
        self.keep_awake.shutdown()
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        if self.voice is not None:
            self.voice.close()

    # -- spoken answers -------------------------------------------------------------------------

    def _listen_to(self, driver: SessionDriver) -> None:
        """Spoken answers for this session, if the person turned them on."""
        settings = load_voice_answer_settings()
        if not settings.enabled:
            return
        if self.listener is None or self._listener_device != settings.device:
            if self.listener is not None:
                self.listener.close()
            # Imported here: pocketsphinx and the input side of QtMultimedia cost nothing to
            # the many who never turn spoken answers on.
            from routineplayer.runtime.microphone import Microphone, device_matching
            from routineplayer.runtime.voice_listener import VoiceListener

            self.listener = VoiceListener(Microphone(device_matching(settings.device)), parent=self)
            self._listener_device = settings.device
        hands_free = HandsFree(
            driver,
            self.listener,
            sink=self.sink,
            cues=self.voice.player if self.voice is not None else None,
            recorder=self.window.recorder,
            parent=self,
        )
        for view in (self.player_view, self.audio_view):
            hands_free.listening_changed.connect(view.mic.set_listening)
            hands_free.notice.connect(view.mic.show_notice)
            view.mic.set_listening(False)
        self.hands_free = hands_free

    def _stop_listening(self) -> None:
        hands_free, self.hands_free = self.hands_free, None
        if hands_free is None:
            return
        hands_free.close()
        if self.listener is not None:
            # Off between routines: the desktop's "microphone in use" sign goes with it.
            self.listener.microphone.stop()
        for view in (self.player_view, self.audio_view):
            with contextlib.suppress(RuntimeError):  # not connected: play never began
                view.command.disconnect(hands_free.key_pressed)
            view.mic.hide()
        hands_free.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A key in the pain dialog cancels a spoken rating still held."""
        if event.type() == QEvent.Type.KeyPress and self.hands_free is not None:
            self.hands_free.key_pressed()
        return False


def _spoken_rating(dialog: PainDialog, said: VoiceAnswer) -> None:
    """A rating said aloud (and not undone): taken as the key it stands for."""
    dialog.prompt.interview.spoken = True
    dialog.prompt.press(key_for_rating(said.pain))
