"""The reminder clock on a fake clock and zone: what it shows, what it keeps, when it wakes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from routineplayer.core.reminder_store import Reminders
from routineplayer.core.reminders import Due, ReminderState, rehab_schedule
from routineplayer.runtime.reminder_service import MAX_SLEEP_S, ReminderService

ZONE = ZoneInfo("Europe/London")


class World:
    """A clock, and a reminders file in memory that can be made to fail like a full disk."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 10, 7, 0, tzinfo=ZONE).astimezone(UTC)
        self.saved = Reminders((rehab_schedule("my-rehab-routine"),))
        self.saves = 0
        self.durable: list[bool] = []  # each save: flushed to the disk or not
        self.disk_full = False

    def save(self, reminders: Reminders, durable: bool = True) -> None:
        if self.disk_full:
            raise OSError(28, "No space left on device")
        self.saved = reminders
        self.saves += 1
        self.durable.append(durable)

    def service(self, qtbot: QtBot) -> tuple[ReminderService, list[Due]]:
        service = ReminderService(
            now=lambda: self.now, zone=lambda: ZONE, load=lambda: self.saved, save=self.save
        )
        shown: list[Due] = []
        service.reminded.connect(shown.append)
        return service, shown

    def local(self, hour: int, minute: int = 0) -> None:
        self.now = datetime(2026, 6, 10, hour, minute, tzinfo=ZONE).astimezone(UTC)


def test_shows_each_time_once_and_a_restart_repeats_nothing(qtbot: QtBot) -> None:
    world = World()
    service, shown = world.service(qtbot)
    service.start()
    assert shown == [], "the first look ever shows nothing"
    world.local(8, 1)
    service.check()
    assert [d.at.astimezone(ZONE).strftime("%H:%M") for d in shown] == ["08:00"]
    service.check()
    assert len(shown) == 1
    # The app restarts at 08:05: the state was saved with the reminder, nothing repeats.
    world.local(8, 5)
    again, shown_again = world.service(qtbot)
    again.start()
    assert shown_again == []
    world.local(13, 0)
    again.check()
    assert [d.at.astimezone(ZONE).hour for d in shown_again] == [13]


def test_snooze_and_skip_today(qtbot: QtBot) -> None:
    world = World()
    service, shown = world.service(qtbot)
    service.start()
    world.local(8, 0)
    service.check()
    service.snooze("rehab")
    world.local(8, 14)
    service.check()
    assert len(shown) == 1
    world.local(8, 15)
    service.check()
    assert len(shown) == 2, "again 15 minutes later"
    service.skip_today("rehab")
    world.local(13, 0)
    service.check()
    world.local(19, 0)
    service.check()
    assert len(shown) == 2, "nothing more today"
    world.now += timedelta(hours=13)  # 08:00 the next day
    service.check()
    assert len(shown) == 3


def test_quiet_while_playing_then_what_was_held(qtbot: QtBot) -> None:
    world = World()
    world.saved = Reminders(
        (rehab_schedule("my-rehab-routine"), rehab_schedule("warm-up", "other")),
        ReminderState(),
    )
    service, shown = world.service(qtbot)
    service.start()
    service.set_playing("my-rehab-routine")
    world.local(8, 0)
    service.check()
    assert shown == []
    world.local(8, 20)
    service.set_playing(None)
    assert [d.routine for d in shown] == ["warm-up"], "the one playing was being done"


def test_the_timer_wakes_at_the_next_time_but_never_sleeps_long(qtbot: QtBot) -> None:
    world = World()
    service, _shown = world.service(qtbot)
    service.start()
    timer = service._timer
    assert timer.isActive()
    assert timer.interval() == MAX_SLEEP_S * 1000, "08:00 is an hour away: look again sooner"
    world.local(7, 58)
    service.check()
    assert timer.interval() == 120_000
    service.remove("rehab")
    assert not timer.isActive(), "no schedule: nothing to wake for"


def test_a_full_disk_does_not_stop_the_reminders(qtbot: QtBot) -> None:
    world = World()
    service, shown = world.service(qtbot)
    service.start()
    world.disk_full = True
    world.local(8, 0)
    service.check()
    assert len(shown) == 1
    service.snooze("rehab")
    world.local(8, 15)
    service.check()
    assert len(shown) == 2


def test_only_a_look_that_changed_something_is_flushed_to_the_disk(qtbot: QtBot) -> None:
    world = World()
    service, shown = world.service(qtbot)
    service.start()
    world.local(7, 30)
    service.check()
    assert world.durable == [False, False], "a look that showed nothing is not flushed"
    world.local(8, 0)
    service.check()
    service.snooze("rehab")
    assert len(shown) == 1
    assert world.durable[-2:] == [True, True], "a shown reminder and a snooze are flushed"
