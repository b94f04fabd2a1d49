"""Reading routine files (format 1, docs/routine-format.md) into the model, with every problem.

The file is composed into core/yaml_nodes.py's node tree (safe tags only, size and depth
limits, a line and column on every value), and read from it here, so every problem is
reported as ``FILE:LINE:COL: key.path: what was expected``, and all problems of a file at
once. Movements a routine defines are read by core/motion_reader.py into the same list.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

import yaml

from routineplayer.core.cost import first_excess, opening_cost
from routineplayer.core.durations import format_duration
from routineplayer.core.model import (
    DEFAULT_LEAD_IN,
    FORMAT_VERSION,
    Breathing,
    Check,
    Cue,
    Routine,
    SourcePos,
    Step,
    StepKind,
)
from routineplayer.core.motion import Motion
from routineplayer.core.motion_library import builtin_motion_ids
from routineplayer.core.motion_reader import DEFINITION_KEYS, MotionReader, check_id
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.regular_file import read_regular_file
from routineplayer.core.timeline import IncludeError, flatten_checked
from routineplayer.core.yaml_nodes import (
    _INT,
    _NO_TEXTS,
    MAX_FILE_BYTES,
    MAX_SECONDS,
    PURE_LOADER,
    SAFE_LOADER,
    NodeReader,
    _check_printable,
    _child,
    _compose,
    _decode,
    _describe,
    _Fatal,
    _finish,
    _Kind,
    _Node,
    _suggest,
    _syntax_problem,
    _too_large,
    _value_at,
)

# Limits and constants other modules and the tests read from here, where they apply.
from routineplayer.core.yaml_nodes import DEFAULT_SIDES as DEFAULT_SIDES
from routineplayer.core.yaml_nodes import MAX_DEPTH as MAX_DEPTH
from routineplayer.core.yaml_nodes import MAX_NODES as MAX_NODES


class RoutineLookup(Protocol):
    """What checking includes needs of a core.library.Library. That module imports this
    one to load its files, so it is described here rather than imported: no circle."""

    def resolve(self, name: str) -> Routine: ...

    def with_dir(self, directory: Path) -> RoutineLookup: ...


MAX_REPS = 1000  # core/motion_reader.py allows as many in a movement's defaults
MAX_SETS = 100
MAX_RESETS = 100
MAX_BREATHS = 10_000  # breath cycles in one breathing step
MIN_LEAD_IN = 3.0
MAX_NAME_CHARS = 100  # an include names a file: far below any file system's 255 bytes

# --- nodes -> model ------------------------------------------------------------------------


ROUTINE_KEYS = (
    "format", "title", "summary", "credit", "position", "equipment", "safety", "lead_in",
    "movements", "steps",
)  # fmt: skip
_SETS_KEYS = ("sides", "sets", "rest_between_sets", "check")
STEP_KEYS: dict[StepKind, tuple[str, ...]] = {
    StepKind.TIMED: ("title", "say", "movement", "duration", *_SETS_KEYS, "cues"),
    StepKind.REPS: ("title", "say", "movement", "reps", "tempo", *_SETS_KEYS, "cues"),
    StepKind.BREATHING: ("title", "say", "movement", "duration", "breathing", "cues"),
    StepKind.REST: ("title", "say", "rest"),
    StepKind.INCLUDE: ("include",),
}
ALL_STEP_KEYS = tuple(dict.fromkeys(k for keys in STEP_KEYS.values() for k in keys))
# Which key makes a step which kind, in order of precedence.
KIND_KEYS = (
    ("include", StepKind.INCLUDE),
    ("rest", StepKind.REST),
    ("breathing", StepKind.BREATHING),
    ("reps", StepKind.REPS),
    ("duration", StepKind.TIMED),
)
BREATHING_KEYS = ("inhale", "hold_in", "exhale", "hold_out", "breaths", "imagery")
CHECK_KEYS = ("question", "reset", "reset_cue", "max_resets")
CUE_KEYS = ("at", "say", "movement")

_KIND_NAMES = {
    StepKind.TIMED: "a timed step (one with duration)",
    StepKind.REPS: "a reps step",
    StepKind.BREATHING: "a breathing step",
    StepKind.REST: "a rest step",
    StepKind.INCLUDE: "an include step",
}
# Why a known key does not fit a kind, where a bare "not allowed" would puzzle.
_NOT_ALLOWED_HINTS = {
    (StepKind.REPS, "duration"): (
        "a step is timed (duration) or counted (reps), not both; "
        "to pace the reps, give tempo (seconds per rep)"
    ),
    (StepKind.TIMED, "tempo"): "tempo (seconds per rep) belongs on a step with reps",
    (StepKind.REST, "duration"): "write a rest step's length as rest: 30s",
    (StepKind.INCLUDE, ""): "an include step has only the include key",
    (StepKind.BREATHING, "reps"): "a breathing step lasts a duration or a number of breaths",
}

_NO_CUES: tuple[Cue, ...] = ()


class _Builder(NodeReader):
    """Walks the node tree, builds the model and collects every problem on the way."""

    other_keys = ALL_STEP_KEYS

    # The routine ------------------------------------------------------------------------

    def routine(self, root: _Node, source: str) -> Routine | None:
        top = self.mapping(root, "", "a routine: format, title, steps and more")
        if top is None:
            return None
        self.unknown_keys(top, ROUTINE_KEYS, "")
        if self.required(top, root, "", "format", "format: 1 at the top of the file"):
            self.format_version(top["format"][1])
        title = None
        if self.required(top, root, "", "title", "e.g. title: Morning stretch"):
            title = self.text(top["title"][1], "title")
        texts = {
            key: self.optional(top, key, "", self.text, "")
            for key in ("summary", "credit", "position")
        }
        equipment = self.optional(top, "equipment", "", self.texts, _NO_TEXTS)
        safety = self.optional(top, "safety", "", self.texts, _NO_TEXTS)
        lead_in = self.optional(
            top,
            "lead_in",
            "",
            lambda n, p: self.duration(n, p, minimum=MIN_LEAD_IN),
            DEFAULT_LEAD_IN,
        )
        no_movements: tuple[Motion, ...] = ()
        movements = self.optional(top, "movements", "", self.movements, no_movements)
        steps: tuple[Step, ...] | None = None
        if self.required(top, root, "", "steps", "a list of steps"):
            steps = self.steps(top["steps"][1], "steps")
        if steps is not None and movements is not None:
            steps = self.step_movements(top["steps"][1], steps, movements)
        if self.problems:
            return None
        assert title is not None and steps is not None and lead_in is not None
        assert equipment is not None and safety is not None and movements is not None
        # Each value is within its limits; their product may not be (core/cost.py).
        opening = opening_cost(title, texts["position"] or "", lead_in)
        index, why = first_excess(steps, lead_in, opening)
        if index >= 0:
            at = steps[index].pos
            self.problems.append(
                Problem(
                    self.file,
                    at.line,
                    at.column,
                    f"steps[{index}]",
                    f"the routine is too large: {why}",
                )
            )
            return None
        return Routine(
            title=title,
            steps=steps,
            summary=texts["summary"] or "",
            credit=texts["credit"] or "",
            position=texts["position"] or "",
            equipment=equipment,
            safety=safety,
            lead_in=lead_in,
            movements=movements,
            source=source,
        )

    def movements(self, node: _Node, path: str) -> tuple[Motion, ...] | None:
        """The movements a routine defines (id: definition), each checked as a file is."""
        entries = self.mapping(node, path, "movements: each an id, then its definition")
        if entries is None:
            return None
        builtin = builtin_motion_ids()
        reader = MotionReader(self.file)
        reader.problems = self.problems  # one list: every problem of the file, in order
        motions = []
        for name, (key, value) in entries.items():
            at = _child(path, name)
            why = check_id(name)
            if not why and name in builtin:
                why = f"'{name}' is a movement of the library already: give yours another id"
            if why:
                self.problem(key, at, why)
                continue
            motions.append(reader.definition(value, at, name, DEFINITION_KEYS))
        return None if any(m is None for m in motions) else tuple(m for m in motions if m)

    def step_movements(
        self, node: _Node, steps: tuple[Step, ...], own: tuple[Motion, ...]
    ) -> tuple[Step, ...]:
        """Each step's movement id checked against the library and the routine's own, with
        the routine's own definition attached to the steps that use one."""
        by_id = {m.id: m for m in own}
        library = sorted(builtin_motion_ids())
        known = sorted({*library, *by_id})
        out = []
        for i, (item, step) in enumerate(zip(node.items, steps, strict=True)):
            self.movement_id(item, f"steps[{i}].movement", step.movement, known)
            cue_nodes = _value_at(item, "cues")
            for k, cue in enumerate(step.cues):
                if cue.movement and cue_nodes is not None:
                    at = f"steps[{i}].cues[{k}].movement"
                    # A cue switches to one of the library's (figure_timing.py looks there).
                    self.movement_id(cue_nodes.items[k], at, cue.movement, library)
            out.append(replace(step, motion=by_id.get(step.movement)))
        return tuple(out)

    def movement_id(self, node: _Node, path: str, motion_id: str, known: list[str]) -> None:
        if motion_id and motion_id not in known:
            self.problem(
                _value_at(node, "movement") or node,
                path,
                f"no movement has the id '{motion_id}'{_suggest(motion_id, known)} (the "
                "library's ids are listed by routineplayer movements)",
            )

    def format_version(self, node: _Node) -> None:
        got = self.scalar(node, "format", f"the format version {FORMAT_VERSION}")
        if got is None:
            return
        if got.plain and _INT.fullmatch(got.value) and int(got.value) != FORMAT_VERSION:
            self.problem(
                node,
                "format",
                f"format {int(got.value)} is not one this version of routineplayer can read "
                f"(it reads format {FORMAT_VERSION})",
            )
        elif not (got.plain and _INT.fullmatch(got.value)):
            self.problem(node, "format", f"expected {FORMAT_VERSION}, got {_describe(node)}")

    def steps(self, node: _Node, path: str) -> tuple[Step, ...] | None:
        items = self.sequence(node, path, "steps")
        if items is None:
            return None
        if not items:
            self.problem(node, path, "a routine needs at least one step")
            return None
        steps = [self.step(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return None if any(s is None for s in steps) else tuple(s for s in steps if s)

    def step(self, node: _Node, path: str) -> Step | None:
        entries = self.mapping(node, path, "a step")
        if entries is None:
            return None
        before = len(self.problems)
        kind = next((k for key, k in KIND_KEYS if key in entries), None)
        if kind is None:
            self.unknown_keys(entries, ALL_STEP_KEYS, path)
            self.problem(
                node,
                path,
                "a step needs one of the keys include, rest, breathing, reps or duration "
                "to say what kind of step it is",
            )
            return None
        allowed = STEP_KEYS[kind]
        for name, (key, _) in entries.items():
            if name in allowed:
                continue
            if name not in ALL_STEP_KEYS:
                self.problem(
                    key,
                    _child(path, name),
                    f"unknown key '{name}'{_suggest(name, allowed, ALL_STEP_KEYS)}",
                )
                continue
            hint = _NOT_ALLOWED_HINTS.get((kind, name)) or _NOT_ALLOWED_HINTS.get((kind, ""))
            message = f"'{name}' is not allowed on {_KIND_NAMES[kind]}"
            self.problem(key, _child(path, name), f"{message}: {hint}" if hint else message)

        pos = SourcePos(self.file, node.line, node.column)
        if kind is StepKind.INCLUDE:
            included = self.text(entries["include"][1], _child(path, "include"))
            if included is not None and len(included.strip()) > MAX_NAME_CHARS:
                self.problem(
                    entries["include"][1],
                    _child(path, "include"),
                    f"a routine's name is its file name: at most {MAX_NAME_CHARS} characters, "
                    f"got {len(included.strip()):,}",
                )
            if len(self.problems) > before or included is None:
                return None
            return Step(StepKind.INCLUDE, include=included.strip(), pos=pos)

        title = self.optional(entries, "title", path, self.text, "")
        say = self.optional(entries, "say", path, lambda n, p: self.text(n, p, blank_ok=True), "")
        movement = self.optional(entries, "movement", path, self.text, "")
        if kind is StepKind.REST:
            seconds = self.duration(entries["rest"][1], _child(path, "rest"))
            if len(self.problems) > before or seconds is None:
                return None
            return Step(StepKind.REST, title=title or "", say=say or "", duration=seconds, pos=pos)

        duration = self.optional(entries, "duration", path, self.duration, None)
        reps = None
        if kind is StepKind.REPS:
            reps = self.integer(entries["reps"][1], _child(path, "reps"), 1, MAX_REPS)
        tempo = self.optional(entries, "tempo", path, self.duration, None)
        sets = self.optional(entries, "sets", path, lambda n, p: self.integer(n, p, 1, MAX_SETS), 1)
        rest_between = self.optional(
            entries,
            "rest_between_sets",
            path,
            lambda n, p: self.duration(n, p, zero_ok=True),
            0.0,
        )
        sides = self.optional(entries, "sides", path, self.sides, _NO_TEXTS)
        check = self.optional(entries, "check", path, self.check, None)
        breathing = None
        if kind is StepKind.BREATHING:
            breathing = self.breathing(entries["breathing"][1], _child(path, "breathing"))
            if breathing is not None:
                self.breathing_length(node, path, duration, breathing, "duration" in entries)
        cues: tuple[Cue, ...] | None = _NO_CUES
        if "cues" in entries:
            work = Step(kind, duration=duration, reps=reps, tempo=tempo, breathing=breathing)
            cues = self.cues(entries["cues"][1], _child(path, "cues"), work.work_seconds())
        if len(self.problems) > before:
            return None
        return Step(
            kind,
            title=title or "",
            say=say or "",
            duration=duration,
            reps=reps,
            tempo=tempo,
            sets=sets or 1,
            rest_between_sets=rest_between or 0.0,
            sides=sides or (),
            breathing=breathing,
            check=check,
            cues=cues or (),
            movement=(movement or "").strip(),
            pos=pos,
        )

    def check(self, node: _Node, path: str) -> Check | None:
        flag = self.flag(node)
        if flag is not None:
            return Check() if flag else None
        entries = self.mapping(
            node, path, "true, false, or a mapping with question, reset, reset_cue, max_resets"
        )
        if entries is None:
            return None
        before = len(self.problems)
        self.unknown_keys(entries, CHECK_KEYS, path)
        defaults = Check()
        question = self.optional(entries, "question", path, self.text, defaults.question)
        reset = self.optional(entries, "reset", path, self.duration, defaults.reset)
        reset_cue = self.optional(entries, "reset_cue", path, self.text, defaults.reset_cue)
        max_resets = self.optional(
            entries,
            "max_resets",
            path,
            lambda n, p: self.integer(n, p, 0, MAX_RESETS),
            defaults.max_resets,
        )
        if len(self.problems) > before:
            return None
        assert question is not None and reset is not None and reset_cue is not None
        assert max_resets is not None
        return Check(question, reset, reset_cue, max_resets)

    def breathing(self, node: _Node, path: str) -> Breathing | None:
        entries = self.mapping(node, path, "a breath pattern: inhale, exhale, ...")
        if entries is None:
            return None
        before = len(self.problems)
        self.unknown_keys(entries, BREATHING_KEYS, path)
        inhale = exhale = None
        if self.required(entries, node, path, "inhale", "seconds to breathe in, e.g. inhale: 4s"):
            inhale = self.duration(entries["inhale"][1], _child(path, "inhale"))
        if self.required(entries, node, path, "exhale", "seconds to breathe out, e.g. exhale: 6s"):
            exhale = self.duration(entries["exhale"][1], _child(path, "exhale"))

        def hold(n: _Node, p: str) -> float | None:
            return self.duration(n, p, zero_ok=True)

        hold_in = self.optional(entries, "hold_in", path, hold, 0.0)
        hold_out = self.optional(entries, "hold_out", path, hold, 0.0)
        breaths = self.optional(
            entries, "breaths", path, lambda n, p: self.integer(n, p, 1, MAX_BREATHS), None
        )
        imagery = self.optional(entries, "imagery", path, self.text, "")
        if len(self.problems) > before:
            return None
        assert inhale is not None and exhale is not None
        assert hold_in is not None and hold_out is not None and imagery is not None
        return Breathing(inhale, exhale, hold_in, hold_out, breaths, imagery)

    def breathing_length(
        self, node: _Node, path: str, duration: float | None, b: Breathing, has_duration: bool
    ) -> None:
        if has_duration and b.breaths is not None:
            self.problem(
                node,
                path,
                "give the length of a breathing step once: duration on the step, "
                "or breaths under breathing, not both",
            )
        elif not has_duration and b.breaths is None:
            self.problem(
                node,
                path,
                "a breathing step needs its length: duration: 5m on the step, "
                "or breaths: 30 under breathing",
            )
        elif duration is not None and duration / b.cycle > MAX_BREATHS:
            self.problem(
                node,
                _child(path, "duration"),
                f"{format_duration(duration)} of {format_duration(b.cycle)} breaths is more "
                f"than {MAX_BREATHS:,} breaths",
            )
        elif b.breaths is not None and b.breaths * b.cycle > MAX_SECONDS:
            self.problem(
                node,
                _child(path, "breathing.breaths"),
                f"{b.breaths} breaths last more than {format_duration(MAX_SECONDS)}",
            )

    def cues(self, node: _Node, path: str, work: float | None) -> tuple[Cue, ...] | None:
        items = self.sequence(node, path, "cues, each with at and say")
        if items is None:
            return None
        cues: list[Cue | None] = []
        for i, item in enumerate(items):
            cue_path = f"{path}[{i}]"
            entries = self.mapping(item, cue_path, "a cue with at and say")
            if entries is None:
                cues.append(None)
                continue
            self.unknown_keys(entries, CUE_KEYS, cue_path)
            at = say = None
            if self.required(entries, item, cue_path, "at", "when to speak, e.g. at: 30s"):
                at_node = entries["at"][1]
                at = self.duration(at_node, _child(cue_path, "at"), zero_ok=True)
                if at is not None and work is not None and at >= work:
                    self.problem(
                        at_node,
                        _child(cue_path, "at"),
                        f"{format_duration(at)} is not within the step, which lasts "
                        f"{format_duration(work)} per set and side; a cue must come before "
                        "the end",
                    )
                    at = None
            if self.required(entries, item, cue_path, "say", "the words to speak"):
                say = self.text(entries["say"][1], _child(cue_path, "say"))
            movement = self.optional(entries, "movement", cue_path, self.text, "")
            if at is None or say is None or movement is None:
                cues.append(None)
            else:
                cues.append(Cue(at, say, movement.strip()))
        return None if any(c is None for c in cues) else tuple(c for c in cues if c)


# --- public API ---------------------------------------------------------------------------


def _load_text(text: str, file: str, source: str, loader: type[yaml.SafeLoader]) -> Routine:
    _check_printable(text, file)
    try:
        root, problems = _compose(text, file, loader)
    except _Fatal as exc:
        raise RoutineError([exc.problem]) from None
    except yaml.YAMLError as exc:
        raise RoutineError(_syntax_problem(exc, text, file)) from None
    if root is None or root.is_null:
        raise RoutineError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    "the file is empty: expected a routine with format: 1, a title and steps",
                )
            ]
        )
    builder = _Builder(file)
    builder.problems.extend(problems)
    routine = builder.routine(root, source)
    if routine is None:
        raise RoutineError(_finish(builder.problems))
    return routine


def load_routine_bytes(
    data: bytes, filename: str = "<bytes>", source: str = "", *, pure_python: bool = False
) -> Routine:
    """A routine from a file's bytes; ``filename`` is what problems name. Raises RoutineError."""
    loader = PURE_LOADER if pure_python else SAFE_LOADER
    return _load_text(_decode(data, filename), filename, source, loader)


def load_routine_text(text: str, filename: str = "<text>", *, pure_python: bool = False) -> Routine:
    """A routine from YAML text. Raises RoutineError with every problem found."""
    if len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_FILE_BYTES:
        raise RoutineError([_too_large(filename, len(text.encode("utf-8", "replace")))])
    return _load_text(text, filename, "", PURE_LOADER if pure_python else SAFE_LOADER)


def load_routine(path: str | Path, *, pure_python: bool = False) -> Routine:
    """A routine from a file; its ``source`` is the file's absolute path. Raises RoutineError."""
    file = str(path)
    try:
        data = read_regular_file(path, MAX_FILE_BYTES + 1)
        source = str(Path(path).resolve())
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RoutineError([Problem(file, 1, 1, "", f"cannot read the file: {reason}")]) from None
    return load_routine_bytes(data, file, source, pure_python=pure_python)


def step_titles(path: str | Path) -> tuple[str, ...]:
    """The title written on each step of a routine file ("" where there is none), as far as
    the file can be read at all: to name the steps of a file with problems."""
    file = str(path)
    try:
        text = _decode(read_regular_file(path, MAX_FILE_BYTES + 1), file)
        _check_printable(text, file)
        root, _ = _compose(text, file, SAFE_LOADER)
    except (OSError, RoutineError, _Fatal, yaml.YAMLError):
        return ()
    steps = _value_at(root, "steps")
    if steps is None or steps.kind is not _Kind.SEQ:
        return ()
    titles = (_value_at(step, "title") for step in steps.items)
    return tuple(t.value if t is not None and t.kind is _Kind.SCALAR else "" for t in titles)


def include_problems(routine: Routine, library: RoutineLookup) -> list[Problem]:
    """Problems in what ``routine`` includes: unknown names, loops, broken included files.

    Each is reported at the include step of ``routine`` that leads to it.
    """

    def resolve(name: str) -> Routine:
        try:
            return library.resolve(name)
        except RoutineError as exc:
            first = exc.problems[0] if exc.problems else None
            more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
            raise LookupError(f"the routine '{name}' has problems: {first}{more}") from exc

    def at_step(index: int, key: str, exc: IncludeError) -> Problem:
        step = routine.steps[index]
        message = str(exc)
        if exc.pos != step.pos:
            message += f" (at {exc.pos.file}:{exc.pos.line}:{exc.pos.column})"
        file = step.pos.file or routine.source
        return Problem(file, step.pos.line, step.pos.column, f"steps[{index}]{key}", message)

    problems = []
    for index, step in enumerate(routine.steps):
        if step.kind is not StepKind.INCLUDE:
            continue
        try:
            flatten_checked(replace(routine, steps=(step,)), resolve)
        except IncludeError as exc:
            problems.append(at_step(index, ".include", exc))
    if problems:
        return problems
    try:  # each include may be fine and all of them together too large
        flatten_checked(routine, resolve)
    except IncludeError as exc:
        index = next((i for i, s in enumerate(routine.steps) if s.pos == exc.pos), 0)
        problems.append(at_step(index, "", exc))
    return problems


def validate_file(
    path: str | Path, library: RoutineLookup, *, pure_python: bool = False
) -> list[Problem]:
    """Every problem in a routine file, including its includes (looked up in ``library``,
    then next to the file). An empty list means the file is a good routine."""
    try:
        routine = load_routine(path, pure_python=pure_python)
    except RoutineError as exc:
        return list(exc.problems)
    return include_problems(routine, library.with_dir(Path(path).parent))
