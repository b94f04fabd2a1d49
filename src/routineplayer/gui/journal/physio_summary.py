"""A one-page summary of the journal for a physiotherapist, as HTML (no Qt here).

It answers what a physiotherapist asks first: how often, is the pain coming down, does the
deep core hold in each exercise, and where did sessions stop. ``summary_writer`` prints it
to PDF or saves it as a web page to print.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from statistics import fmean

from routineplayer.core.journal import (
    DisconnectRate,
    Journal,
    Outcome,
    PainPoint,
    SessionRecord,
)
from routineplayer.core.pain import PainLocation
from routineplayer.core.practice_week import Week, streak_words

RECENT_DAYS = 7
DISCLAIMER = (
    "Recorded by the person with routineplayer, a home exercise player. The ratings are "
    "their own; routineplayer is not a medical device."
)

_STYLE = """
body { font-family: sans-serif; font-size: 9.5pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 2pt 0; }
h2 { font-size: 11.5pt; margin: 10pt 0 3pt 0; }
p { margin: 2pt 0; }
table { border-collapse: collapse; }
th { text-align: left; background: #e8e8e8; }
th, td { padding: 0 14px 0 0; border-bottom: 1px solid #ccc; white-space: nowrap; }
td.text { white-space: normal; }
.muted { color: #555; font-size: 8pt; }
"""
# Cells are padded in px: printing to PDF, QTextDocument shrinks a padding in pt to almost
# nothing, and the columns' words ran together. Only the columns of free text wrap. It
# honours the table's attributes where it ignores the CSS equivalents.
_TABLE = '<table width="100%" cellspacing="0" cellpadding="0" border="0">'


@dataclass(frozen=True)
class ExerciseTotal:
    exercise: str
    checks: int
    yes: int
    recent_checks: int
    recent_yes: int


@dataclass(frozen=True)
class PhysioSummary:
    sessions: tuple[SessionRecord, ...]  # newest first
    pain: tuple[PainPoint, ...]  # oldest first
    rates: tuple[DisconnectRate, ...]  # by exercise, then day
    printed_on: date
    first_day: date | None
    last_day: date | None
    week: Week | None = None  # the last seven days: planned against done

    @classmethod
    def from_journal(
        cls,
        journal: Journal,
        today: date | None = None,
        planned: Callable[[date], int] = lambda _day: 0,
    ) -> PhysioSummary:
        sessions = tuple(journal.sessions())
        pain = tuple(journal.pain_series())
        days = sorted(s.started_at.astimezone().date() for s in sessions)
        return cls(
            sessions,
            pain,
            tuple(journal.disconnect_rate_by_exercise()),
            today or date.today(),
            days[0] if days else None,
            days[-1] if days else None,
            journal.week(planned),
        )

    @property
    def exercises(self) -> tuple[ExerciseTotal, ...]:
        return exercise_totals(self.rates)

    def html(self, images: Mapping[str, str] | None = None, max_rows: int = 14) -> str:
        """The page; ``images`` maps "pain" and "disconnect" to image URLs to include."""
        images = images or {}
        parts = [f"<html><head><style>{_STYLE}</style></head><body>", self._heading()]
        if self.week is not None:  # one line: the page must still hold on one sheet
            parts.append(self._week_text(self.week))
        parts.append("<h2>Pain (0 = none, 10 = worst imaginable)</h2>")
        parts.append(f"<p>{escape(self._pain_text())}</p>")
        if "pain" in images and self.pain:
            parts.append(f'<p><img src="{images["pain"]}" width="640"></p>')
        parts.append("<h2>Lower belly disconnecting during the exercises</h2>")
        parts.append(self._exercise_table())
        if "disconnect" in images and self.exercises:
            parts.append(f'<p><img src="{images["disconnect"]}" width="640"></p>')
        if max_rows > 0 and self.sessions:
            shown = min(max_rows, len(self.sessions))
            parts.append(f"<h2>The last {shown} sessions</h2>")
            parts.append(self._session_table(self.sessions[:shown]))
        parts.append(f'<p class="muted">{escape(DISCLAIMER)}</p></body></html>')
        return "".join(parts)

    # -- parts ------------------------------------------------------------------------------

    def _heading(self) -> str:
        finished = sum(s.outcome is Outcome.FINISHED for s in self.sessions)
        period = "no sessions recorded yet"
        if self.first_day and self.last_day:
            period = f"{_day(self.first_day)} to {_day(self.last_day)}"
        count = len(self.sessions)
        return (
            "<h1>Back exercise journal: summary</h1>"
            f"<p>{escape(period)} · {count} session{'s' if count != 1 else ''}, "
            f"{finished} played to the end · printed {_day(self.printed_on)}</p>"
        )

    def _week_text(self, week: Week) -> str:
        days = ", ".join(
            f"{d.day:%a} {d.done}" + (f" of {d.planned}" if d.planned else "") for d in week.days
        )
        line = f"Sessions done in the last seven days: {days}. {streak_words(week.streak)}"
        return f"<p>{escape(line)}</p>"

    def _pain_text(self) -> str:
        before = [p.before for p in self.pain if p.before is not None]
        after = [p.after for p in self.pain if p.after is not None]
        if not before and not after:
            return "No pain ratings recorded."
        text = []
        if before:
            text.append(f"Average before a session: {fmean(before):.1f} ({len(before)} ratings)")
        if after:
            text.append(f"after: {fmean(after):.1f} ({len(after)} ratings)")
        both = [
            p.after - p.before for p in self.pain if p.before is not None and p.after is not None
        ]
        if both:
            change = fmean(both)
            word = "lower" if change < 0 else "higher" if change > 0 else "the same"
            amount = f"{abs(change):.1f} " if change else ""
            text.append(f"pain after a session was on average {amount}{word} than before")
        if len(before) >= 2:
            text.append(f"first rating before {before[0]}, latest {before[-1]}")
        return "; ".join(text) + "."

    def _exercise_table(self) -> str:
        if not self.exercises:
            return "<p>No belly checks answered yet.</p>"
        rows = "".join(
            f'<tr><td class="text">{escape(e.exercise)}</td>'
            f"<td>{e.checks}</td><td>{e.yes}</td>"
            f"<td>{_share(e.yes, e.checks)}</td>"
            f"<td>{_share(e.recent_yes, e.recent_checks)}</td></tr>"
            for e in self.exercises
        )
        return (
            f"{_TABLE}<tr><th>Exercise</th><th>Checks</th><th>Yes</th><th>Share</th>"
            f"<th>Last {RECENT_DAYS} days</th></tr>{rows}</table>"
        )

    def _session_table(self, sessions: Sequence[SessionRecord]) -> str:
        rows = "".join(
            f"<tr><td>{s.started_at.astimezone():%d %b %H:%M}</td>"
            f'<td class="text">{escape(s.routine_title)}</td>'
            f'<td class="text">{escape(ended_text(s))}</td>'
            f"<td>{pain_text(s.pain_before, s.pain_before_location)}</td>"
            f"<td>{pain_text(s.pain_after)}</td>"
            f'<td class="text">{escape(s.pain_after_note or "")}</td></tr>'
            for s in sessions
        )
        return (
            f"{_TABLE}<tr><th>When</th><th>Routine</th><th>Ended</th><th>Pain before</th>"
            f"<th>After</th><th>Note</th></tr>{rows}</table>"
        )


def exercise_totals(rates: Sequence[DisconnectRate]) -> tuple[ExerciseTotal, ...]:
    """Totals per exercise over the whole journal and over its last RECENT_DAYS days."""
    if not rates:
        return ()
    since = max(r.day for r in rates) - timedelta(days=RECENT_DAYS - 1)
    totals: dict[str, list[int]] = {}
    for r in rates:
        t = totals.setdefault(r.exercise, [0, 0, 0, 0])
        t[0] += r.checks_answered
        t[1] += r.yes_count
        if r.day >= since:
            t[2] += r.checks_answered
            t[3] += r.yes_count
    return tuple(ExerciseTotal(name, *t) for name, t in sorted(totals.items()))


def ended_text(session: SessionRecord) -> str:
    if session.outcome is Outcome.FINISHED:
        return "Finished"
    if session.outcome is Outcome.STOPPED:
        return f"Stopped at {session.stopped_at_title}" if session.stopped_at_title else "Stopped"
    return "Not finished (app closed)"


def pain_text(level: int | None, location: PainLocation | None = None) -> str:
    if level is None:
        return "–"
    return f"{level} ({escape(location.value)})" if location else str(level)


def _share(yes: int, checks: int) -> str:
    return f"{round(100 * yes / checks)}%" if checks else "–"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
