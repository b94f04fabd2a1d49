"""core.reminders on a fake clock in real zones: local times across DST, one reminder after a
gap, snooze and skip, working hours, quiet while playing, restarts and time-zone changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routineplayer.core.assessment import TIMES_A_DAY
from routineplayer.core.reminders import (
    EVERY_DAY,
    MAX_LATE,
    WORKDAYS,
    Due,
    Interval,
    ReminderState,
    Schedule,
    TimesOfDay,
    due,
    local_instant,
    movement_break_schedule,
    next_check,
    rehab_schedule,
    schedule_from_dict,
    schedule_to_dict,
    skip_today,
    snooze,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")  # DST shifts by 30 minutes
KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30, no DST
ZONES = (LONDON, NEW_YORK, LORD_HOWE, KOLKATA)

REHAB = rehab_schedule("Rehab")
BREAKS = movement_break_schedule("Upper-back slides")  # 09:00–17:00 every 45, Mon–Fri


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def loc(tz: tzinfo, text: str, fold: int = 0) -> datetime:
    """A local wall time in ``tz`` as a UTC instant (compared in UTC: PEP 495 makes an
    inter-zone == of a time in a fold always False)."""
    return datetime.fromisoformat(text).replace(tzinfo=tz, fold=fold).astimezone(UTC)


def started(schedules: Sequence[Schedule], tz: tzinfo, now: datetime) -> ReminderState:
    """The state after the app's first check at ``now``."""
    shown, state = due(schedules, ReminderState(), now, tz)
    assert shown == []
    return state


def run(
    schedules: Sequence[Schedule],
    state: ReminderState,
    tz: tzinfo,
    until: datetime,
    playing: str | None = None,
) -> tuple[list[Due], ReminderState]:
    """A perfect timer: check at every ``next_check`` up to ``until``; what was shown."""
    shown: list[Due] = []
    for _ in range(10_000):
        assert state.last_checked is not None
        wake = next_check(schedules, state, state.last_checked, tz)
        if wake is None or wake > until:
            return shown, state
        assert wake > state.last_checked  # the timer always moves on
        found, state = due(schedules, state, wake, tz, playing)
        shown += found
    raise AssertionError("the timer never settled")


def local_walls(shown: Sequence[Due], tz: tzinfo) -> list[str]:
    return [f"{d.at.astimezone(tz):%a %H:%M}" for d in shown]


# --- the helpers and what a schedule accepts ---------------------------------------------


def test_rehab_schedule_is_morning_midday_and_evening_every_day() -> None:
    schedule = rehab_schedule("Rehab")
    assert schedule == TimesOfDay("rehab", "Rehab", (time(8), time(13), time(19)), EVERY_DAY, True)
    assert len(REHAB.times) == TIMES_A_DAY  # the assessment's "3 times a day"


def test_movement_break_defaults() -> None:
    assert movement_break_schedule("Upper-back slides") == Interval(
        "movement-break", "Upper-back slides", 45, time(9), time(17), WORKDAYS, True
    )
    assert frozenset({0, 1, 2, 3, 4}) == WORKDAYS


def test_times_are_sorted_and_weekdays_normalised() -> None:
    schedule = TimesOfDay("x", "R", (time(19), time(8)), weekdays=[6, 0])  # type: ignore[arg-type]
    assert schedule.times == (time(8), time(19))
    assert schedule.weekdays == frozenset({0, 6})


@pytest.mark.parametrize(
    "make",
    [
        lambda: TimesOfDay("", "R", (time(8),)),
        lambda: TimesOfDay("x", " ", (time(8),)),
        lambda: TimesOfDay("x", "R", ()),
        lambda: TimesOfDay("x", "R", (time(8), time(8))),
        lambda: TimesOfDay("x", "R", (time(8, 0, 30),)),  # to the minute
        lambda: TimesOfDay("x", "R", (time(8, tzinfo=UTC),)),  # local times carry no zone
        lambda: TimesOfDay("x", "R", (*(time(h) for h in range(24)), time(0, 30))),
        lambda: TimesOfDay("x", "R", (time(8),), frozenset()),
        lambda: TimesOfDay("x", "R", (time(8),), frozenset({7})),
        lambda: TimesOfDay("x", "R", (time(8),), frozenset({True})),
        lambda: TimesOfDay("x", "R", (time(8),), enabled=1),  # type: ignore[arg-type]
        lambda: movement_break_schedule("R", every_minutes=14),
        lambda: movement_break_schedule("R", every_minutes=241),
        lambda: movement_break_schedule("R", every_minutes=45.0),  # type: ignore[arg-type]
        lambda: movement_break_schedule("R", every_minutes=True),
        lambda: movement_break_schedule("R", start=time(17), end=time(17)),
        lambda: movement_break_schedule("R", start=time(17), end=time(9)),
        lambda: movement_break_schedule("R", weekdays=frozenset()),
    ],
)
def test_bad_schedules_are_refused(make: Callable[[], Schedule]) -> None:
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize("every", [15, 30, 60, 240])
def test_every_minutes_from_15_to_240_is_allowed(every: int) -> None:
    assert movement_break_schedule("R", every_minutes=every).every_minutes == every


# --- local wall-clock times across daylight saving ----------------------------------------


@pytest.mark.parametrize(
    ("tz", "start", "until", "offsets"),
    [
        # New York springs forward on Sunday 10 March 2024, London falls back on 27 October.
        (NEW_YORK, "2024-03-09T00:00", "2024-03-11T23:59", {-5, -4}),
        (LONDON, "2024-10-26T00:00", "2024-10-28T23:59", {1, 0}),
        (LORD_HOWE, "2024-10-05T00:00", "2024-10-07T23:59", {10.5, 11}),
        (KOLKATA, "2024-10-26T00:00", "2024-10-28T23:59", {5.5}),
    ],
)
def test_times_stay_on_the_local_clock_across_dst(
    tz: ZoneInfo, start: str, until: str, offsets: set[float]
) -> None:
    state = started([REHAB], tz, loc(tz, start))
    shown, _ = run([REHAB], state, tz, loc(tz, until))
    assert [f"{d.at.astimezone(tz):%H:%M}" for d in shown] == ["08:00", "13:00", "19:00"] * 3
    seen = {d.at.astimezone(tz).utcoffset() for d in shown}
    assert seen == {timedelta(hours=h) for h in offsets}


@pytest.mark.parametrize(
    ("tz", "day", "walls", "fires_at"),
    [
        # The gap: the wall time does not exist; the first instant after the gap is the
        # transition itself (02:00 BST, 03:00 EDT, 02:30 LHDT).
        (LONDON, "2024-03-31", (time(1, 30),), "2024-03-31T01:00"),
        (LONDON, "2024-03-31", (time(1, 0), time(1, 45)), "2024-03-31T01:00"),
        (NEW_YORK, "2024-03-10", (time(2, 30),), "2024-03-10T07:00"),
        (LORD_HOWE, "2024-10-06", (time(2, 0), time(2, 15)), "2024-10-05T15:30"),
        # The fold: the wall time exists twice; the first (summer time) fires, only.
        (LONDON, "2024-10-27", (time(1, 30),), "2024-10-27T00:30"),
        (NEW_YORK, "2024-11-03", (time(1, 30),), "2024-11-03T05:30"),
        (LORD_HOWE, "2024-04-07", (time(1, 45),), "2024-04-06T14:45"),
    ],
)
def test_a_time_in_a_gap_or_a_fold_fires_once(
    tz: ZoneInfo, day: str, walls: tuple[time, ...], fires_at: str
) -> None:
    for wall in walls:
        assert local_instant(date.fromisoformat(day), wall, tz) == utc(fires_at)
    schedule = TimesOfDay("night", "Jellyfish breathing", walls)
    state = started([schedule], tz, loc(tz, f"{day}T00:00") - timedelta(hours=1))
    shown, _ = run([schedule], state, tz, loc(tz, f"{day}T23:59"))
    assert shown == [Due("night", "Jellyfish breathing", utc(fires_at))]


def test_the_second_pass_through_a_fold_is_quiet() -> None:
    schedule = TimesOfDay("night", "R", (time(1, 30),))
    first, second = loc(LONDON, "2024-10-27T01:30"), loc(LONDON, "2024-10-27T01:30", fold=1)
    assert second - first == timedelta(hours=1)
    shown, state = due([schedule], started([schedule], LONDON, first - timedelta(1)), first, LONDON)
    assert shown == [Due("night", "R", first)]
    shown, state = due([schedule], state, second, LONDON)
    assert shown == []
    assert next_check([schedule], state, second, LONDON) == loc(LONDON, "2024-10-28T01:30")


def test_next_check_points_at_the_transition_in_a_gap() -> None:
    schedule = TimesOfDay("night", "R", (time(2, 30),))
    state = started([schedule], NEW_YORK, loc(NEW_YORK, "2024-03-09T22:00"))
    assert next_check([schedule], state, state.last_checked, NEW_YORK) == utc("2024-03-10T07:00")  # type: ignore[arg-type]


def expected_instants(
    walls: Callable[[date], tuple[time, ...]], tz: tzinfo, start: datetime, until: datetime
) -> list[datetime]:
    """The rule, worked out independently by scanning every minute: a wall time fires at the
    first minute whose local reading is at or past it (the transition in a gap, the first of
    a fold), once."""
    scan = start - timedelta(days=1)  # so a fold's first pass before ``start`` is seen
    minutes: list[tuple[datetime, datetime]] = []
    while scan <= until:
        minutes.append((scan, scan.astimezone(tz).replace(tzinfo=None)))
        scan += timedelta(minutes=1)
    first_day = start.astimezone(tz).date() - timedelta(days=2)
    days = [first_day + timedelta(days=i) for i in range((until - start).days + 5)]
    targets = sorted(datetime.combine(d, w) for d in days for w in walls(d))
    found: set[datetime] = set()
    i = 0
    for target in targets:
        while i < len(minutes) and minutes[i][1] < target:
            i += 1
        if i < len(minutes) and start < minutes[i][0] <= until:
            found.add(minutes[i][0])
    return sorted(found)


TRANSITIONS = [
    ("2024-03-31T01:00", LONDON),
    ("2024-10-27T01:00", LONDON),
    ("2024-03-10T07:00", NEW_YORK),
    ("2024-11-03T06:00", NEW_YORK),
    ("2024-04-06T15:00", LORD_HOWE),
    ("2024-10-05T15:30", LORD_HOWE),
    ("2024-10-05T15:30", KOLKATA),
]
walls_strategy = st.lists(
    st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 30, 44, 45, 59])),
    min_size=1,
    max_size=5,
    unique=True,
)


@settings(max_examples=40, deadline=None)
@given(
    transition=st.sampled_from(TRANSITIONS),
    walls=walls_strategy,
    hours_before=st.integers(0, 40),
)
def test_a_perfect_timer_shows_every_time_once_at_its_instant(
    transition: tuple[str, ZoneInfo], walls: list[time], hours_before: int
) -> None:
    when, tz = transition
    start = utc(when) - timedelta(hours=hours_before)
    until = start + timedelta(days=2)
    schedule = TimesOfDay("s", "R", tuple(walls))
    shown, _ = run([schedule], started([schedule], tz, start), tz, until)
    assert [d.at for d in shown] == expected_instants(schedule.walls, tz, start, until)


def test_kolkata_half_hour_offset() -> None:
    state = started([REHAB], KOLKATA, utc("2024-06-03T00:00"))
    assert next_check([REHAB], state, utc("2024-06-03T00:00"), KOLKATA) == utc("2024-06-03T02:30")


# --- one reminder after a gap --------------------------------------------------------------


def test_a_laptop_closed_for_ten_hours_shows_only_the_latest_reminder() -> None:
    schedules: list[Schedule] = [REHAB, BREAKS]
    state = started(schedules, LONDON, loc(LONDON, "2024-06-03T07:00"))  # a Monday
    # Missed: rehab 08:00 and 13:00, breaks 09:00 ... 16:30. Only 16:30 is shown.
    shown, state = due(schedules, state, loc(LONDON, "2024-06-03T17:00"), LONDON)
    assert shown == [Due("movement-break", "Upper-back slides", loc(LONDON, "2024-06-03T16:30"))]
    assert state.last_checked == loc(LONDON, "2024-06-03T17:00")
    shown, state = due(schedules, state, loc(LONDON, "2024-06-03T17:00:30"), LONDON)
    assert shown == []
    assert next_check(schedules, state, loc(LONDON, "2024-06-03T17:01"), LONDON) == loc(
        LONDON, "2024-06-03T19:00"
    )


def test_a_night_asleep_shows_the_morning_reminder_once() -> None:
    state = started([REHAB], NEW_YORK, loc(NEW_YORK, "2024-06-03T22:00"))
    shown, state = due([REHAB], state, loc(NEW_YORK, "2024-06-04T08:30"), NEW_YORK)
    assert shown == [Due("rehab", "Rehab", loc(NEW_YORK, "2024-06-04T08:00"))]
    assert due([REHAB], state, loc(NEW_YORK, "2024-06-04T08:31"), NEW_YORK)[0] == []


def test_a_missed_reminder_older_than_max_late_is_dropped() -> None:
    assert timedelta(hours=2) == MAX_LATE
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:00"))
    limit = loc(LONDON, "2024-06-03T15:00")  # 13:00 + MAX_LATE
    assert due([REHAB], state, limit - timedelta(seconds=1), LONDON)[0] == [
        Due("rehab", "Rehab", loc(LONDON, "2024-06-03T13:00"))
    ]
    shown, state = due([REHAB], state, limit, LONDON)
    assert shown == []
    # Dropped for good: nothing of it comes back later, and 19:00 still comes.
    shown, _ = run([REHAB], state, LONDON, loc(LONDON, "2024-06-03T23:59"))
    assert local_walls(shown, LONDON) == ["Mon 19:00"]


def test_a_missed_reminder_from_yesterday_is_dropped() -> None:
    late = TimesOfDay("late", "Cool-down", (time(23, 30),))
    state = started([late], LONDON, loc(LONDON, "2024-06-03T23:00"))
    shown, state = due([late], state, loc(LONDON, "2024-06-04T00:15"), LONDON)  # 45 min old
    assert shown == []
    assert state.last_checked == loc(LONDON, "2024-06-04T00:15")


def test_a_week_away_shows_nothing_stale_and_no_burst() -> None:
    state = started([REHAB, BREAKS], LONDON, loc(LONDON, "2024-06-03T07:00"))
    shown, state = due([REHAB, BREAKS], state, loc(LONDON, "2024-06-10T08:10"), LONDON)
    assert shown == [Due("rehab", "Rehab", loc(LONDON, "2024-06-10T08:00"))]


def test_of_two_due_together_the_first_listed_wins() -> None:
    other = TimesOfDay("other", "Warm-up", (time(13),))
    state = started([other, REHAB], LONDON, loc(LONDON, "2024-06-03T12:00"))
    shown, state = due([other, REHAB], state, loc(LONDON, "2024-06-03T13:00"), LONDON)
    assert shown == [Due("other", "Warm-up", loc(LONDON, "2024-06-03T13:00"))]
    assert due([other, REHAB], state, loc(LONDON, "2024-06-03T13:01"), LONDON)[0] == []


# --- snooze and skip ----------------------------------------------------------------------


def test_snooze_moves_the_reminder_fifteen_minutes() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:00"))
    shown, state = due([REHAB], state, loc(LONDON, "2024-06-03T13:00"), LONDON)
    assert len(shown) == 1
    state = snooze(state, "rehab", loc(LONDON, "2024-06-03T13:00:20"))
    end = loc(LONDON, "2024-06-03T13:15:20")
    assert state.snoozed_until == {"rehab": end}
    assert next_check([REHAB], state, loc(LONDON, "2024-06-03T13:00:20"), LONDON) == end
    shown, state = due([REHAB], state, end - timedelta(seconds=1), LONDON)
    assert shown == []
    shown, state = due([REHAB], state, end, LONDON)
    assert shown == [Due("rehab", "Rehab", end)]
    assert state.snoozed_until == {}
    assert due([REHAB], state, end + timedelta(minutes=1), LONDON)[0] == []


def test_a_snooze_stands_for_the_schedules_own_times_before_its_end() -> None:
    every15 = movement_break_schedule("Slides", every_minutes=15, schedule_id="b")
    state = started([every15], LONDON, loc(LONDON, "2024-06-03T08:59"))
    shown, state = due([every15], state, loc(LONDON, "2024-06-03T09:00"), LONDON)
    assert local_walls(shown, LONDON) == ["Mon 09:00"]
    state = snooze(state, "b", loc(LONDON, "2024-06-03T09:00"), minutes=20)
    assert next_check([every15], state, loc(LONDON, "2024-06-03T09:00"), LONDON) == loc(
        LONDON, "2024-06-03T09:20"
    )
    # A check at 09:15 (the app woke for another reason) does not show 09:15 either.
    assert due([every15], state, loc(LONDON, "2024-06-03T09:15"), LONDON)[0] == []
    shown, _ = run([every15], state, LONDON, loc(LONDON, "2024-06-03T10:00"))
    assert local_walls(shown, LONDON) == ["Mon 09:20", "Mon 09:30", "Mon 09:45", "Mon 10:00"]


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, True, 15.0])
def test_bad_snooze_lengths_are_refused(minutes: Any) -> None:
    with pytest.raises(ValueError):
        snooze(ReminderState(), "rehab", utc("2024-06-03T12:00"), minutes)


def test_skip_today_drops_the_rest_of_the_local_day_for_that_schedule_only() -> None:
    schedules: list[Schedule] = [REHAB, BREAKS]
    state = started(schedules, LONDON, loc(LONDON, "2024-06-03T07:59"))
    shown, state = due(schedules, state, loc(LONDON, "2024-06-03T08:00"), LONDON)
    assert local_walls(shown, LONDON) == ["Mon 08:00"]
    state = snooze(state, "rehab", loc(LONDON, "2024-06-03T08:00"))
    state = skip_today(state, "rehab", loc(LONDON, "2024-06-03T08:01"), LONDON)
    assert state.skipped_on == {"rehab": date(2024, 6, 3)}
    assert state.snoozed_until == {}  # skip cancels the snooze
    # Checks that happen to fall on the skipped times (the app woke for another reason).
    assert due([REHAB], state, loc(LONDON, "2024-06-03T13:00"), LONDON)[0] == []
    assert due([REHAB], state, loc(LONDON, "2024-06-03T19:30"), LONDON)[0] == []
    shown, state = run(schedules, state, LONDON, loc(LONDON, "2024-06-04T08:00"))
    rehab = [d for d in shown if d.schedule_id == "rehab"]
    assert local_walls(rehab, LONDON) == ["Tue 08:00"]
    breaks = [d for d in shown if d.schedule_id == "movement-break"]
    assert len(breaks) == 11  # 09:00 ... 16:30 went on as usual
    assert state.skipped_on == {}  # forgotten on the next day


def test_next_check_after_skip_is_the_next_days_first_time() -> None:
    state = started([REHAB], NEW_YORK, loc(NEW_YORK, "2024-06-03T08:00"))
    state = skip_today(state, "rehab", loc(NEW_YORK, "2024-06-03T08:00"), NEW_YORK)
    assert next_check([REHAB], state, loc(NEW_YORK, "2024-06-03T08:00"), NEW_YORK) == loc(
        NEW_YORK, "2024-06-04T08:00"
    )


# --- movement breaks inside working hours ---------------------------------------------------


def test_movement_breaks_fire_only_in_working_hours_on_workdays() -> None:
    state = started([BREAKS], LONDON, loc(LONDON, "2024-06-03T00:00"))  # Monday
    shown, _ = run([BREAKS], state, LONDON, loc(LONDON, "2024-06-09T23:59"))
    day = ["09:00", "09:45", "10:30", "11:15", "12:00", "12:45", "13:30", "14:15"]
    day += ["15:00", "15:45", "16:30"]  # never 17:00: the end is not inside
    expected = [f"{weekday} {t}" for weekday in ("Mon", "Tue", "Wed", "Thu", "Fri") for t in day]
    assert local_walls(shown, LONDON) == expected


def test_movement_breaks_stop_before_the_end_even_when_it_is_aligned() -> None:
    short = movement_break_schedule("R", 45, time(9), time(10, 30), EVERY_DAY)
    assert short.walls(date(2024, 6, 8)) == (time(9), time(9, 45))
    assert movement_break_schedule("R", 60, time(9), time(9, 1)).walls(date(2024, 6, 3)) == (
        time(9),
    )
    assert BREAKS.walls(date(2024, 6, 8)) == ()  # a Saturday


def test_movement_breaks_are_not_shown_outside_working_hours_after_a_gap() -> None:
    state = started([BREAKS], LONDON, loc(LONDON, "2024-06-03T16:40"))
    shown, state = due([BREAKS], state, loc(LONDON, "2024-06-03T18:00"), LONDON)
    assert shown == []
    assert next_check([BREAKS], state, loc(LONDON, "2024-06-03T18:00"), LONDON) == loc(
        LONDON, "2024-06-04T09:00"
    )
    friday = loc(LONDON, "2024-06-07T17:00")
    assert next_check([BREAKS], started([BREAKS], LONDON, friday), friday, LONDON) == loc(
        LONDON, "2024-06-10T09:00"
    )


# --- quiet while a routine plays ------------------------------------------------------------


def test_the_reminder_for_the_routine_playing_is_dropped() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:55"))
    shown, state = due([REHAB], state, loc(LONDON, "2024-06-03T13:00"), LONDON, playing="Rehab")
    assert shown == []
    assert state.held is None
    assert due([REHAB], state, loc(LONDON, "2024-06-03T13:10"), LONDON)[0] == []


def test_another_reminder_is_held_during_play_and_shown_once_after() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:55"))
    at = loc(LONDON, "2024-06-03T13:00")
    shown, state = due([REHAB], state, at, LONDON, playing="Warm-up")
    assert shown == []
    assert state.held == Due("rehab", "Rehab", at)
    shown, state = due([REHAB], state, at + timedelta(minutes=5), LONDON, playing="Warm-up")
    assert shown == []
    # Kept with the user's data like the rest of the state.
    state = ReminderState.from_dict(json.loads(json.dumps(state.to_dict())))
    shown, state = due([REHAB], state, at + timedelta(minutes=10), LONDON)
    assert shown == [Due("rehab", "Rehab", at)]
    assert state.held is None
    assert due([REHAB], state, at + timedelta(minutes=11), LONDON)[0] == []


def test_only_the_latest_of_several_held_reminders_is_shown() -> None:
    a = TimesOfDay("a", "Rehab", (time(13),))
    b = TimesOfDay("b", "Cool-down", (time(13, 5),))
    state = started([a, b], LONDON, loc(LONDON, "2024-06-03T12:55"))
    _, state = run([a, b], state, LONDON, loc(LONDON, "2024-06-03T13:09"), playing="Warm-up")
    assert state.held == Due("b", "Cool-down", loc(LONDON, "2024-06-03T13:05"))
    shown, _ = due([a, b], state, loc(LONDON, "2024-06-03T13:10"), LONDON)
    assert shown == [Due("b", "Cool-down", loc(LONDON, "2024-06-03T13:05"))]


def test_movement_breaks_are_dropped_during_play() -> None:
    state = started([BREAKS], LONDON, loc(LONDON, "2024-06-03T08:55"))
    shown, state = run([BREAKS], state, LONDON, loc(LONDON, "2024-06-03T10:00"), playing="Warm-up")
    assert shown == []
    assert state.held is None
    assert due([BREAKS], state, loc(LONDON, "2024-06-03T10:01"), LONDON)[0] == []


def test_a_held_reminder_goes_stale_like_any_other() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:55"))
    _, state = due([REHAB], state, loc(LONDON, "2024-06-03T13:00"), LONDON, playing="Warm-up")
    assert state.held is not None
    # The session was paused all afternoon.
    shown, state = due([REHAB], state, loc(LONDON, "2024-06-03T15:30"), LONDON)
    assert shown == []
    assert state.held is None


def test_skip_and_snooze_clear_a_held_reminder_of_that_schedule() -> None:
    held = ReminderState(
        utc("2024-06-03T12:00"), held=Due("rehab", "Rehab", utc("2024-06-03T12:00"))
    )
    assert skip_today(held, "rehab", utc("2024-06-03T12:05"), LONDON).held is None
    assert snooze(held, "rehab", utc("2024-06-03T12:05")).held is None
    assert snooze(held, "other", utc("2024-06-03T12:05")).held == held.held


# --- restarts: state as plain data --------------------------------------------------------


def test_a_restart_in_the_middle_of_a_day_repeats_nothing_and_loses_nothing() -> None:
    schedules: list[Schedule] = [REHAB, BREAKS]
    state = started(schedules, LONDON, loc(LONDON, "2024-06-03T07:00"))
    before, state = run(schedules, state, LONDON, loc(LONDON, "2024-06-03T13:00"))
    assert local_walls(before, LONDON)[-2:] == ["Mon 12:45", "Mon 13:00"]
    state = snooze(state, "rehab", loc(LONDON, "2024-06-03T13:00"))
    saved = json.dumps(state.to_dict())

    restored = ReminderState.from_dict(json.loads(saved))
    assert restored == state
    # The app starts again a minute later: the 13:00 reminder is not shown again.
    shown, restored = due(schedules, restored, loc(LONDON, "2024-06-03T13:01"), LONDON)
    assert shown == []
    # The snooze survived the restart, and the breaks go on.
    after, _ = run(schedules, restored, LONDON, loc(LONDON, "2024-06-03T14:00"))
    assert local_walls(after, LONDON) == ["Mon 13:15", "Mon 13:30"]


def test_a_restart_after_a_missed_reminder_shows_it() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T18:50"))
    restored = ReminderState.from_dict(json.loads(json.dumps(state.to_dict())))
    shown, _ = due([REHAB], restored, loc(LONDON, "2024-06-03T19:40"), LONDON)
    assert shown == [Due("rehab", "Rehab", loc(LONDON, "2024-06-03T19:00"))]


def test_state_as_plain_data() -> None:
    state = ReminderState(
        last_checked=loc(LONDON, "2024-06-03T13:00"),
        snoozed_until={"rehab": loc(LONDON, "2024-06-03T13:15")},
        skipped_on={"movement-break": date(2024, 6, 3)},
        held=Due("rehab", "Rehab", loc(LONDON, "2024-06-03T13:00")),
    )
    assert state.to_dict() == {
        "version": 1,
        "last_checked": "2024-06-03T12:00:00+00:00",
        "snoozed_until": {"rehab": "2024-06-03T12:15:00+00:00"},
        "skipped_on": {"movement-break": "2024-06-03"},
        "held": {"schedule_id": "rehab", "routine": "Rehab", "at": "2024-06-03T12:00:00+00:00"},
    }
    assert ReminderState.from_dict(state.to_dict()) == state
    assert ReminderState.from_dict(ReminderState().to_dict()) == ReminderState()


GOOD: dict[str, Any] = {
    "version": 1,
    "last_checked": "2024-06-03T12:00:00+00:00",
    "snoozed_until": {"rehab": "2024-06-03T12:15:00+00:00"},
    "skipped_on": {"b": "2024-06-03"},
    "held": None,
}


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        "state",
        {k: v for k, v in GOOD.items() if k != "held"},
        {**GOOD, "extra": 1},
        {**GOOD, "version": 2},
        {**GOOD, "version": True},
        {**GOOD, "version": "1"},
        {**GOOD, "last_checked": "2024-06-03T12:00:00"},  # naive
        {**GOOD, "last_checked": 1717416000},
        {**GOOD, "last_checked": "yesterday"},
        {**GOOD, "snoozed_until": []},
        {**GOOD, "snoozed_until": None},
        {**GOOD, "snoozed_until": {"rehab": "soon"}},
        {**GOOD, "snoozed_until": {"": "2024-06-03T12:15:00+00:00"}},
        {**GOOD, "snoozed_until": {"rehab": None}},
        {**GOOD, "skipped_on": {"b": "2024-6-3"}},
        {**GOOD, "skipped_on": {"b": "2024-06-03T00:00:00"}},
        {**GOOD, "skipped_on": {"b": 20240603}},
        {**GOOD, "skipped_on": {"b": "2024-02-30"}},
        {**GOOD, "held": {"schedule_id": "rehab", "routine": "Rehab"}},
        {**GOOD, "held": {"schedule_id": "rehab", "routine": "", "at": GOOD["last_checked"]}},
        {**GOOD, "held": {"schedule_id": "r", "routine": "R", "at": "2024-06-03T12:00"}},
        {**GOOD, "held": "rehab"},
    ],
)
def test_bad_state_data_is_refused(bad: object) -> None:
    assert ReminderState.from_dict(GOOD).last_checked == utc("2024-06-03T12:00")
    with pytest.raises(ValueError):
        ReminderState.from_dict(bad)


def test_state_from_another_offset_is_kept_in_utc() -> None:
    data = {**GOOD, "last_checked": "2024-06-03T13:00:00+01:00"}
    state = ReminderState.from_dict(data)
    assert state.last_checked == utc("2024-06-03T12:00")
    assert state.last_checked.tzinfo is UTC
    assert state.to_dict()["last_checked"] == "2024-06-03T12:00:00+00:00"


@settings(max_examples=50, deadline=None)
@given(
    last=st.none() | st.datetimes(timezones=st.just(UTC)),
    snoozed=st.dictionaries(
        st.text(min_size=1).filter(str.strip), st.datetimes(timezones=st.just(UTC)), max_size=3
    ),
    skipped=st.dictionaries(st.text(min_size=1).filter(str.strip), st.dates(), max_size=3),
)
def test_any_state_round_trips_through_json(
    last: datetime | None, snoozed: dict[str, datetime], skipped: dict[str, date]
) -> None:
    state = ReminderState(last, snoozed, skipped)
    assert ReminderState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


@pytest.mark.parametrize(
    "schedule", [REHAB, BREAKS, TimesOfDay("x", "R", (time(23, 59),), frozenset({6}), False)]
)
def test_schedules_round_trip_through_json(schedule: Schedule) -> None:
    data = json.loads(json.dumps(schedule_to_dict(schedule)))
    assert schedule_from_dict(data) == schedule


def test_schedule_as_plain_data() -> None:
    assert schedule_to_dict(BREAKS) == {
        "kind": "interval",
        "id": "movement-break",
        "routine": "Upper-back slides",
        "every_minutes": 45,
        "start": "09:00",
        "end": "17:00",
        "weekdays": [0, 1, 2, 3, 4],
        "enabled": True,
    }


REHAB_DATA = schedule_to_dict(REHAB)
BREAKS_DATA = schedule_to_dict(BREAKS)


@pytest.mark.parametrize(
    "bad",
    [
        None,
        {**REHAB_DATA, "kind": "daily"},
        {**REHAB_DATA, "every_minutes": 45},
        {**REHAB_DATA, "times": ["8:00"]},
        {**REHAB_DATA, "times": ["24:00"]},
        {**REHAB_DATA, "times": "08:00"},
        {**REHAB_DATA, "times": []},
        {**REHAB_DATA, "weekdays": [0, 0]},
        {**REHAB_DATA, "weekdays": [7]},
        {**REHAB_DATA, "weekdays": "0123456"},
        {**REHAB_DATA, "enabled": "yes"},
        {**REHAB_DATA, "id": 3},
        {**BREAKS_DATA, "every_minutes": 10},
        {**BREAKS_DATA, "every_minutes": "45"},
        {**BREAKS_DATA, "start": "17:00"},
        {k: v for k, v in BREAKS_DATA.items() if k != "end"},
    ],
)
def test_bad_schedule_data_is_refused(bad: object) -> None:
    with pytest.raises(ValueError):
        schedule_from_dict(bad)


# --- the clock and the zone change under us -----------------------------------------------


def test_flying_west_moves_reminders_to_the_new_local_time() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:59"))
    shown, state = due([REHAB], state, loc(LONDON, "2024-06-03T13:00"), LONDON)
    assert shown == [Due("rehab", "Rehab", utc("2024-06-03T12:00"))]
    # The machine now says New York: 13:00 there is 17:00 UTC, and it is shown then.
    after = loc(LONDON, "2024-06-03T13:00")
    assert next_check([REHAB], state, after, NEW_YORK) == loc(NEW_YORK, "2024-06-03T13:00")
    shown, _ = run([REHAB], state, NEW_YORK, loc(NEW_YORK, "2024-06-03T23:59"))
    assert local_walls(shown, NEW_YORK) == ["Mon 13:00", "Mon 19:00"]


def test_flying_east_shows_at_most_one_of_the_times_skipped_over() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T07:00"))  # 06:00 UTC
    # Eight hours later the machine says Kolkata, 19:30: 08:00 there was before the last
    # check, 13:00 and 19:00 fell due since; only 19:00 is shown.
    shown, state = due([REHAB], state, utc("2024-06-03T14:00"), KOLKATA)
    assert shown == [Due("rehab", "Rehab", loc(KOLKATA, "2024-06-03T19:00"))]
    assert next_check([REHAB], state, utc("2024-06-03T14:00"), KOLKATA) == loc(
        KOLKATA, "2024-06-04T08:00"
    )


def test_a_clock_stepped_back_a_little_repeats_nothing() -> None:
    state = started([REHAB], LONDON, loc(LONDON, "2024-06-03T12:59"))
    at = loc(LONDON, "2024-06-03T13:00")
    shown, state = due([REHAB], state, at, LONDON)
    assert len(shown) == 1
    shown, state = due([REHAB], state, at - timedelta(seconds=2), LONDON)  # NTP step
    assert shown == []
    assert state.last_checked == at  # never moves back
    assert due([REHAB], state, at, LONDON)[0] == []
    assert next_check([REHAB], state, at - timedelta(seconds=2), LONDON) == loc(
        LONDON, "2024-06-03T19:00"
    )


def test_a_last_check_far_in_the_future_is_taken_as_wrong() -> None:
    now = loc(LONDON, "2024-06-03T12:00")
    state = ReminderState(last_checked=now + timedelta(days=30))
    shown, state = due([REHAB], state, now, LONDON)
    assert shown == []
    assert state.last_checked == now
    assert next_check([REHAB], state, now, LONDON) == loc(LONDON, "2024-06-03T13:00")


def test_the_first_check_ever_shows_nothing_and_next_check_asks_for_it() -> None:
    now = loc(LONDON, "2024-06-03T13:30")
    assert next_check([REHAB], ReminderState(), now, LONDON) == now
    shown, state = due([REHAB], ReminderState(), now, LONDON)
    assert shown == []
    assert state == ReminderState(last_checked=now)


def test_disabled_schedules_never_remind() -> None:
    off = TimesOfDay("rehab", "Rehab", (time(13),), enabled=False)
    state = started([off], LONDON, loc(LONDON, "2024-06-03T12:00"))
    assert next_check([off], state, loc(LONDON, "2024-06-03T12:00"), LONDON) is None
    assert next_check([], state, loc(LONDON, "2024-06-03T12:00"), LONDON) is None
    assert due([off], state, loc(LONDON, "2024-06-03T13:30"), LONDON)[0] == []


def test_naive_times_and_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        due([REHAB], ReminderState(), datetime(2024, 6, 3, 12), LONDON)
    with pytest.raises(ValueError, match="aware"):
        ReminderState(last_checked=datetime(2024, 6, 3, 12))
    with pytest.raises(ValueError, match="two schedules"):
        due([REHAB, REHAB], ReminderState(), utc("2024-06-03T12:00"), LONDON)
    with pytest.raises(ValueError, match="date"):
        ReminderState(skipped_on={"rehab": datetime(2024, 6, 3, tzinfo=UTC)})


@st.composite
def checks(draw: st.DrawFn) -> list[tuple[timedelta, ZoneInfo, bool]]:
    """Gaps between checks (seconds to days), the zone at each, and whether to restart."""
    gap = st.one_of(
        st.integers(1, 120).map(lambda s: timedelta(seconds=s)),
        st.integers(1, 180).map(lambda m: timedelta(minutes=m)),
        st.integers(1, 72).map(lambda h: timedelta(hours=h)),
    )
    step = st.tuples(gap, st.sampled_from(ZONES), st.booleans())
    return draw(st.lists(step, min_size=1, max_size=40))


@settings(max_examples=60, deadline=None)
@given(
    start=st.sampled_from([utc(t) for t, _ in TRANSITIONS]),
    steps=checks(),
    extra=walls_strategy,
)
def test_random_checks_in_changing_zones_never_burst_or_repeat(
    start: datetime, steps: list[tuple[timedelta, ZoneInfo, bool]], extra: list[time]
) -> None:
    schedules: list[Schedule] = [REHAB, BREAKS, TimesOfDay("extra", "R", tuple(extra))]
    state = started(schedules, LONDON, start)
    now = start
    seen: set[tuple[str, datetime]] = set()
    for gap, tz, restart in steps:
        previous = now
        now += gap
        if restart:
            state = ReminderState.from_dict(json.loads(json.dumps(state.to_dict())))
        shown, state = due(schedules, state, now, tz)
        assert len(shown) <= 1
        for d in shown:
            assert previous < d.at <= now  # fell due since the last check
            assert now - d.at < MAX_LATE
            assert d.at.astimezone(tz).date() == now.astimezone(tz).date()
            assert (d.schedule_id, d.at) not in seen
            seen.add((d.schedule_id, d.at))
        assert state.last_checked == now
        wake = next_check(schedules, state, now, tz)
        assert wake is not None and wake > now
