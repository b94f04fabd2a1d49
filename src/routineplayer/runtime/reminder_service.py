"""Keeps the reminder schedules and says when one is due: core.reminders on a Qt timer.

The timer sleeps until ``next_check``, but never longer than MAX_SLEEP_S: a machine that
slept, or a time zone changed by the person, is noticed within that, and each look costs a
few microseconds. The state ``due`` returns is saved at once, so a restart in the middle of
the day repeats nothing and misses nothing it should show.

What is due goes out as ``reminded``; the window shows it in-app, and as a desktop
notification where a notification server answers. While a routine plays (``playing``) nothing
is shown; the end of play looks again, so a reminder held meanwhile comes then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import QObject, QTimer, Signal

from routineplayer.core import reminders as rules
from routineplayer.core.local_zone import local_zone
from routineplayer.core.reminder_store import Reminders, load_reminders, save_reminders
from routineplayer.core.reminders import Due, Schedule

log = logging.getLogger(__name__)

MAX_SLEEP_S = 300.0  # the longest the timer sleeps: how soon a sleep or a zone change shows


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReminderService(QObject):
    reminded = Signal(object)  # a core.reminders.Due to show now
    changed = Signal()  # the schedules changed (added, edited, removed)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        now: Callable[[], datetime] = utc_now,
        zone: Callable[[], tzinfo] = local_zone,
        load: Callable[[], Reminders] = load_reminders,
        save: Callable[[Reminders, bool], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._now, self._zone = now, zone
        self._save = save or (lambda reminders, durable: save_reminders(reminders, durable=durable))
        self.reminders = load()
        self._playing: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.check)

    # -- schedules ------------------------------------------------------------------------------

    @property
    def schedules(self) -> tuple[Schedule, ...]:
        return self.reminders.schedules

    def put(self, schedule: Schedule) -> None:
        """Add ``schedule``, or replace the one with its id."""
        self._keep(self.reminders.with_schedule(schedule))
        self.changed.emit()

    def remove(self, schedule_id: str) -> None:
        self._keep(self.reminders.without(schedule_id))
        self.changed.emit()

    def schedule(self, schedule_id: str) -> Schedule | None:
        return next((s for s in self.schedules if s.id == schedule_id), None)

    # -- what the person answers ---------------------------------------------------------------

    def snooze(self, schedule_id: str, minutes: int = rules.SNOOZE_MINUTES) -> None:
        state = rules.snooze(self.reminders.state, schedule_id, self._now(), minutes)
        self._keep_state(state)

    def skip_today(self, schedule_id: str) -> None:
        state = rules.skip_today(self.reminders.state, schedule_id, self._now(), self._zone())
        self._keep_state(state)

    def set_playing(self, routine: str | None) -> None:
        """A routine began (its name) or play ended (None): quiet meanwhile, then look."""
        self._playing = routine
        self.check()

    # -- the clock -----------------------------------------------------------------------------

    def start(self) -> None:
        """Begin looking (the first look ever shows nothing: see core.reminders)."""
        self.check()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> list[Due]:
        """Look now: emit what is due, keep the state, sleep until the next look."""
        now, zone = self._now(), self._zone()
        shown, state = rules.due(self.schedules, self.reminders.state, now, zone, self._playing)
        # A look that showed nothing changed only when it looked: kept, but not flushed to
        # the disk every few minutes all day (a lost look costs nothing: see core.reminders).
        self._keep_state(state, rearm=False, durable=bool(shown))
        for reminder in shown:
            self.reminded.emit(reminder)
        self._arm(now, zone)
        return shown

    def _arm(self, now: datetime, zone: tzinfo) -> None:
        upcoming = rules.next_check(self.schedules, self.reminders.state, now, zone)
        if upcoming is None:
            self._timer.stop()  # nothing will ever remind until a schedule changes
            return
        wait = min(max((upcoming - now).total_seconds(), 0.0), MAX_SLEEP_S)
        self._timer.start(max(round(wait * 1000), 1))

    def _keep_state(
        self, state: rules.ReminderState, *, rearm: bool = True, durable: bool = True
    ) -> None:
        self._keep(Reminders(self.reminders.schedules, state), rearm=rearm, durable=durable)

    def _keep(self, reminders: Reminders, *, rearm: bool = True, durable: bool = True) -> None:
        self.reminders = reminders
        try:
            self._save(reminders, durable)
        except OSError as exc:  # a full disk must not stop the reminders running now
            log.warning("cannot save the reminders (%s); they run until the app closes", exc)
        if rearm:
            self._arm(self._now(), self._zone())
