"""A week at a glance: planned against done per local day, and the run of days practised;
from the journal's own sessions, in the user's time zone."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from routineplayer.core.journal import Journal, Outcome
from routineplayer.core.practice_week import streak, week_at_a_glance

TODAY = date(2026, 3, 12)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_seven_days_oldest_first_with_planned_and_done() -> None:
    done = [
        _at(TODAY),
        _at(TODAY, 18),
        _at(TODAY - timedelta(days=2)),
        _at(TODAY - timedelta(days=9)),
    ]
    week = week_at_a_glance(done, lambda d: 3 if d.weekday() < 5 else 0, TODAY, UTC)
    assert [d.day for d in week.days] == [TODAY - timedelta(days=6 - k) for k in range(7)]
    assert [d.done for d in week.days] == [0, 0, 0, 0, 1, 0, 2]
    assert [d.planned for d in week.days] == [3 if d.day.weekday() < 5 else 0 for d in week.days]
    assert (week.done, week.planned) == (3, 15)
    assert week.streak == 1


def test_the_run_of_days_counts_back_from_yesterday_until_today_is_practised() -> None:
    days = Counter({TODAY - timedelta(days=k): 1 for k in (1, 2, 3, 5)})
    assert streak(days, TODAY) == 3  # today not practised yet: the run is not broken
    days[TODAY] = 2
    assert streak(days, TODAY) == 4
    assert streak(Counter(), TODAY) == 0


def test_a_late_session_counts_for_the_local_evening() -> None:
    late = datetime(2026, 3, 12, 3, 30, tzinfo=UTC)  # 22:30 on the 11th in UTC-5
    week = week_at_a_glance([late], lambda d: 0, TODAY, timezone(timedelta(hours=-5)))
    assert week.days[-2].day == date(2026, 3, 11) and week.days[-2].done == 1
    assert week.days[-1].done == 0


def test_the_journal_counts_finished_sessions_and_stopped_ones_with_a_set(tmp_path: Path) -> None:
    now = [datetime(2026, 3, 12, 12, tzinfo=UTC)]
    with Journal.open(tmp_path / "j.sqlite3", clock=lambda: now[0], tz=UTC) as journal:
        finished = journal.start_session("Warm-up", builtin="warm-up")
        journal.finish_session(finished, Outcome.FINISHED)
        now[0] -= timedelta(days=1)
        worked = journal.start_session("Slides", builtin="upper-back-slides")
        journal.record_set(worked, step_index=0, step_title="Forward reach slides", set_number=1)
        journal.finish_session(worked, Outcome.STOPPED, stopped_at_step=1)
        now[0] -= timedelta(days=1)
        opened = journal.start_session("Cool-down", builtin="cool-down")
        journal.finish_session(opened, Outcome.STOPPED, stopped_at_step=0)
        now[0] = datetime(2026, 3, 12, 20, tzinfo=UTC)
        week = journal.week(lambda d: 3)
    assert [d.done for d in week.days[-3:]] == [0, 1, 1]
    assert week.streak == 2
    assert week.planned == 21
