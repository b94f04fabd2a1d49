"""Recovery copies: unsaved changes written aside every few seconds, offered back after a crash.

A recovery copy is a JSON snapshot of the draft, not YAML: while someone is halfway through
an edit the draft may be a routine the loader rightly refuses (no steps yet, an empty
title), and that is exactly the work a crash must not lose. Each copy says which file it
belongs to (or none, for a routine never saved). Copies are written with the saver's atomic
write, so a crash while writing one leaves the previous copy whole. A save or a discard
removes it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoStack

from routineplayer.core import paths
from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind

INTERVAL_MS = 3000
MARK = "routineplayer-recovery"
VERSION = 1


# --- snapshots (plain data <-> model) ------------------------------------------------------


def routine_to_plain(routine: Routine) -> dict[str, Any]:
    plain = asdict(routine)
    plain.pop("source", None)
    for step in plain["steps"]:
        step.pop("pos", None)
    return plain


def routine_from_plain(plain: dict[str, Any]) -> Routine:
    steps = tuple(_step_from_plain(s) for s in plain["steps"])
    lists = {key: tuple(plain.get(key, ())) for key in ("equipment", "safety")}
    return Routine(**{**plain, **lists, "steps": steps})


def _step_from_plain(plain: dict[str, Any]) -> Step:
    breathing, check = plain.get("breathing"), plain.get("check")
    return Step(
        **{
            **plain,
            "kind": StepKind(plain["kind"]),
            "sides": tuple(plain.get("sides", ())),
            "breathing": Breathing(**breathing) if breathing else None,
            "check": Check(**check) if check else None,
            "cues": tuple(Cue(**c) for c in plain.get("cues", ())),
        }
    )


@dataclass(frozen=True)
class Recovered:
    """A recovery copy found on disk."""

    file: Path  # the recovery copy itself
    routine: Routine
    path: Path | None  # the routine file it belongs to; None if never saved
    written: datetime

    def discard(self) -> None:
        self.file.unlink(missing_ok=True)


def pending() -> list[Recovered]:
    """Every readable recovery copy, newest first (unreadable ones are left alone)."""
    found = []
    for file in paths.recovery_dir().glob("*.json"):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("mark") != MARK or data.get("version") != VERSION:
                continue
            found.append(
                Recovered(
                    file,
                    routine_from_plain(data["routine"]),
                    Path(data["path"]) if data.get("path") else None,
                    datetime.fromisoformat(data["written"]),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return sorted(found, key=lambda r: r.written, reverse=True)


def write_copy(file: Path, routine: Routine, path: Path | None) -> None:
    data = {
        "mark": MARK,
        "version": VERSION,
        "path": str(path) if path is not None else None,
        "written": datetime.now().astimezone().isoformat(),
        "routine": routine_to_plain(routine),
    }
    write_atomic(file, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))


# --- the keeper ----------------------------------------------------------------------------


class RecoveryKeeper(QObject):
    """Writes the current draft aside every INTERVAL_MS while it has unsaved changes."""

    def __init__(self, stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = stack
        self.file: Path | None = None
        self._routine: Routine | None = None
        self._path: Path | None = None
        self._written: Routine | None = None
        self.error = ""
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.write_now)
        self.timer.start()

    def track(self, routine: Routine, path: Path | None, file: Path | None = None) -> None:
        """Follow a newly opened draft; ``file`` continues an existing recovery copy."""
        self.file = file or paths.recovery_dir() / f"{_key(path)}.json"
        self._path = path
        self._routine = routine
        self._written = None

    def update(self, routine: Routine, path: Path | None) -> None:
        self._routine = routine
        self._path = path

    def write_now(self) -> None:
        if self.file is None or self._routine is None or self.stack.isClean():
            return
        if self._routine == self._written:
            return
        try:
            write_copy(self.file, self._routine, self._path)
        except OSError as exc:  # a full disk must not stop the editing
            self.error = str(exc)
            return
        self._written = self._routine

    def remove(self) -> None:
        """Forget the copy: the changes were saved or discarded."""
        if self.file is not None:
            self.file.unlink(missing_ok=True)
        self._written = None


def _key(path: Path | None) -> str:
    return path.stem if path is not None else f"new-{uuid.uuid4().hex[:8]}"
