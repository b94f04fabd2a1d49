"""Binds one playing session (through its SessionDriver) to the player and audio-only views.

Everything shown is read back from the session on each state change, event and tick, so the
views cannot disagree with the engine. Commands from keys, clickers and buttons all arrive
here as keymap.Command values.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAccessible

from routineplayer.core.figure_timing import FigureMoment, figure_moment, next_motion
from routineplayer.core.session import RUNNING, Event, EventKind, Session, State
from routineplayer.core.timeline import Segment, SegmentKind, Timeline
from routineplayer.gui.announce import announce
from routineplayer.gui.audio_only_view import AudioOnlyView
from routineplayer.gui.countdown import time_left_text
from routineplayer.gui.design_tokens import Mood
from routineplayer.gui.player_view import Page, PlayerView
from routineplayer.runtime.commands import dispatch
from routineplayer.runtime.keymap import Command
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.runtime.view_text import (
    audio_only_title,
    next_step_text,
    rep_text,
    reps_text,
    set_text,
    sets_ahead_text,
    time_left,
)

_PAGE_FOR_STATE = {
    State.LEAD_IN: Page.GET_READY,
    State.WAITING_DONE: Page.WAIT_DONE,
    State.CHECKING: Page.CHECK,
    State.RESETTING: Page.RESET,
}

BREATH_FRAME_MS = 50
_MOOD_FOR_PAGE = {Page.GET_READY: Mood.GET_READY, Page.RESET: Mood.REST, Page.CHECK: Mood.CHECK}


class PlayerController(QObject):
    stop_requested = Signal()  # Esc: the window asks for confirmation, then calls stop()
    audio_only_requested = Signal()
    full_screen_requested = Signal()
    help_requested = Signal()
    playing_changed = Signal(bool)  # for keep-awake: True while a routine is under way
    ended = Signal(object)  # the session's summary, after it finished or was stopped

    def __init__(
        self,
        driver: SessionDriver,
        timeline: Timeline,
        view: PlayerView,
        audio_view: AudioOnlyView,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.driver = driver
        self.timeline = timeline
        self.view = view
        self.audio_view = audio_view
        self._playing = False
        self._caption = ""  # the last thing said, shown for when the sound is off
        self._exhausted_text = ""
        self._moment: tuple[int, Page, bool] | None = None  # last told to a screen reader
        self._minutes_left = 0
        self._answers_focused = False  # the check's answers were given the focus
        self._frame = QTimer(self)
        self._frame.setTimerType(Qt.TimerType.PreciseTimer)
        self._frame.timeout.connect(self.animate)
        driver.state_changed.connect(self._on_state)
        driver.event_emitted.connect(self._on_event)
        driver.ticked.connect(self._on_tick)
        view.command.connect(self.run)
        audio_view.command.connect(self.run)

    @property
    def session(self) -> Session:
        return self.driver.session

    def start(self) -> None:
        self.driver.start()

    def stop(self) -> None:
        self.driver.stop()

    # -- commands -----------------------------------------------------------------------------

    def run(self, command: Command) -> None:
        if not dispatch(self.driver, command):
            signal = {
                Command.STOP: self.stop_requested,
                Command.AUDIO_ONLY: self.audio_only_requested,
                Command.FULL_SCREEN: self.full_screen_requested,
                Command.HELP: self.help_requested,
            }.get(command)
            if signal is not None:
                signal.emit()

    # -- engine -> views ----------------------------------------------------------------------

    def _on_state(self, state: State) -> None:
        playing = state in RUNNING  # the screen stays awake in these
        if playing != self._playing:
            self._playing = playing
            self.playing_changed.emit(playing)

    def _on_event(self, event: Event) -> None:
        if event.kind is EventKind.CUE and event.text and not event.text.isdigit():
            self._caption = event.text  # the 3-2-1 countdown is on screen already
        elif event.kind is EventKind.RESETS_EXHAUSTED:
            self._exhausted_text = event.text
        elif event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            self._frame.stop()
            finished = event.kind is EventKind.FINISHED
            announce(self.view, "Routine finished." if finished else "Routine stopped.")
            # After the driver has delivered the closing cue: the window may open a dialog.
            QTimer.singleShot(0, lambda: self.ended.emit(self.session.summary()))

    def _on_tick(self, remaining: float | None) -> None:
        # The driver ticks after every command and timer, once all their events are out:
        # one refresh per batch, however many events it held.
        self.refresh()

    def refresh(self) -> None:
        session = self.session
        state = session.state
        segment: Segment | None = session.segment
        view = self.view
        view.set_paused(state is State.PAUSED)
        progress = session.progress()
        view.set_progress(progress)
        view.time_left.setText(time_left_text(time_left(session)))
        remaining = session.remaining()
        if segment is None:
            return
        shown_state = session.resume_state
        page = self._page_for(shown_state, segment)
        view.show_page(page)
        view.title.setText(segment.title)
        # The get-ready page says "Get ready" itself, in large type.
        info = sets_ahead_text(segment) if page is Page.GET_READY else None
        view.set_info.setText(set_text(segment, shown_state) if info is None else info)
        view.next_step.setText(next_step_text(session.segments, session.segment_index))
        upcoming = next_motion(self.timeline.steps, session.segments, session.segment_index)
        view.next_figure.set_motion(upcoming)
        view.next_figure.setVisible(upcoming is not None)
        view.instruction.setText("" if page in (Page.CHECK, Page.RESET) else segment.instruction)
        # What was said is shown only when it adds to what is on screen already (the
        # instruction, the question, the reset cue), never the same words twice.
        on_screen = segment.instruction
        repeated = bool(on_screen) and (on_screen in self._caption or self._caption in on_screen)
        view.set_caption("" if repeated else self._caption)
        total = segment.duration or 0.0
        fraction = remaining / total if remaining is not None and total > 0 else 1.0
        view.show_segment_progress(
            fraction,
            Mood.PAUSED if state is State.PAUSED else _MOOD_FOR_PAGE.get(page, Mood.WORKING),
        )
        if page is Page.TIMER:
            view.countdown.show_remaining(remaining)
            view.show_rep(rep_text(self.timeline, segment, session.elapsed_in_segment()))
        elif page is Page.GET_READY:
            view.get_ready.show_remaining(remaining)
        elif page is Page.WAIT_DONE:
            view.reps.setText(reps_text(self.timeline, segment))
        elif page is Page.CHECK:
            if session.resets_exhausted:
                view.check.exhausted(self._exhausted_text)
            else:
                view.check.ask(segment.instruction)
        elif page is Page.RESET:
            view.reset.show_reset(segment.instruction, remaining, segment.duration or 0.0)
        moment = self._figure_moment(page)
        view.figure.setVisible(moment is not None)
        if moment is not None:
            view.figure.set_motion(moment.motion, mirror=moment.mirror)
            view.figure.show_phase(moment.phase)
        # No frames nobody sees: paused, minimised, hidden, or in audio-only mode.
        breathing = page is Page.BREATHING and view.breathing.isVisible()
        moving = moment is not None and moment.moving and view.figure.isVisible()
        seen = not view.window().isMinimized()
        self._animate((breathing or moving) and state is State.WORKING and seen)
        if page is Page.BREATHING:
            self.animate()
        self._tell_assistive_technology(page, state is State.PAUSED, remaining)
        title = audio_only_title(segment, shown_state)
        self.audio_view.show_status(
            title,
            remaining,
            paused=state is State.PAUSED,
            fraction=fraction,
            getting_ready=page is Page.GET_READY,
        )

    # -- screen readers -----------------------------------------------------------------------

    def _tell_assistive_technology(self, page: Page, paused: bool, remaining: float | None) -> None:
        """Announce each new moment once (a step, the check, the reset, paused), and the
        time left at whole minutes; move the focus to the answers when the check appears."""
        view = self.view
        if self.session.state in (State.IDLE, State.FINISHED):
            return  # nothing has begun yet, or it is over (the end was announced)
        moment = (self.session.segment_index, page, paused)
        if moment != self._moment:
            self._moment = moment
            self._minutes_left = math.ceil(remaining / 60) if remaining else 0
            announce(view, moment_words(view, page, paused))
            self._focus_for(page)
        elif remaining and not paused:
            minutes = math.ceil(remaining / 60)
            if minutes < self._minutes_left:
                self._minutes_left = minutes
                announce(view, f"{minutes} minute{'s' if minutes > 1 else ''} left")

    def _focus_for(self, page: Page) -> None:
        view = self.view
        if not view.isVisible():
            return  # audio-only mode has the keys
        check = view.check
        if page is Page.CHECK and QAccessible.isActive() and check.yes_button.isVisible():
            # The answers are where a screen-reader user's focus should be; others keep
            # the player's keys (Enter there means pause, not "yes").
            check.yes_button.setFocus(Qt.FocusReason.OtherFocusReason)
            self._answers_focused = True
        elif page is not Page.CHECK and self._answers_focused:
            # The answers are hidden now: the focus goes back to the player's keys.
            self._answers_focused = False
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _page_for(self, state: State, segment: Segment) -> Page:
        if state is State.WORKING and segment.breath:
            return Page.BREATHING
        if segment.kind is SegmentKind.CHECK:
            return Page.CHECK
        return _PAGE_FOR_STATE.get(state, Page.TIMER)

    # -- the breathing animation --------------------------------------------------------------

    def _figure_moment(self, page: Page) -> FigureMoment | None:
        segment = self.session.segment
        if segment is None or page in (Page.CHECK, Page.RESET):
            return None
        return figure_moment(self.timeline.steps, segment, self.session.elapsed_in_segment())

    def _animate(self, on: bool) -> None:
        if on and not self._frame.isActive():
            self._frame.start(frame_interval_ms())
        elif not on and self._frame.isActive():
            self._frame.stop()

    def animate(self) -> None:
        """One frame at the session's elapsed time in this segment: the jellyfish of a
        breathing step, and the movement's figure."""
        segment = self.session.segment
        if segment is None:
            return
        elapsed = self.session.elapsed_in_segment()
        if segment.breath:
            self.view.breathing.show_breath(segment.breath, elapsed, self.session.remaining())
        if self.view.figure.isVisible():
            moment = figure_moment(self.timeline.steps, segment, elapsed)
            if moment is not None:
                self.view.figure.show_phase(moment.phase)


def frame_interval_ms() -> int:
    """20 frames a second, for the breathing and the movement figures alike. On a 1100x620
    page the fastest points of a 4 s breath (the bell's edge mid-breath, a tentacle's tip)
    move ~17 px a second, under a pixel a frame (about 2 px on a full-HD screen).
    Measured under Xvfb (bench_power's breathing): the whole app 7.2 % of a core at 30,
    5.3 % at 24; a frame costs ~1.5 ms, half of it the paint (issue: light on the battery)."""
    return BREATH_FRAME_MS


def moment_words(view: PlayerView, page: Page, paused: bool) -> str:
    """What a screen reader is told as a moment begins: what the screen is now about."""
    if paused:
        return "Paused. Press Space to carry on."
    what = ", ".join(t for t in (view.title.text(), view.set_info.text()) if t)
    if page is Page.GET_READY:
        return f"Get ready: {what}. {view.get_ready.countdown.text()}"
    if page is Page.CHECK:
        question = view.check.question.text()
        return f"{question} Yes or no." if view.check.yes_button.isVisible() else question
    if page is Page.RESET:
        return f"Rest and reset, {view.reset.countdown.text()}. {view.reset.cue.text()}"
    if page is Page.WAIT_DONE:
        return f"{what}: {view.reps.text()}. Press Enter when the set is done."
    if page is Page.BREATHING:
        return f"{what}. {view.breathing.time_left.text()}"
    rep = f", {view.rep.text()}" if view.rep.isVisible() else ""
    left = view.countdown.text()
    unit = "" if ":" in left else " seconds" if left != "1" else " second"
    return f"{what}{rep}. {left}{unit} left." if left else f"{what}{rep}."
