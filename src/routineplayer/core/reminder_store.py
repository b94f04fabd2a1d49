"""The reminder schedules and their state, kept with the user's data (reminders.json).

One file holds both, so a schedule and what was last shown for it never disagree after a
crash: it is written whole and atomically (core.atomic_write) on every change. The file is
untrusted input: a schedule that does not read back is left out (and logged), the rest are
kept; a file that cannot be read at all is set aside as reminders.json.bad, never deleted,
and the app carries on with no reminders rather than not starting.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from routineplayer.core import safe_json
from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.paths import user_data_dir
from routineplayer.core.reminders import (
    ReminderState,
    Schedule,
    schedule_from_dict,
    schedule_to_dict,
)

log = logging.getLogger(__name__)

FILE_VERSION = 1
FILE_NAME = "reminders.json"


@dataclass(frozen=True)
class Reminders:
    """Every schedule, in the order the person sees them, and the state ``due`` keeps."""

    schedules: tuple[Schedule, ...] = ()
    state: ReminderState = field(default_factory=ReminderState)
    problems: tuple[str, ...] = ()  # what was left out when reading, for the window to say

    def with_schedule(self, schedule: Schedule) -> Reminders:
        """``schedule`` added, or in place of the one with its id."""
        ids = [s.id for s in self.schedules]
        if schedule.id in ids:
            schedules = tuple(schedule if s.id == schedule.id else s for s in self.schedules)
        else:
            schedules = (*self.schedules, schedule)
        return Reminders(schedules, self.state)

    def without(self, schedule_id: str) -> Reminders:
        return Reminders(tuple(s for s in self.schedules if s.id != schedule_id), self.state)

    def for_routine(self, routine: str) -> list[Schedule]:
        return [s for s in self.schedules if s.routine == routine]

    def free_id(self, stem: str) -> str:
        """``stem``, or ``stem-2``, ``stem-3``... whichever no schedule has yet."""
        taken = {s.id for s in self.schedules}
        n, candidate = 1, stem
        while candidate in taken:
            n += 1
            candidate = f"{stem}-{n}"
        return candidate


def reminders_path() -> Path:
    return user_data_dir() / FILE_NAME


def load_reminders(path: Path | None = None) -> Reminders:
    path = reminders_path() if path is None else path
    try:
        data, _deep = safe_json.loads_object(safe_json.read_text(path))
    except FileNotFoundError:
        return Reminders()
    except (OSError, ValueError) as exc:
        return Reminders(problems=(_set_aside(path, f"it cannot be read ({exc})"),))
    if data.get("version") != FILE_VERSION:
        why = f"version {data.get('version')!r:.20} is not {FILE_VERSION}"
        return Reminders(problems=(_set_aside(path, why),))
    problems: list[str] = []
    schedules: list[Schedule] = []
    raw = data.get("schedules")
    for n, item in enumerate(raw if isinstance(raw, list) else []):
        try:
            schedule = schedule_from_dict(item)
        except (ValueError, TypeError) as exc:
            problems.append(f"{path.name}: schedule {n + 1} left out: {exc}")
            continue
        if any(s.id == schedule.id for s in schedules):
            problems.append(f"{path.name}: schedule {n + 1} left out: its id is used twice")
            continue
        schedules.append(schedule)
    try:
        state = ReminderState.from_dict(data.get("state"))
    except (ValueError, TypeError) as exc:
        # Losing the state costs at most one reminder not shown (a first check shows none).
        problems.append(f"{path.name}: what was last reminded is forgotten: {exc}")
        state = ReminderState()
    for line in problems:
        log.warning("%s", line)
    return Reminders(tuple(schedules), state, tuple(problems))


def save_reminders(reminders: Reminders, path: Path | None = None, *, durable: bool = True) -> None:
    """Write the whole file atomically; OSError (a full disk) leaves the old file whole.
    ``durable``: flushed to the disk before returning (not needed for a routine look)."""
    path = reminders_path() if path is None else path
    data: dict[str, Any] = {
        "version": FILE_VERSION,
        "schedules": [schedule_to_dict(s) for s in reminders.schedules],
        "state": reminders.state.to_dict(),
    }
    write_atomic(path, (json.dumps(data, indent=2) + "\n").encode("utf-8"), durable=durable)


def _set_aside(path: Path, why: str) -> str:
    try:
        aside = safe_json.set_aside(path)
    except OSError as exc:
        line = f"{path}: {why}; no reminders this time (it could not be kept aside: {exc})"
    else:
        line = f"{path}: {why}; it is kept as {aside.name} and reminders start afresh"
    log.warning("%s", line)
    return line
