"""Recovery copies: unsaved changes written aside every few seconds, offered back after a crash.

A recovery copy is a JSON snapshot of the draft, not YAML: while someone is halfway through
an edit the draft may be a routine the loader rightly refuses (no steps yet, an empty
title), and that is exactly the work a crash must not lose. Each copy says which file it
belongs to (or none, for a routine never saved). Copies are written with the saver's atomic
write, so a crash while writing one leaves the previous copy whole. A save or a discard
removes it.

Copies on disk are untrusted input: a crash, a full disk, another version or a person may
have left anything there. A copy that is not exactly what ``write_copy`` writes (not a
JSON object, the wrong types, numbers no editor field can hold, nested too deep, a time
without a time zone, unreadable) is set aside as ``NAME.json.bad`` next to the others, kept
whole for the person, and logged; every other copy is still offered.
"""

from __future__ import annotations

import json
import logging
import math
import os
import types
import uuid
from dataclasses import MISSING, asdict, dataclass, fields, is_dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoStack

from routineplayer.core import paths, safe_json
from routineplayer.core.atomic_write import write_atomic
from routineplayer.core.figure import Keyframe, Pose, View
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind
from routineplayer.core.motion import Motion, MotionDefaults, Prop, PropKind

log = logging.getLogger(__name__)

INTERVAL_MS = 3000
MARK = "routineplayer-recovery"
VERSION = 1
MAX_COPY_BYTES = 16 * 1024 * 1024  # the loader takes 1 MiB of YAML; JSON spells out more
MAX_NUMBER = 2**31 - 1  # the most a Qt spin box holds; far beyond any routine's numbers
# Model fields routine_to_plain leaves out; a step's motion is its routine's movement of
# the same id, put back by routine_from_plain.
_NOT_KEPT = frozenset({"source", "pos", "motion"})


# --- snapshots (plain data <-> model) ------------------------------------------------------


def routine_to_plain(routine: Routine) -> dict[str, Any]:
    plain = asdict(routine)
    plain.pop("source", None)
    for step in plain["steps"]:
        step.pop("pos", None)
        step.pop("motion", None)
    return plain


def routine_from_plain(plain: dict[str, Any]) -> Routine:
    movements = tuple(_motion_from_plain(m) for m in plain.get("movements", ()))
    by_id = {m.id: m for m in movements}
    steps = tuple(_step_from_plain(s, by_id) for s in plain["steps"])
    lists = {key: tuple(plain.get(key, ())) for key in ("equipment", "safety")}
    return Routine(**{**plain, **lists, "steps": steps, "movements": movements})


def _motion_from_plain(plain: dict[str, Any]) -> Motion:
    d = plain["defaults"]
    return Motion(
        **{
            **plain,
            "view": View(plain["view"]),
            "keyframes": tuple(
                Keyframe(
                    k["at"], Pose(tuple(k["pose"]["values"]), k["pose"]["x"], k["pose"]["lift"])
                )
                for k in plain["keyframes"]
            ),
            "props": tuple(Prop(**{**p, "kind": PropKind(p["kind"])}) for p in plain["props"]),
            "defaults": MotionDefaults(**{**d, "sides": tuple(d["sides"])}),
        }
    )


def _step_from_plain(plain: dict[str, Any], movements: dict[str, Motion]) -> Step:
    breathing, check = plain.get("breathing"), plain.get("check")
    return Step(
        **{
            **plain,
            "kind": StepKind(plain["kind"]),
            "sides": tuple(plain.get("sides", ())),
            "breathing": Breathing(**breathing) if breathing else None,
            "check": Check(**check) if check else None,
            "cues": tuple(Cue(**c) for c in plain.get("cues", ())),
            "motion": movements.get(plain.get("movement", "")),
        }
    )


def _check(value: object, hint: object, where: str) -> None:
    """ValueError unless ``value`` is plain data that routine_to_plain could have made for
    the type ``hint`` (a model dataclass, or one of its fields' types). Follows the model's
    own annotations, so a field added there is checked here without a change."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):  # X | None
        for arm in args:
            try:
                _check(value, arm, where)
            except ValueError:
                continue
            return
        raise ValueError(f"{where}: {_kind(value)} is not allowed here")
    if is_dataclass(hint) and isinstance(hint, type):
        _check_fields(value, hint, where)
    elif origin is tuple:  # tuple[X, ...]: a JSON list
        if not isinstance(value, list):
            raise ValueError(f"{where}: expected a list, not {_kind(value)}")
        for i, item in enumerate(value):
            _check(item, args[0], f"{where}[{i}]")
    elif isinstance(hint, type) and issubclass(hint, Enum):
        if value not in [member.value for member in hint]:  # a list: no hashing needed
            raise ValueError(f"{where}: not a {hint.__name__}")
    elif hint is type(None):
        if value is not None:
            raise ValueError(f"{where}: expected nothing, not {_kind(value)}")
    elif hint is str:
        if not isinstance(value, str):
            raise ValueError(f"{where}: expected text, not {_kind(value)}")
    elif hint is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true or false, not {_kind(value)}")
    elif hint in (int, float):
        _check_number(value, hint is int, where)
    else:
        raise ValueError(f"{where}: cannot check a {hint}")


def _check_fields(value: object, cls: type, where: str) -> None:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object, not {_kind(value)}")
    hints = _hints(cls)
    unknown = sorted(str(key) for key in value if key not in hints)
    if unknown:
        raise ValueError(f"{where}: unknown {', '.join(unknown)}")
    missing = sorted(name for name in _required(cls) if name not in value)
    if missing:
        raise ValueError(f"{where}: {', '.join(missing)} missing")
    for name, item in value.items():
        _check(item, hints[name], f"{where}.{name}")


def _check_number(value: object, whole: bool, where: str) -> None:
    # bool is an int subclass; NaN, Infinity and 1e400 parse as floats, and an int may have
    # thousands of digits (too many for math.isfinite, which converts it to a float).
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (whole and not isinstance(value, int))
    ):
        raise ValueError(f"{where}: expected a number, not {_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{where}: {value} is not a finite number")
    if abs(value) > MAX_NUMBER:
        raise ValueError(f"{where}: a number beyond {MAX_NUMBER}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    """A model dataclass's field types, without the fields a copy leaves out."""
    hints = get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls) if f.name not in _NOT_KEPT}


@cache
def _required(cls: type) -> frozenset[str]:
    """The fields without a default: the model cannot be made without them."""
    return frozenset(
        f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
    )


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


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
    """Every recovery copy, newest first. A bad one is set aside (see the module's notes);
    one of another format version is left where it is, for the version that wrote it."""
    found = []
    for file in sorted(paths.recovery_dir().glob("*.json")):
        try:
            copy = read_copy(file)
        except FileNotFoundError:
            continue  # saved or discarded since the folder was listed
        # read_copy raises only OSError and ValueError; TypeError and KeyError too, in
        # case its checks miss something: a bug there must still not hide the other copies.
        except (OSError, ValueError, TypeError, KeyError) as exc:
            _set_aside(file, exc)
            continue
        if copy is not None:
            found.append(copy)
    # Every time has a zone (read_copy refuses one without): they compare without raising.
    return sorted(found, key=lambda r: r.written, reverse=True)


def read_copy(file: Path) -> Recovered | None:
    """The copy in ``file``; None when it has our mark but another format version.

    OSError when it cannot be read, ValueError when it is not exactly what write_copy
    writes."""
    data = safe_json.loads(safe_json.read_text(file, MAX_COPY_BYTES))
    if not isinstance(data, dict) or data.get("mark") != MARK:
        raise ValueError("not a recovery copy")
    version = data.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool):
            return None
        raise ValueError(f"version: expected a number, not {_kind(version)}")
    written = data.get("written")
    if not isinstance(written, str):
        raise ValueError("written: not a time")
    when = datetime.fromisoformat(written)
    if when.utcoffset() is None:  # write_copy always writes the zone; naive and aware
        raise ValueError("written: a time without a time zone")  # times cannot be compared
    _check(data.get("routine"), Routine, "routine")
    return Recovered(file, routine_from_plain(data["routine"]), _routine_path(data), when)


def _routine_path(data: dict[str, Any]) -> Path | None:
    """The file the copy belongs to: only a name the editor can look up without raising
    (Path.exists raises OSError on a name too long; no file name holds a NUL)."""
    value = data.get("path")
    if value is None:
        return None
    if not isinstance(value, str) or not value or "\x00" in value:
        raise ValueError("path: not a file name")
    path = Path(value)
    if len(os.fsencode(value)) > 4096 or any(len(os.fsencode(p)) > 255 for p in path.parts):
        raise ValueError("path: too long")
    return path


def _set_aside(file: Path, why: BaseException) -> None:
    try:
        aside = safe_json.set_aside(file)
    except OSError as exc:
        log.warning("recovery copy %s is skipped: %s (it cannot be set aside: %s)", file, why, exc)
        return
    log.warning("recovery copy %s cannot be offered: %s; it is kept as %s", file, why, aside.name)


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
