"""The engine's summary of a played routine, as lines for the window and the terminal."""

from __future__ import annotations

from routineplayer.core.durations import spoken_duration
from routineplayer.core.summary import SetOutcome, Summary


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _done_line(summary: Summary) -> str:
    """Done out of the whole routine, not out of the sets reached before a stop. When every
    exercise is one set (a timed step is one set), "exercises" is what a person counted."""
    planned = max(summary.sets_planned, len(summary.sets))
    word = "Exercises" if planned == summary.exercises_planned else "Sets"
    return f"{word} done: {summary.sets_completed} of {planned}"


def summary_lines(summary: Summary) -> tuple[str, list[str]]:
    """A heading and the lines under it."""
    if summary.finished:
        heading = f"Well done: {summary.routine_title}"
    else:
        heading = f"Stopped: {summary.routine_title}"
    lines = [f"Time: {spoken_duration(summary.active)}"]
    if summary.paused >= 1:
        lines[0] += f" (plus {spoken_duration(summary.paused)} paused)"
    if summary.sets:
        lines.append(_done_line(summary))
    if summary.checks:
        yes = sum(c.yes for c in summary.checks)
        lines.append(
            f"Belly checks: {_plural(len(summary.checks), 'answer')}, "
            f"{yes} yes (lower belly disconnected)"
        )
    if summary.resets_taken:
        lines.append(f"Rest-and-resets taken: {summary.resets_taken}")
    exhausted = [r for r in summary.sets if r.outcome is SetOutcome.RESETS_EXHAUSTED]
    for result in exhausted:
        lines.append(f"{result.step_title}, set {result.set_number}: stopped for today")
    if summary.steps_skipped:
        lines.append(f"Steps skipped: {len(summary.steps_skipped)}")
    return heading, lines
