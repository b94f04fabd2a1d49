"""A schedule in words, as the reminders list shows it and a screen reader says it."""

from __future__ import annotations

from routineplayer.core.reminders import EVERY_DAY, WORKDAYS, Interval, Schedule

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKEND = frozenset({5, 6})


def weekdays_words(days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return "every day"
    if days == WORKDAYS:
        return "Monday to Friday"
    if days == WEEKEND:
        return "weekends"
    return ", ".join(DAY_NAMES[d] for d in sorted(days))


def schedule_words(schedule: Schedule, title: str) -> str:
    """ "Warm-up: 08:00, 13:00 and 19:00, every day" / "... every 45 min, 09:00–17:00"."""
    days = weekdays_words(schedule.weekdays)
    if isinstance(schedule, Interval):
        when = (
            f"a movement break every {schedule.every_minutes} min, "
            f"{schedule.start:%H:%M}–{schedule.end:%H:%M}"
        )
    else:
        times = [f"{t:%H:%M}" for t in schedule.times]
        when = times[0] if len(times) == 1 else f"{', '.join(times[:-1])} and {times[-1]}"
    off = "" if schedule.enabled else " (off)"
    return f"{title}: {when}, {days}{off}"
