"""Writes a played session into the journal as it happens, from the session's event stream.

``begin`` records the start (and the pain before), each SET_ENDED event records that set at
once, and FINISHED or STOPPED records how the session ended. The journal commits every write
on return, so a session killed mid-way loses at most the set it was in.

A journal that cannot be written (read-only, disk full, damaged) must never stop a routine:
every journal call is caught here, the first problem of a session is sent as ``problem``
(a message fit to show), and play goes on unrecorded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from routineplayer.core import paths
from routineplayer.core.journal import Journal, JournalError, Outcome
from routineplayer.core.model import Routine
from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import PainAnswer
from routineplayer.core.session import Event, EventKind
from routineplayer.core.summary import SetOutcome, SetResult
from routineplayer.core.timeline import Timeline
from routineplayer.runtime.session_driver import SessionDriver

log = logging.getLogger(__name__)

T = TypeVar("T")

# A set cut short by stop or never reached is not done; its resets still count as "yes".
_NOT_DONE = frozenset({SetOutcome.SKIPPED, SetOutcome.STOPPED})


class JournalRecorder(QObject):
    problem = Signal(str)  # the journal failed; play goes on (shown once per session)
    set_recorded = Signal(int)  # the id of a set just committed to the journal
    session_ended = Signal(int)  # the journal id of the session just finished or stopped

    def __init__(self, journal: Journal | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.session_id: int | None = None  # the session being (or last) recorded
        self._timeline: Timeline | None = None
        self._told = False  # a problem was already shown for this session
        # From opening: read-only, or where a damaged file was kept; None when all is well.
        self.message: str | None = None

    @classmethod
    def open(cls, path: Path | None = None, parent: QObject | None = None) -> JournalRecorder:
        """A recorder on the user's journal; ``message`` says what the user should know.

        Opening cannot fail here: a journal that does not open leaves a recorder that
        records nothing (``journal`` None), with the reason in ``message``.
        """
        unrecorded = "Routines play as usual, but sessions are not recorded."
        try:
            journal = Journal.open(path)
        except JournalError as exc:  # already says what is wrong and what to do
            log.warning("could not open the journal: %s", exc)
            recorder = cls(None, parent)
            recorder.message = f"{exc} {unrecorded}"
            return recorder
        except Exception as exc:  # a bug: play on without a journal all the same
            log.exception("could not open the journal")
            recorder = cls(None, parent)
            recorder.message = f"The session journal could not be opened ({exc}). {unrecorded}"
            return recorder
        recorder = cls(journal, parent)
        recorder.message = journal.message
        return recorder

    # -- recording ------------------------------------------------------------------------------

    def begin(
        self,
        timeline: Timeline,
        *,
        builtin: str | None = None,
        file: Path | None = None,
        pain: PainAnswer | None = None,
    ) -> int | None:
        """Record the start of a session (and the pain before it); its id, or None if not.

        Without ``builtin`` or ``file`` the routine's own source file says which it is.
        """
        self._timeline = timeline
        self._told = False
        if builtin is None and file is None:
            builtin, file = routine_origin(timeline.routine)
        self.session_id = self._call(
            lambda j: j.start_session(timeline.routine.title, builtin=builtin, file=file)
        )
        if pain is not None and not pain.skipped:
            self.record_pain_before(pain)
        return self.session_id

    def attach(self, driver: SessionDriver) -> None:
        # A new driver is a new routine: nothing it says belongs to the last session,
        # whose id stays here until begin() opens the new one.
        self.session_id = None
        driver.event_emitted.connect(self.on_event)

    def on_event(self, event: Event) -> None:
        if self.session_id is None:
            return
        if event.kind is EventKind.SET_ENDED and event.result is not None:
            self._record_set(event.result)
        elif event.kind is EventKind.FINISHED:
            self._finish(Outcome.FINISHED)
        elif event.kind is EventKind.STOPPED:
            seg = event.segment
            step = seg.step_index if seg is not None and seg.step_index >= 0 else None
            title = self._step_title(step)
            self._finish(Outcome.STOPPED, step, title)

    def record_pain_before(self, pain: PainAnswer) -> None:
        session = self.session_id
        if session is not None:
            self._call(lambda j: j.set_pain_before(session, pain.level, pain.location))

    def record_pain_after(self, pain: PainAnswer) -> None:
        """The rating after the session (asked once it has ended); a skip records nothing."""
        session = self.session_id
        if session is not None and not pain.skipped:
            self._call(lambda j: j.set_pain_after(session, pain.level, pain.note))

    def last_location(self) -> PainLocation | None:
        """Where the pain was last time: the pain prompt's preset, so rating is one key."""
        if self.journal is None:
            return None
        try:
            sessions = self.journal.sessions()
        except JournalError:
            return None
        return next((s.pain_before_location for s in sessions if s.pain_before_location), None)

    def close(self) -> None:
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    # -- internals ------------------------------------------------------------------------------

    def _record_set(self, result: SetResult) -> None:
        session = self.session_id
        assert session is not None
        set_id = self._call(
            lambda j: j.record_set(
                session,
                step_index=result.step_index,
                step_title=result.step_title,
                set_number=result.set_number,
                check_answer=result.check_answer,
                resets_taken=result.resets,
                skipped=result.outcome in _NOT_DONE,
            )
        )
        if set_id is not None:
            self.set_recorded.emit(set_id)

    def _finish(self, outcome: Outcome, step: int | None = None, title: str | None = None) -> None:
        session = self.session_id
        assert session is not None

        def write(journal: Journal) -> bool:
            journal.finish_session(session, outcome, stopped_at_step=step, stopped_at_title=title)
            return True

        if self._call(write):
            self.session_ended.emit(session)

    def _step_title(self, step: int | None) -> str | None:
        if step is None or self._timeline is None or step >= len(self._timeline.steps):
            return None
        return self._timeline.steps[step].title or None

    def _call(self, write: Callable[[Journal], T]) -> T | None:
        """Run one journal write; on failure tell the user (once a session) and carry on."""
        if self.journal is None:
            reason = "the journal could not be opened"
        else:
            try:
                return write(self.journal)
            except JournalError as exc:
                log.warning("journal write failed: %s", exc)
                reason = str(exc)
            except Exception as exc:  # a bug here must not stop the routine either
                log.exception("journal write failed")
                reason = f"an unexpected error ({exc})"
        if not self._told:
            self._told = True
            self.problem.emit(
                f"This session is not being recorded in your journal: {reason}. "
                "The routine carries on."
            )
        return None


def routine_origin(routine: Routine) -> tuple[str | None, Path | None]:
    """(built-in name, None) or (None, file) for a loaded routine; one that was never a
    file (built in memory) is recorded under its title as a built-in."""
    if not routine.source:
        return routine.title, None
    source = Path(routine.source)
    try:
        builtin_dir = paths.builtin_routines_dir().resolve()
    except paths.DataNotFoundError:
        builtin_dir = None
    if builtin_dir is not None and source.resolve().parent == builtin_dir:
        return source.stem, None
    return None, source
