"""When to remind: pure functions of (schedules, state, now, time zone), with no clock of their own.

A routine gets reminders of two kinds: ``TimesOfDay`` (wall-clock times on chosen weekdays;
``rehab_schedule`` makes the assessment's 3 a day) and ``Interval`` (every N minutes inside
working hours on chosen weekdays: movement breaks). The app keeps one ``ReminderState`` with
the user's data, calls ``due`` whenever its timer wakes (at ``next_check``, on resume from
sleep, on a time-zone change and when a session ends) and shows what ``due`` returns. The
notification's actions map to ``snooze`` and ``skip_today``; "Start now" needs nothing here.

The rules, where the issue left the choice to us:

- **Local wall-clock times.** Times are read in the zone passed in (a ZoneInfo), on the
  local date, so 08:00 stays 08:00 across daylight saving and travel. A time that does not
  exist (the spring-forward gap) fires once, at the first instant after the gap; a time
  that exists twice (the fall-back fold) fires once, at the first of the two. Interval
  times are aligned to the start of working hours in wall-clock minutes (09:00, 09:45,
  10:30 for 45) and never fall at or after the end.
- **At most one at a time.** Each call of ``due`` shows at most one reminder across all
  schedules: of everything that fell due since the last check, the most recent, and only
  if it is on today's local date and less than MAX_LATE old. Everything else is dropped, so
  a laptop opened after a night, a week or a time-zone change shows one reminder or none.
  Of two due at the same instant, the schedule earlier in the list wins.
- **Quiet while a routine plays.** ``due(..., playing=name)`` shows nothing. What falls due
  meanwhile is dropped when it reminds of the routine playing (it is being done) or is a
  movement break (the user is moving); anything else is held, the most recent one only,
  and shown by the first ``due`` after play if it still passes the rule above (same day,
  less than MAX_LATE old: a session paused all afternoon does not hold a stale reminder).
- **Snooze** moves the schedule's reminder to ``now + minutes``; that moment stands for any
  of the schedule's own times before it, which are not shown. **Skip today** drops the
  schedule's reminders (and its snooze) for the rest of the local date it was pressed on.
- **Never twice.** ``last_checked`` only moves forward: reminders fire for moments in
  (last_checked, now], so a restart or a clock stepped back a little repeats nothing. A
  clock (or a saved state) more than CLOCK_BACK_LIMIT ahead of ``now`` is taken as wrong
  and checking restarts from ``now``. The first check ever (no ``last_checked``) shows
  nothing: a new install does not announce the morning it was installed on.

Instants are aware datetimes; state keeps them in UTC. Weekdays are 0 (Monday) to 6, as
``date.weekday()``. State and schedules round-trip through JSON-able dicts; ``from_dict``
raises ValueError on anything it did not write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

EVERY_DAY = frozenset(range(7))
WORKDAYS = frozenset(range(5))  # Monday to Friday

# A rehab session 2 hours late is still worth doing; later, the next one is near enough.
MAX_LATE = timedelta(hours=2)
# An NTP step or a correction of a few minutes must not repeat a reminder; a day is not that.
CLOCK_BACK_LIMIT = timedelta(days=1)

SNOOZE_MINUTES = 15
MAX_SNOOZE_MINUTES = 24 * 60
# Movement breaks: the seeds suggest every 30–60 minutes; we allow 15 (a short burst of
# work) to 240 (a half-day); more often would nag, less is what TimesOfDay is for.
MIN_EVERY_MINUTES = 15
MAX_EVERY_MINUTES = 240
DEFAULT_EVERY_MINUTES = 45
DEFAULT_WORK_START = time(9, 0)
DEFAULT_WORK_END = time(17, 0)
MAX_TIMES_A_DAY = 24
# Morning, midday and evening: the assessment's "3 times a day" (core.assessment).
REHAB_TIMES = (time(8, 0), time(13, 0), time(19, 0))

STATE_VERSION = 1
_HH_MM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class TimesOfDay:
    """Remind at these local wall-clock ``times`` (to the minute) on these ``weekdays``."""

    id: str
    routine: str
    times: tuple[time, ...]
    weekdays: frozenset[int] = EVERY_DAY
    enabled: bool = True

    def __post_init__(self) -> None:
        _check_names(self.id, self.routine)
        times = tuple(self.times)
        if not 1 <= len(times) <= MAX_TIMES_A_DAY:
            raise ValueError(f"times: give 1 to {MAX_TIMES_A_DAY} times, got {len(times)}")
        for t in times:
            _check_wall(t, "times")
        if len(set(times)) != len(times):
            raise ValueError("times: each time only once")
        object.__setattr__(self, "times", tuple(sorted(times)))
        object.__setattr__(self, "weekdays", _check_weekdays(self.weekdays))
        _check_bool(self.enabled, "enabled")

    def walls(self, day: date) -> tuple[time, ...]:
        """The wall-clock times this schedule reminds at on the local date ``day``."""
        return self.times if day.weekday() in self.weekdays else ()


@dataclass(frozen=True)
class Interval:
    """Remind every ``every_minutes`` from ``start`` until before ``end`` on ``weekdays``."""

    id: str
    routine: str
    every_minutes: int
    start: time
    end: time
    weekdays: frozenset[int] = WORKDAYS
    enabled: bool = True

    def __post_init__(self) -> None:
        _check_names(self.id, self.routine)
        every = self.every_minutes
        if isinstance(every, bool) or not isinstance(every, int):
            raise ValueError(f"every_minutes must be a whole number, got {every!r}")
        if not MIN_EVERY_MINUTES <= every <= MAX_EVERY_MINUTES:
            raise ValueError(
                f"every_minutes must be {MIN_EVERY_MINUTES}–{MAX_EVERY_MINUTES}, got {every}"
            )
        _check_wall(self.start, "start")
        _check_wall(self.end, "end")
        if self.start >= self.end:  # working hours within one day; no night shifts
            raise ValueError(f"start {self.start:%H:%M} must be before end {self.end:%H:%M}")
        object.__setattr__(self, "weekdays", _check_weekdays(self.weekdays))
        _check_bool(self.enabled, "enabled")

    def walls(self, day: date) -> tuple[time, ...]:
        """The wall-clock times this schedule reminds at on the local date ``day``."""
        if day.weekday() not in self.weekdays:
            return ()
        first = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return tuple(time(*divmod(m, 60)) for m in range(first, end, self.every_minutes))


Schedule = TimesOfDay | Interval


@dataclass(frozen=True)
class Due:
    """A reminder to show now: for ``routine``, of the moment ``at`` (aware, UTC)."""

    schedule_id: str
    routine: str
    at: datetime  # the scheduled time, or the end of a snooze; earlier than now if caught up


@dataclass(frozen=True)
class ReminderState:
    """What the app keeps between checks and restarts; replace it with what ``due`` returns."""

    last_checked: datetime | None = None  # aware UTC; None: never checked
    snoozed_until: Mapping[str, datetime] = field(default_factory=dict)  # id -> aware UTC
    skipped_on: Mapping[str, date] = field(default_factory=dict)  # id -> local date
    held: Due | None = None  # fell due during play; shown after it (module docstring)

    def __post_init__(self) -> None:
        if self.last_checked is not None:
            object.__setattr__(self, "last_checked", _utc(self.last_checked, "last_checked"))
        snoozed = {
            _check_id(k): _utc(v, f"snoozed_until[{k!r}]") for k, v in self.snoozed_until.items()
        }
        object.__setattr__(self, "snoozed_until", snoozed)
        for k, v in self.skipped_on.items():
            _check_id(k)
            if type(v) is not date:  # a datetime is a date too, and would never compare equal
                raise ValueError(f"skipped_on[{k!r}] must be a date, got {v!r}")
        object.__setattr__(self, "skipped_on", dict(self.skipped_on))
        if self.held is not None:
            _check_names(self.held.schedule_id, self.held.routine)
            object.__setattr__(self, "held", replace(self.held, at=_utc(self.held.at, "held")))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data that ``from_dict`` reads back to an equal state."""
        held = self.held
        return {
            "version": STATE_VERSION,
            "last_checked": None if self.last_checked is None else self.last_checked.isoformat(),
            "snoozed_until": {k: v.isoformat() for k, v in self.snoozed_until.items()},
            "skipped_on": {k: v.isoformat() for k, v in self.skipped_on.items()},
            "held": None
            if held is None
            else {
                "schedule_id": held.schedule_id,
                "routine": held.routine,
                "at": held.at.isoformat(),
            },
        }

    @classmethod
    def from_dict(cls, data: object) -> ReminderState:
        """The state ``to_dict`` wrote; ValueError naming the key for anything else."""
        d = _fields(
            data,
            "reminder state",
            {"version", "last_checked", "snoozed_until", "skipped_on", "held"},
        )
        if type(d["version"]) is not int or d["version"] != STATE_VERSION:
            raise ValueError(f"version: expected {STATE_VERSION}, got {d['version']!r}")
        last = d["last_checked"]
        held_data = d["held"]
        held = None
        if held_data is not None:
            h = _fields(held_data, "held", {"schedule_id", "routine", "at"})
            held = Due(
                _str(h["schedule_id"], "held.schedule_id"),
                _str(h["routine"], "held.routine"),
                _parse_instant(h["at"], "held.at"),
            )
        return cls(
            last_checked=None if last is None else _parse_instant(last, "last_checked"),
            snoozed_until={
                _check_id(k): _parse_instant(v, f"snoozed_until[{k!r}]")
                for k, v in _mapping(d["snoozed_until"], "snoozed_until").items()
            },
            skipped_on={
                _check_id(k): _parse_date(v, f"skipped_on[{k!r}]")
                for k, v in _mapping(d["skipped_on"], "skipped_on").items()
            },
            held=held,
        )


def planned_on(schedules: Sequence[Schedule], day: date) -> int:
    """Sessions the reminders plan on the local date ``day``: every time of day of every
    enabled TimesOfDay schedule. Movement breaks are short pauses in work, not sessions, so
    they are not counted (ten a day would drown the rehab's three). The schedules as they
    are now stand for past days too: their history is not kept."""
    return sum(len(s.walls(day)) for s in schedules if s.enabled and isinstance(s, TimesOfDay))


def rehab_schedule(routine: str, schedule_id: str = "rehab") -> TimesOfDay:
    """The assessment's default: ``routine`` at 08:00, 13:00 and 19:00 every day."""
    return TimesOfDay(schedule_id, routine, REHAB_TIMES, EVERY_DAY)


def movement_break_schedule(
    routine: str,
    every_minutes: int = DEFAULT_EVERY_MINUTES,
    start: time = DEFAULT_WORK_START,
    end: time = DEFAULT_WORK_END,
    weekdays: frozenset[int] = WORKDAYS,
    schedule_id: str = "movement-break",
) -> Interval:
    """A short ``routine`` every ``every_minutes`` in working hours on ``weekdays``."""
    return Interval(schedule_id, routine, every_minutes, start, end, weekdays)


def due(
    schedules: Sequence[Schedule],
    state: ReminderState,
    now_utc: datetime,
    tz: tzinfo,
    playing: str | None = None,
) -> tuple[list[Due], ReminderState]:
    """What to show now (at most one ``Due``) and the state to keep in place of ``state``.

    ``playing`` is the name of the routine playing now, or None. Call this again when a
    session ends so that a held reminder is shown.
    """
    now = _utc(now_utc, "now_utc")
    by_id = _index(schedules)
    today = now.astimezone(tz).date()
    last = state.last_checked
    if last is None or last - now > CLOCK_BACK_LIMIT:
        kept = now
        lo = now  # an empty window
    else:
        kept = max(last, now)
        lo = max(last, now - MAX_LATE)  # anything older would be dropped as stale anyway

    # (instant, -order, due): the most recent wins, then the schedule first in the list.
    found: list[tuple[datetime, int, Due]] = []
    for order, schedule in enumerate(by_id.values()):
        if not schedule.enabled:
            continue
        snoozed = state.snoozed_until.get(schedule.id)
        moments = [at for at in _instants(schedule, lo, now, tz) if snoozed is None or at > snoozed]
        if snoozed is not None and lo < snoozed <= now:
            moments.append(snoozed)
        if state.held is not None and state.held.schedule_id == schedule.id:
            moments.append(state.held.at)  # under the schedule's routine name as it is now
        found += [(at, -order, Due(schedule.id, schedule.routine, at)) for at in moments]

    def wanted(item: tuple[datetime, int, Due]) -> bool:
        at, _, reminder = item
        if now - at >= MAX_LATE or at > now or at.astimezone(tz).date() != today:
            return False
        if state.skipped_on.get(reminder.schedule_id) == today:
            return False
        schedule = by_id[reminder.schedule_id]
        return playing is None or (schedule.routine != playing and isinstance(schedule, TimesOfDay))

    chosen = max(filter(wanted, found), default=None, key=lambda item: item[:2])
    pick = None if chosen is None else chosen[2]
    new_state = ReminderState(
        last_checked=kept,
        snoozed_until={k: v for k, v in state.snoozed_until.items() if v > now},
        skipped_on={k: v for k, v in state.skipped_on.items() if v >= today},
        held=pick if playing is not None else None,
    )
    return ([pick] if pick is not None and playing is None else []), new_state


def next_check(
    schedules: Sequence[Schedule], state: ReminderState, now_utc: datetime, tz: tzinfo
) -> datetime | None:
    """When the app should next call ``due`` (aware UTC, never before ``now_utc``), or None
    when no enabled schedule will ever remind. ``now_utc`` itself means "call it now".

    The app should also call ``due`` on resume from sleep, on a change of time zone and when
    a session ends; a timer that wakes early just gets the same answer again.
    """
    now = _utc(now_utc, "now_utc")
    by_id = _index(schedules)
    last = state.last_checked
    if last is None:
        return now  # the first check sets last_checked; nothing before it counts
    after = max(last, now - MAX_LATE) if last - now <= CLOCK_BACK_LIMIT else now
    # A week and a day covers every weekday, a skipped day and the longest snooze.
    horizon = after + timedelta(days=9)
    best: datetime | None = None
    for schedule in by_id.values():
        if not schedule.enabled:
            continue
        snoozed = state.snoozed_until.get(schedule.id)
        skipped = state.skipped_on.get(schedule.id)
        if snoozed is not None and snoozed > after:
            best = snoozed if best is None else min(best, snoozed)
        for at in _instants(schedule, after, horizon, tz):
            if snoozed is not None and at <= snoozed:
                continue
            if skipped is not None and at.astimezone(tz).date() == skipped:
                continue
            best = at if best is None else min(best, at)
            break  # _instants yields in order
    return None if best is None else max(best, now)


def snooze(
    state: ReminderState, schedule_id: str, now_utc: datetime, minutes: int = SNOOZE_MINUTES
) -> ReminderState:
    """The state with ``schedule_id``'s reminder moved to ``minutes`` from now."""
    _check_id(schedule_id)
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValueError(f"minutes must be a whole number, got {minutes!r}")
    if not 1 <= minutes <= MAX_SNOOZE_MINUTES:
        raise ValueError(f"minutes must be 1–{MAX_SNOOZE_MINUTES}, got {minutes}")
    until = _utc(now_utc, "now_utc") + timedelta(minutes=minutes)
    return replace(
        state,
        snoozed_until={**state.snoozed_until, schedule_id: until},
        held=_unless(state.held, schedule_id),
    )


def skip_today(
    state: ReminderState, schedule_id: str, now_utc: datetime, tz: tzinfo
) -> ReminderState:
    """The state with no more of ``schedule_id``'s reminders until the next local date."""
    _check_id(schedule_id)
    today = _utc(now_utc, "now_utc").astimezone(tz).date()
    return replace(
        state,
        snoozed_until={k: v for k, v in state.snoozed_until.items() if k != schedule_id},
        skipped_on={**state.skipped_on, schedule_id: today},
        held=_unless(state.held, schedule_id),
    )


def local_instant(day: date, wall: time, tz: tzinfo) -> datetime:
    """The UTC instant the wall-clock ``wall`` on ``day`` in ``tz`` reminds at.

    In a fold, the first of the two; in a gap, the transition: the first instant after it.
    """
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz).astimezone(UTC)  # fold=0: the earlier of a pair
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In a gap, fold=0 reads the time with the offset from before it (an instant past the
    # transition) and fold=1 with the offset after it (one before): search between them.
    lo = int(naive.replace(tzinfo=tz, fold=1).timestamp())
    hi = int(first.timestamp())
    before = datetime.fromtimestamp(lo, tz).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    """Plain JSON-able data that ``schedule_from_dict`` reads back to an equal schedule."""
    common = {"id": schedule.id, "routine": schedule.routine}
    tail = {"weekdays": sorted(schedule.weekdays), "enabled": schedule.enabled}
    if isinstance(schedule, TimesOfDay):
        return {"kind": "times", **common, "times": [f"{t:%H:%M}" for t in schedule.times], **tail}
    return {
        "kind": "interval",
        **common,
        "every_minutes": schedule.every_minutes,
        "start": f"{schedule.start:%H:%M}",
        "end": f"{schedule.end:%H:%M}",
        **tail,
    }


def schedule_from_dict(data: object) -> Schedule:
    """The schedule ``schedule_to_dict`` wrote; ValueError for anything else."""
    kind = data.get("kind") if isinstance(data, dict) else None
    common = {"kind", "id", "routine", "weekdays", "enabled"}
    if kind == "times":
        d = _fields(data, "schedule", common | {"times"})
        return TimesOfDay(
            _str(d["id"], "id"),
            _str(d["routine"], "routine"),
            tuple(_parse_wall(t, "times") for t in _list(d["times"], "times")),
            _parse_weekdays(d["weekdays"]),
            d["enabled"],
        )
    if kind == "interval":
        d = _fields(data, "schedule", common | {"every_minutes", "start", "end"})
        return Interval(
            _str(d["id"], "id"),
            _str(d["routine"], "routine"),
            d["every_minutes"],
            _parse_wall(d["start"], "start"),
            _parse_wall(d["end"], "end"),
            _parse_weekdays(d["weekdays"]),
            d["enabled"],
        )
    raise ValueError(f"schedule: kind must be 'times' or 'interval', got {kind!r:.40}")


def _instants(schedule: Schedule, lo: datetime, hi: datetime, tz: tzinfo) -> Iterator[datetime]:
    """The schedule's instants in (lo, hi], in order, each once (gap times can coincide)."""
    if lo >= hi:
        return
    day = lo.astimezone(tz).date() - _DAY  # a day either side: gaps and folds shift instants
    last_day = hi.astimezone(tz).date() + _DAY
    previous: datetime | None = None
    while day <= last_day:
        for wall in schedule.walls(day):
            at = local_instant(day, wall, tz)
            if lo < at <= hi and (previous is None or at > previous):
                previous = at
                yield at
        day += _DAY


def _index(schedules: Sequence[Schedule]) -> dict[str, Schedule]:
    by_id: dict[str, Schedule] = {}
    for schedule in schedules:
        if schedule.id in by_id:
            raise ValueError(f"two schedules have the id {schedule.id!r}")
        by_id[schedule.id] = schedule
    return by_id


def _unless(held: Due | None, schedule_id: str) -> Due | None:
    return None if held is not None and held.schedule_id == schedule_id else held


def _utc(value: object, what: str) -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {value!r:.60}")
    return value.astimezone(UTC)


def _check_names(schedule_id: str, routine: str) -> None:
    _check_id(schedule_id)
    _str(routine, "routine")


def _check_id(value: object) -> str:
    return _str(value, "schedule id")


def _str(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r:.60}")
    return value


def _check_bool(value: object, what: str) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{what} must be true or false, got {value!r:.40}")


def _check_wall(value: object, what: str) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValueError(f"{what}: expected a local time of day without a zone, got {value!r}")
    if value.second or value.microsecond:
        raise ValueError(f"{what}: times are to the minute, got {value.isoformat()}")


def _check_weekdays(value: object) -> frozenset[int]:
    days = list(value) if isinstance(value, frozenset | set | tuple | list) else None
    if not days or any(type(d) is not int or not 0 <= d <= 6 for d in days):
        raise ValueError(f"weekdays: expected some of 0 (Monday) to 6 (Sunday), got {value!r}")
    return frozenset(days)


def _fields(data: object, what: str, keys: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"{what}: expected an object, got {type(data).__name__}")
    if set(data) != keys:
        missing, extra = sorted(keys - set(data)), sorted(map(str, set(data) - keys))
        raise ValueError(f"{what}: missing keys {missing}, unknown keys {extra}")
    return data


def _mapping(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{what}: expected an object, got {type(value).__name__}")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{what}: expected a list, got {type(value).__name__}")
    return value


def _parse_instant(value: object, what: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{what}: expected an ISO date and time, got {value!r:.60}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what}: expected an ISO date and time, got {value!r:.60}") from None
    return _utc(parsed, what)


def _parse_date(value: object, what: str) -> date:
    if not isinstance(value, str) or len(value) != 10:  # YYYY-MM-DD, as to_dict writes it
        raise ValueError(f"{what}: expected a date YYYY-MM-DD, got {value!r:.60}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what}: expected a date YYYY-MM-DD, got {value!r:.60}") from None


def _parse_wall(value: object, what: str) -> time:
    match = _HH_MM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{what}: expected a time HH:MM, got {value!r:.40}")
    return time(int(match[1]), int(match[2]))


def _parse_weekdays(value: object) -> frozenset[int]:
    days = _list(value, "weekdays")
    weekdays = _check_weekdays(days)
    if len(weekdays) != len(days):
        raise ValueError(f"weekdays: each day only once, got {days!r}")
    return weekdays
