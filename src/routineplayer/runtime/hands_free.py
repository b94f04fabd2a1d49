"""Spoken answers during one session, written once for both players (the window and the
terminal): what to listen for at each moment, when not to listen, and what an answer does.

- Listens for the belly check's yes/no while the check waits, for the play commands
  (pause, carry on, next, stop) while a routine plays, and for a pain rating while a player
  asks for one (``ask_pain``). Nothing else is listened for.
- Never while our own voice plays: each cue mutes the listener from its start until
  ``ECHO_TAIL_MS`` after its end (a room's echo of it dies out by then), so the app's cues,
  including the confirmations said here, cannot become answers.
- core.voice_turns decides the rest: a sure answer is confirmed aloud and held for the undo
  window; a key pressed meanwhile (``key_pressed``, called by each player before it handles
  a key) cancels it; an unsure one asks again once, then the keys answer.
- Every answer carried out is noted in the journal as spoken.
- The microphone failing costs the spoken answers only: ``notice`` says so in one line,
  and the keys work as always.

QtCore only: the terminal player runs it without a display.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from routineplayer.core.session import RUNNING, State
from routineplayer.core.voice_answers import Kind, Moment, VoiceAnswer
from routineplayer.core.voice_turns import (
    HOLD_S,
    Action,
    Apply,
    Cancelled,
    KeysOnly,
    Say,
    VoiceTurns,
)
from routineplayer.runtime.commands import dispatch
from routineplayer.runtime.keymap import Command
from routineplayer.runtime.speak import say

if TYPE_CHECKING:
    from routineplayer.core.timeline import Segment
    from routineplayer.runtime.journal_recorder import JournalRecorder
    from routineplayer.runtime.session_driver import CueSink, SessionDriver
    from routineplayer.runtime.voice_listener import VoiceListener
    from routineplayer.speech.player import CuePlayer
    from routineplayer.speech.recogniser import Heard

ECHO_TAIL_MS = 400  # a living room's reverberation is well under this
QUIET_POLL_MS = 50
FALLBACK_LINE = "Spoken answers are off for now: {why} Answer with the keys."
_PAIN_TURN = "pain"


class HandsFree(QObject):
    listening_changed = Signal(bool)  # for the microphone indicator
    notice = Signal(str)  # a line for the player to show: what was heard, or why it stopped

    def __init__(
        self,
        driver: SessionDriver,
        listener: VoiceListener,
        *,
        sink: CueSink | None = None,
        cues: CuePlayer | None = None,
        recorder: JournalRecorder | None = None,
        clock: Callable[[], float] = time.monotonic,
        hold_s: float = HOLD_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.driver = driver
        self.listener = listener
        self.sink = sink
        self.recorder = recorder
        self._clock = clock
        self._turns = VoiceTurns(hold_s)
        self._pain: Callable[[VoiceAnswer], object] | None = None
        self._closed = False
        self._hold = QTimer(self)
        self._hold.setSingleShot(True)
        self._hold.setTimerType(Qt.TimerType.PreciseTimer)
        self._hold.timeout.connect(self._on_hold_over)
        # While muted: looks every QUIET_POLL_MS for the voice to have been quiet for
        # ECHO_TAIL_MS. Asked of the player, not counted from its signals: a cue that
        # cannot sound (visual only) starts without ever finishing.
        self._cues = cues
        self._quiet_since: float | None = None
        self._quiet = QTimer(self)
        self._quiet.setInterval(QUIET_POLL_MS)
        self._quiet.timeout.connect(self._check_quiet)
        driver.state_changed.connect(self._follow)
        driver.ticked.connect(self._follow)
        listener.heard.connect(self._on_heard)
        listener.failed.connect(self._on_failed)
        listener.listening_changed.connect(self.listening_changed)
        if cues is not None:
            cues.cue_started.connect(self._on_cue_started)
        self._follow()

    @property
    def held(self) -> VoiceAnswer | None:
        """The answer in its undo window, if any."""
        return self._turns.held

    # -- what the players call ------------------------------------------------------------------

    def ask_pain(self, answer: Callable[[VoiceAnswer], object]) -> None:
        """A player asks for a pain rating: listen for a number or "skip" until it is
        answered (by voice: ``answer`` is called; by key: the player calls ``end_pain``)."""
        self._pain = answer
        self._follow()

    def end_pain(self) -> None:
        self._pain = None
        self._follow()

    def key_pressed(self) -> None:
        """A key was pressed: an answer in its undo window is cancelled."""
        self._carry_out(self._turns.key_pressed())

    def close(self) -> None:
        """The session is over for this player: stop listening (the listener is shared)."""
        if self._closed:
            return
        self._closed = True
        self._hold.stop()
        self._quiet.stop()
        self._pain = None
        self._turns.ask(None)
        for signal, slot in (
            (self.driver.state_changed, self._follow),
            (self.driver.ticked, self._follow),
            (self.listener.heard, self._on_heard),
            (self.listener.failed, self._on_failed),
            (self.listener.listening_changed, self.listening_changed),
        ):
            signal.disconnect(slot)
        if self._cues is not None:  # a cue after this must not mute the shared listener
            self._cues.cue_started.disconnect(self._on_cue_started)
        self.listener.mute(False)
        self.listener.listen(None)
        self.listening_changed.emit(False)

    # -- following the session ------------------------------------------------------------------

    def _moment(self) -> tuple[Moment | None, object]:
        if self._pain is not None:
            return Moment.PAIN, _PAIN_TURN
        session = self.driver.session
        state = session.state
        if state not in RUNNING and state is not State.PAUSED:
            return None, None
        turn = session.segment_index
        if session.resume_state is State.CHECKING and not session.resets_exhausted:
            return Moment.CHECK, turn
        return Moment.PLAY, turn

    def _follow(self, *_: object) -> None:
        if self._closed:
            return
        moment, turn = self._moment()
        self._carry_out(self._turns.ask(moment, turn))
        self.listener.listen(moment if self._turns.listening else None)

    # -- hearing --------------------------------------------------------------------------------

    def _on_heard(self, heard: Heard) -> None:
        if self._closed:
            return
        answer = self._meaning(heard.answer)
        sure = bool(getattr(heard, "sure", True))
        self._carry_out(self._turns.heard(answer, sure, self._clock()))

    def _meaning(self, answer: VoiceAnswer | None) -> VoiceAnswer | None:
        """At the check, "carry on" and "next" mean No, as the clicker's next key does;
        paused there, "carry on" resumes."""
        if answer is None or self._turns.moment is not Moment.CHECK:
            return answer
        paused = self.driver.session.state is State.PAUSED
        if answer.kind is Kind.NEXT or (answer.kind is Kind.CARRY_ON and not paused):
            return VoiceAnswer(Kind.NO)
        return answer

    def _carry_out(self, actions: list[Action]) -> None:
        for action in actions:
            match action:
                case Say(text):
                    say(self.sink, text)
                    self.notice.emit(f"Heard: {text}")
                case Apply(answer):
                    self._apply(answer)
                case Cancelled(answer):
                    self.notice.emit(f"Not taken: {answer}.")
                case KeysOnly():
                    self.listener.listen(None)
        due = self._turns.due
        if due is None:
            self._hold.stop()
        else:
            self._hold.start(max(0, round((due - self._clock()) * 1000)))

    def _on_hold_over(self) -> None:
        self._carry_out(self._turns.tick(self._clock()))
        if self._turns.due is not None:  # the clock ran behind the timer: look again soon
            self._hold.start(20)

    def _apply(self, answer: VoiceAnswer) -> None:
        kind = answer.kind
        if kind in (Kind.PAIN, Kind.SKIP):
            # The player notes it as spoken with the rating (PainAnswer.spoken): the pain
            # before is asked before the journal has a session to note it in.
            callback, self._pain = self._pain, None
            if callback is not None:
                callback(answer)
            self._follow()
            return
        session = self.driver.session
        seg = session.segment
        state = session.state
        if kind in (Kind.YES, Kind.NO):
            if session.resume_state is State.CHECKING:
                self._record("check", answer, seg)
                dispatch(self.driver, Command.YES if kind is Kind.YES else Command.NO)
            return
        if kind is Kind.PAUSE and state in RUNNING:
            self.driver.pause()
        elif kind is Kind.CARRY_ON and state is State.PAUSED:
            self.driver.resume()
        elif kind is Kind.NEXT and state is not State.FINISHED:
            self.driver.skip()
        elif kind is Kind.STOP and state is not State.FINISHED:
            self.driver.stop()
        else:
            return
        self._record("play", answer, seg)

    def _record(self, question: str, answer: VoiceAnswer, seg: Segment | None = None) -> None:
        if self.recorder is None:
            return
        # The opening lead-in has step -1: no step of the routine.
        if seg is None or seg.step_index < 0:
            self.recorder.record_voice_answer(question, str(answer))
        else:
            self.recorder.record_voice_answer(question, str(answer), seg.step_index, seg.set_number)

    # -- never hearing ourselves ----------------------------------------------------------------

    def _on_cue_started(self, _text: str) -> None:
        self._quiet_since = None
        self.listener.mute(True)
        self._quiet.start()

    def _check_quiet(self) -> None:
        if self._closed or self._cues is None:
            self._quiet.stop()
            return
        if self._cues.speaking is not None:
            self._quiet_since = None
            return
        now = time.monotonic()
        if self._quiet_since is None:
            self._quiet_since = now
        elif now - self._quiet_since >= ECHO_TAIL_MS / 1000:
            self._quiet.stop()
            self.listener.mute(False)

    def _on_failed(self, why: str) -> None:
        self.notice.emit(FALLBACK_LINE.format(why=why.rstrip(".") + "."))
        self.listening_changed.emit(False)
