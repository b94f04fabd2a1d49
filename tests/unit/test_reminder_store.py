"""The reminder schedules and their state in reminders.json: round trip, and a damaged file
costs only what is damaged (the rest is kept; an unreadable file is set aside, never lost)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path

from routineplayer.core.local_zone import local_zone
from routineplayer.core.reminder_store import (
    Reminders,
    load_reminders,
    reminders_path,
    save_reminders,
)
from routineplayer.core.reminder_words import schedule_words, weekdays_words
from routineplayer.core.reminders import (
    ReminderState,
    TimesOfDay,
    movement_break_schedule,
    rehab_schedule,
)

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def full() -> Reminders:
    state = ReminderState(last_checked=NOW, snoozed_until={"rehab": NOW})
    return Reminders((rehab_schedule("my-rehab-routine"), movement_break_schedule("slides")), state)


def test_schedules_and_state_round_trip_through_the_users_data() -> None:
    save_reminders(full())
    assert reminders_path().is_file()
    back = load_reminders()
    assert back.schedules == full().schedules
    assert back.state == full().state
    assert back.problems == ()


def test_no_file_is_no_reminders() -> None:
    assert load_reminders() == Reminders()


def test_a_bad_schedule_is_left_out_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "reminders.json"
    save_reminders(full(), path)
    data = json.loads(path.read_text())
    data["schedules"][0]["times"] = ["25:00"]
    data["schedules"].append(dict(data["schedules"][1]))  # the same id twice
    path.write_text(json.dumps(data))
    back = load_reminders(path)
    assert [s.id for s in back.schedules] == ["movement-break"]
    assert len(back.problems) == 2
    assert "schedule 1 left out" in back.problems[0]
    assert "used twice" in back.problems[1]


def test_an_unreadable_file_is_set_aside_whole(tmp_path: Path) -> None:
    path = tmp_path / "reminders.json"
    path.write_text('{"version": 1, "schedules": [')
    back = load_reminders(path)
    assert back.schedules == ()
    assert not path.exists()
    assert (tmp_path / "reminders.json.bad").read_text() == '{"version": 1, "schedules": ['
    assert "kept as reminders.json.bad" in back.problems[0]


def test_a_bad_state_forgets_only_the_state(tmp_path: Path) -> None:
    path = tmp_path / "reminders.json"
    save_reminders(full(), path)
    data = json.loads(path.read_text())
    data["state"]["last_checked"] = "yesterday"
    path.write_text(json.dumps(data))
    back = load_reminders(path)
    assert back.schedules == full().schedules
    assert back.state == ReminderState()
    assert "forgotten" in back.problems[0]


def test_ids_and_edits() -> None:
    reminders = full()
    assert reminders.free_id("rehab") == "rehab-2"
    assert reminders.free_id("times") == "times"
    changed = TimesOfDay("rehab", "my-rehab-routine", (time(7, 30),))
    edited = reminders.with_schedule(changed)
    assert [s.id for s in edited.schedules] == ["rehab", "movement-break"]
    assert edited.schedules[0] == changed and edited.state == reminders.state
    assert [s.id for s in edited.without("rehab").schedules] == ["movement-break"]
    assert [s.id for s in edited.for_routine("slides")] == ["movement-break"]


def test_schedules_in_words() -> None:
    assert (
        schedule_words(rehab_schedule("r"), "My rehab routine")
        == "My rehab routine: 08:00, 13:00 and 19:00, every day"
    )
    breaks = movement_break_schedule("slides", every_minutes=30)
    assert (
        schedule_words(breaks, "Slides")
        == "Slides: a movement break every 30 min, 09:00–17:00, Monday to Friday"
    )
    off = TimesOfDay("t", "r", (time(8, 0),), frozenset({0, 2}), enabled=False)
    assert schedule_words(off, "R") == "R: 08:00, Mon, Wed (off)"
    assert weekdays_words(frozenset({5, 6})) == "weekends"


def test_the_local_zone_keeps_daylight_saving_rules(tmp_path: Path) -> None:
    berlin = local_zone("Europe/Berlin")
    winter = datetime(2026, 1, 15, 12, tzinfo=berlin).utcoffset()
    summer = datetime(2026, 7, 15, 12, tzinfo=berlin).utcoffset()
    assert (winter, summer) != (summer, summer), "a zone with rules, not a fixed offset"
    # /etc/localtime as a link into the zoneinfo database, and as a copy of one of its files.
    source = Path("/usr/share/zoneinfo/America/New_York")
    link = tmp_path / "localtime"
    link.symlink_to(source)
    assert str(local_zone("", link)) == "America/New_York"
    copy = tmp_path / "copied"
    copy.write_bytes(source.read_bytes())
    zone = local_zone("", copy)
    assert (
        datetime(2026, 7, 1, tzinfo=zone).utcoffset()
        != datetime(2026, 1, 1, tzinfo=zone).utcoffset()
    )
    # An unknown $TZ falls back to /etc/localtime.
    assert str(local_zone("Not/AZone", link)) == "America/New_York"


def test_sessions_planned_on_a_day() -> None:
    from datetime import date

    from routineplayer.core.reminders import planned_on

    monday, sunday = date(2026, 3, 2), date(2026, 3, 8)
    weekdays = TimesOfDay("w", "r", (time(7, 0), time(18, 0)), frozenset(range(5)))
    schedules = [rehab_schedule("r"), weekdays, movement_break_schedule("slides")]
    assert planned_on(schedules, monday) == 5
    assert planned_on(schedules, sunday) == 3
    assert planned_on([TimesOfDay("off", "r", (time(8, 0),), enabled=False)], monday) == 0
