"""A week at a glance: sessions planned and done on each of the last seven local days, and
the current run of days with at least one session ("consistency is more important than
intensity", seed 002).

A session counts as done when it was finished, or stopped after at least one set: a routine
opened and stopped at once is not practice. Days are local dates in the zone given, so a
session at 23:30 counts for that evening wherever the clock says UTC is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

DAYS = 7


@dataclass(frozen=True)
class DayCount:
    day: date
    planned: int  # reminders scheduled that day (0 when none are set)
    done: int


@dataclass(frozen=True)
class Week:
    days: tuple[DayCount, ...]  # oldest first, today last
    streak: int  # days in a row with a session, up to today (or yesterday, if none yet today)

    @property
    def done(self) -> int:
        return sum(d.done for d in self.days)

    @property
    def planned(self) -> int:
        return sum(d.planned for d in self.days)


def week_at_a_glance(
    done_at: Iterable[datetime],
    planned: Callable[[date], int],
    today: date,
    tz: tzinfo | None,
) -> Week:
    """The seven days up to ``today``. ``done_at``: when each done session started (aware);
    ``planned``: how many sessions the reminders plan on a date; ``tz`` None is the
    machine's own zone."""
    per_day = Counter(moment.astimezone(tz).date() for moment in done_at)
    first = today - timedelta(days=DAYS - 1)
    days = tuple(
        DayCount(day, planned(day), per_day[day])
        for day in (first + timedelta(days=k) for k in range(DAYS))
    )
    return Week(days, streak(per_day, today))


def streak(per_day: Counter[date], today: date) -> int:
    """Days in a row with at least one session, ending today; a day not yet practised does
    not break the run until it is over, so it counts back from yesterday then."""
    day = today if per_day[today] else today - timedelta(days=1)
    count = 0
    while per_day[day]:
        count += 1
        day -= timedelta(days=1)
    return count


def day_words(count: DayCount) -> str:
    """ "Thu 12: 2 done of 3 planned", or "Thu 12: 1 done" with nothing planned."""
    planned = f" of {count.planned} planned" if count.planned else ""
    return f"{count.day:%a %d}: {count.done} done{planned}"


def streak_words(days: int) -> str:
    if days == 0:
        return "No session today or yesterday: any day is a good day to start again."
    return f"{days} day{'s' if days != 1 else ''} in a row with a session."
