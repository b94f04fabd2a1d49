"""The flow around one session, written once for both players (the window and the terminal).

    pain before -> (a rating of 8 or more) the safety notice, confirmed -> the voice ready
    (the first minute rendered, the answer to the question said) -> the journal starts
    recording -> the driver starts ... the session ends -> the summary -> (by ear) the voice
    quiet -> pain after -> recorded -> leave

What to get ready before a routine (the window's dialog, the terminal's lines and Enter)
stays with each player: it comes before there is anything to flow. Everything that needs a
person is asked of the player through ``FlowFrontEnd``; each answer comes back through a
callback, so a modal dialog (which answers at once) and a key prompt (which answers later)
both fit. A new question before a routine is added here, once.

QtCore only (no widgets, nothing from gui/): the terminal player runs it without a display.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from routineplayer.core.rating_prompts import PainAnswer, When
from routineplayer.core.safety import notice_needed_before_play
from routineplayer.core.session import Event, EventKind
from routineplayer.core.timeline import Timeline
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.runtime.summary_text import summary_lines
from routineplayer.runtime.voice import opening_texts

if TYPE_CHECKING:
    from routineplayer.core.pain import PainLocation
    from routineplayer.runtime.journal_recorder import JournalRecorder
    from routineplayer.runtime.voice import Voice


class Stage(Enum):
    """Where a flow is; ``SessionFlow.stage_changed`` carries it."""

    NEW = "new"  # made: start() asks the first question
    PAIN_BEFORE = "pain before"  # the pain question before play waits for its answer
    SAFETY = "safety"  # a high rating: the safety notice waits for "go ahead" or "don't"
    VOICE = "voice"  # going ahead: waiting for the voice (rendered, then quiet)
    PLAYING = "playing"  # the driver runs and the journal records
    AFTER = "after"  # ended: the summary, then the pain question after
    DONE = "done"  # left (played or not), or given up by the player (abandon)


class FlowFrontEnd(Protocol):
    """What the flow asks of a player: the moments that need a person or a view.

    Each ``answer`` is called once: at once (a modal dialog) or later (a key).
    """

    @property
    def audio_only(self) -> bool:
        """True while the person follows by ear (the terminal; the window's audio-only
        mode): the question after the session then waits until the closing words are heard."""
        ...

    def ask_pain(
        self, when: When, location: PainLocation | None, answer: Callable[[PainAnswer], None]
    ) -> None:
        """The pain rating; ``location`` presets where it was last time. A skip is an
        answer too: ``PainAnswer(None)``."""

    def confirm_safety(self, pain_before: int, answer: Callable[[bool], None]) -> None:
        """The safety notice again, for a high rating: True goes ahead, False does not start."""

    def about_to_play(self, voice_pending: bool) -> None:
        """Going ahead: show the player. Play starts once the voice is ready;
        ``voice_pending``: its first minute is still being rendered (a moment)."""

    def show_summary(self, heading: str, lines: list[str]) -> None:
        """The session has ended (finished or stopped): what was done."""

    def leave(self, played: bool) -> None:
        """The flow is over: back to the library, or out of the program. ``played`` is
        False when the person chose not to start (at the safety notice)."""


class SessionFlow(QObject):
    """One session's flow, from the pain question before to the one after. Made per routine,
    with the driver that will play it, and held by its front-end: no Qt parent, so it goes
    when the front-end lets go of it (the window does so as it leaves)."""

    stage_changed = Signal(object)  # Stage

    def __init__(
        self,
        driver: SessionDriver,
        timeline: Timeline,
        front: FlowFrontEnd,
        *,
        recorder: JournalRecorder | None = None,
        voice: Voice | None = None,
    ) -> None:
        super().__init__()
        self.driver = driver
        self.timeline = timeline
        self.front = front
        self.recorder = recorder
        self.voice = voice
        self.stage = Stage.NEW
        self.pain_before: PainAnswer | None = None
        if recorder is not None:
            # The first of the driver's listeners: each event (the session's end above all)
            # is queued for the journal before a player hears of it.
            recorder.attach(driver)

    @property
    def under_way(self) -> bool:
        """Going ahead: from waiting for the voice until the flow is over."""
        return self.stage in (Stage.VOICE, Stage.PLAYING, Stage.AFTER)

    def start(self) -> None:
        """Ask the pain before, and go on from its answer. Once only: a second Enter while
        the first is under way does nothing."""
        if self.stage is not Stage.NEW:
            return
        self._to(Stage.PAIN_BEFORE)
        location = self.recorder.last_location() if self.recorder is not None else None
        self.front.ask_pain(When.BEFORE, location, self._after_pain_before)

    def abandon(self) -> None:
        """The player is going (its window closes, a signal, a stop before play began):
        nothing more is asked, nothing starts, and the session's end brings no summary."""
        if self.stage is not Stage.DONE:
            self._to(Stage.DONE)

    def when_quiet(self, then: Callable[[], object]) -> None:
        """Call ``then`` once the voice has finished what it is saying (at once without one)."""
        if self.voice is None:
            then()
        else:
            self.voice.when_quiet(then)

    # -- before ---------------------------------------------------------------------------------

    def _to(self, stage: Stage) -> None:
        self.stage = stage
        self.stage_changed.emit(stage)

    def _after_pain_before(self, pain: PainAnswer) -> None:
        if self.stage is not Stage.PAIN_BEFORE:  # given up meanwhile
            return
        self.pain_before = pain
        if pain.level is not None and notice_needed_before_play(pain.level):
            self._to(Stage.SAFETY)
            self.front.confirm_safety(pain.level, self._after_safety)
        else:
            self._get_ready()

    def _after_safety(self, go_ahead: bool) -> None:
        if self.stage is not Stage.SAFETY:
            return
        if go_ahead:
            self._get_ready()
        else:
            self._finish(played=False)

    def _get_ready(self) -> None:
        self._to(Stage.VOICE)
        voice = self.voice
        texts = opening_texts(self.timeline) if voice is not None else []
        self.front.about_to_play(voice is not None and not voice.ready(texts))
        if voice is None:
            self._begin()
            return
        # Starting at once must not lose the first minute's words to chimes: wait (a second
        # or two; at most voice.FIRST_CUE_WAIT_MS) until they are rendered. Then let the
        # answer to the pain question be said: the opening queued behind it would be
        # dropped as too late.
        voice.when_ready(texts, lambda: voice.when_quiet(self._begin))

    def _begin(self) -> None:
        if self.stage is not Stage.VOICE:  # left while the voice was prepared: nothing played
            return
        # From now on, and so after the player's own listeners: its handling of the end (the
        # closing words' line, the window's `ended`) comes before the summary.
        self.driver.event_emitted.connect(self._on_event)
        self._to(Stage.PLAYING)
        # Recorded as it starts: a routine left while the voice was still being prepared
        # never played, and leaves no session in the journal.
        if self.recorder is not None:
            self.recorder.begin(self.timeline, pain=self.pain_before)
        self.driver.start()

    # -- after ----------------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            # Once the events still being delivered (the closing words) are out, and the
            # player has dealt with them: the summary may be a modal dialog.
            QTimer.singleShot(0, self._end)

    def _end(self) -> None:
        if self.stage is not Stage.PLAYING:  # given up (the window closed, a signal)
            return
        self._to(Stage.AFTER)
        by_ear = self.front.audio_only
        heading, lines = summary_lines(self.driver.session.summary())
        self.front.show_summary(heading, lines)
        if by_ear:  # the question must not cut the closing words short
            self.when_quiet(self._ask_pain_after)
        else:
            self._ask_pain_after()

    def _ask_pain_after(self) -> None:
        if self.stage is Stage.AFTER:
            self.front.ask_pain(When.AFTER, None, self._after_pain_after)

    def _after_pain_after(self, pain: PainAnswer) -> None:
        if self.stage is not Stage.AFTER:
            return
        if self.recorder is not None:
            self.recorder.record_pain_after(pain)
        self._finish(played=True)

    def _finish(self, *, played: bool) -> None:
        self._to(Stage.DONE)
        if not played and self.voice is not None:
            self.voice.cancel()  # nothing of this routine will be said: stop rendering it
        self.front.leave(played)
