"""Reading movements (docs/movement-format.md): a file of ``assets/movements/``, or one a
routine defines under ``movements:``. Every problem is reported as the routine loader
reports them, FILE:LINE:COL: key.path: what was expected, and all at once.

Both are read from core/yaml_nodes.py's node tree, as routines are.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from routineplayer.core.figure import JOINTS, NEUTRAL, Keyframe, View, from_angles, limits_for
from routineplayer.core.motion import Motion, MotionDefaults, Prop, PropKind
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.regular_file import read_regular_file
from routineplayer.core.yaml_nodes import (
    MAX_FILE_BYTES,
    PURE_LOADER,
    SAFE_LOADER,
    NodeReader,
    _child,
    _compose,
    _decode,
    _describe,
    _Fatal,
    _finish,
    _Node,
    _suggest,
    _syntax_problem,
)

FORMAT = 1
FILE_KEYS = (
    "format",
    "name",
    "description",
    "say",
    "view",
    "cycle",
    "props",
    "defaults",
    "keyframes",
)
DEFINITION_KEYS = FILE_KEYS[1:]
DEFAULTS_KEYS = ("duration", "reps", "tempo", "sides", "check")
PROP_KEYS = ("prop", "x", "height", "side")
KEYFRAME_KEYS = ("at", "x", "lift", *JOINTS)
MAX_KEYFRAMES = 24
MIN_CYCLE, MAX_CYCLE = 0.5, 60.0
MAX_OFFSET = 3.0  # body heights: how far x, a prop's x or lift may go
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_CHARS = 40
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def check_id(name: str) -> str:
    """Why ``name`` cannot be a movement id, or ""."""
    if len(name) > MAX_ID_CHARS:
        return f"a movement id has at most {MAX_ID_CHARS} characters"
    if not ID.fullmatch(name):
        return "a movement id is lower-case letters and digits joined by hyphens, e.g. bird-dog"
    return ""


MAX_REPS = 1000  # as a routine's step allows


class MotionReader(NodeReader):
    """Reads movement definitions from a node tree, collecting every problem."""

    def number(self, node: _Node, path: str, low: float, high: float) -> float | None:
        expected = f"a number from {low:g} to {high:g}"
        got = self.scalar(node, path, expected)
        if got is None:
            return None
        if not (got.plain and _NUMBER.fullmatch(got.value)):
            self.problem(node, path, f"expected {expected}, got {_describe(node)}")
            return None
        value = float(got.value)
        if not low <= value <= high:
            self.problem(node, path, f"expected {expected}, got {got.value}")
            return None
        return value

    def definition(
        self, node: _Node, path: str, motion_id: str, keys: tuple[str, ...]
    ) -> Motion | None:
        b = self
        entries = b.mapping(node, path, "a movement: name, view, cycle and keyframes")
        if entries is None:
            return None
        before = len(b.problems)
        for got, (key, _) in entries.items():
            if got not in keys:
                b.problem(key, _child(path, got), f"unknown key '{got}'{_suggest(got, keys)}")
        name: str | None = None
        description: str | None = None
        if b.required(entries, node, path, "name", "e.g. name: Bird-dog"):
            name = b.text(entries["name"][1], _child(path, "name"))
        if b.required(entries, node, path, "description", "one line for the library"):
            description = b.text(entries["description"][1], _child(path, "description"))
        say = b.optional(entries, "say", path, b.text, "")
        view = None
        if b.required(entries, node, path, "view", "side, front or top"):
            view = self.view(entries["view"][1], _child(path, "view"))
        cycle = None
        if b.required(entries, node, path, "cycle", "the natural pace of one cycle, e.g. 4s"):
            cycle = b.duration(entries["cycle"][1], _child(path, "cycle"), minimum=MIN_CYCLE)
            if cycle is not None and cycle > MAX_CYCLE:
                b.problem(entries["cycle"][1], _child(path, "cycle"), "must be at most 1m")
                cycle = None
        no_props: tuple[Prop, ...] = ()
        props = b.optional(entries, "props", path, self.props, no_props)
        defaults = b.optional(entries, "defaults", path, self.defaults, MotionDefaults())
        keyframes = None
        if view is not None and b.required(entries, node, path, "keyframes", "a list of poses"):
            keyframes = self.keyframes(entries["keyframes"][1], _child(path, "keyframes"), view)
        if len(b.problems) > before:
            return None
        assert name and description and view and cycle and keyframes and props is not None
        assert defaults is not None and say is not None
        return Motion(motion_id, name, description, view, cycle, keyframes, props, defaults, say)

    def offset(self, node: _Node, path: str) -> float | None:
        return self.number(node, path, -MAX_OFFSET, MAX_OFFSET)

    def view(self, node: _Node, path: str) -> View | None:
        got = self.text(node, path)
        if got is None:
            return None
        try:
            return View(got.strip())
        except ValueError:
            views = [v.value for v in View]
            self.problem(
                node, path, f"expected side, front or top, got {got!r}{_suggest(got, views)}"
            )
            return None

    def props(self, node: _Node, path: str) -> tuple[Prop, ...] | None:
        items = self.sequence(node, path, "props, e.g. [mat, plates]")
        if items is None:
            return None
        props = [self.prop(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return None if any(p is None for p in props) else tuple(p for p in props if p)

    def prop(self, node: _Node, path: str) -> Prop | None:
        b = self
        kinds = [k.value for k in PropKind]
        if node.kind.value == "scalar":
            kind_node, entries = node, None
        else:
            entries = b.mapping(node, path, "a prop: a name, or prop: with x, height, side")
            if entries is None:
                return None
            b.unknown_keys(entries, PROP_KEYS, path)
            if not b.required(entries, node, path, "prop", "e.g. prop: chair"):
                return None
            kind_node = entries["prop"][1]
        text = b.text(kind_node, path)
        if text is None:
            return None
        if text not in kinds:
            b.problem(
                kind_node,
                path,
                f"unknown prop {text!r}{_suggest(text, kinds)}; the props are {', '.join(kinds)}",
            )
            return None
        if entries is None:
            return Prop(PropKind(text))
        x = b.optional(
            entries, "x", path, lambda n, p: self.number(n, p, -MAX_OFFSET, MAX_OFFSET), 0.0
        )
        height = b.optional(entries, "height", path, lambda n, p: self.number(n, p, 0, 1), 0.0)
        side = b.optional(entries, "side", path, self.side, "l")
        if x is None or height is None or side is None:
            return None
        return Prop(PropKind(text), x, height, side)

    def side(self, node: _Node, path: str) -> str | None:
        got = self.text(node, path)
        if got is not None and got.strip() not in ("l", "r"):
            self.problem(node, path, f"expected l or r (the figure's left or right), got {got!r}")
            return None
        return None if got is None else got.strip()

    def defaults(self, node: _Node, path: str) -> MotionDefaults | None:
        b = self
        entries = b.mapping(node, path, "a step's defaults: duration, or reps and tempo")
        if entries is None:
            return None
        before = len(b.problems)
        b.unknown_keys(entries, DEFAULTS_KEYS, path)
        duration = b.optional(entries, "duration", path, b.duration, None)
        reps = b.optional(entries, "reps", path, lambda n, p: b.integer(n, p, 1, MAX_REPS), None)
        tempo = b.optional(entries, "tempo", path, b.duration, None)
        no_sides: tuple[str, ...] = ()
        sides = b.optional(entries, "sides", path, b.sides, no_sides)
        check = b.optional(entries, "check", path, self.boolean, False)
        if ("duration" in entries) == ("reps" in entries):
            b.problem(node, path, "give duration (a timed step) or reps (a counted one): one")
        elif "tempo" in entries and "reps" not in entries:
            b.problem(entries["tempo"][0], _child(path, "tempo"), "tempo goes with reps")
        if len(b.problems) > before or sides is None or check is None:
            return None
        return MotionDefaults(duration, reps, tempo, sides, check)

    def boolean(self, node: _Node, path: str) -> bool | None:
        got = self.flag(node)
        if got is None:
            self.problem(node, path, f"expected true or false, got {_describe(node)}")
        return got

    def keyframes(self, node: _Node, path: str, view: View) -> tuple[Keyframe, ...] | None:
        b = self
        items = b.sequence(node, path, "keyframes (poses)")
        if items is None:
            return None
        if not items or len(items) > MAX_KEYFRAMES:
            b.problem(node, path, f"give from 1 to {MAX_KEYFRAMES} keyframes, got {len(items)}")
            return None
        frames: list[Keyframe] = []
        angles = dict(NEUTRAL)
        x = lift = 0.0
        ok = True
        for i, item in enumerate(items):
            at_path = f"{path}[{i}]"
            entries = b.mapping(item, at_path, "a pose: at, and joint angles in degrees")
            if entries is None:
                ok = False
                continue
            for name, (key, _) in entries.items():
                if name not in KEYFRAME_KEYS:
                    b.problem(
                        key,
                        _child(at_path, name),
                        f"unknown key '{name}'{_suggest(name, KEYFRAME_KEYS)}",
                    )
                    ok = False
            if not b.required(entries, item, at_path, "at", "where in the cycle, 0 to 1"):
                ok = False
                continue
            at = self.number(entries["at"][1], _child(at_path, "at"), 0.0, 0.999)
            if at is None:
                ok = False
                continue
            if not frames and at != 0.0:
                b.problem(entries["at"][1], _child(at_path, "at"), "the first keyframe is at 0")
                ok = False
            elif frames and at <= frames[-1].at:
                after = f"{frames[-1].at:g}"
                b.problem(entries["at"][1], _child(at_path, "at"), f"must come after {after}")
                ok = False
            # Each keyframe changes only what it names; the first starts from standing.
            for joint in JOINTS:
                if joint in entries:
                    low, high = limits_for(view, joint)
                    value = self.number(entries[joint][1], _child(at_path, joint), low, high)
                    if value is None:
                        ok = False
                    else:
                        angles[joint] = value
            if "x" in entries:
                got = self.offset(entries["x"][1], _child(at_path, "x"))
                ok = ok and got is not None
                x = got if got is not None else x
            if "lift" in entries:
                got = self.number(entries["lift"][1], _child(at_path, "lift"), 0.0, 1.0)
                ok = ok and got is not None
                lift = got if got is not None else lift
            frames.append(Keyframe(at, from_angles(angles, x, lift)))
        return tuple(frames) if ok else None


def load_motion_file(path: str | Path, *, pure_python: bool = False) -> Motion:
    """A movement from its file; its id is the file's stem. Raises RoutineError."""
    file = str(path)
    motion_id = Path(path).stem
    try:
        data = read_regular_file(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RoutineError([Problem(file, 1, 1, "", f"cannot read the file: {reason}")]) from None
    return load_motion_text(_decode(data, file), file, motion_id, pure_python=pure_python)


def load_motion_text(text: str, file: str, motion_id: str, *, pure_python: bool = False) -> Motion:
    why = check_id(motion_id)
    if why:
        raise RoutineError([Problem(file, 1, 1, "", f"the file's name: {why}")])
    try:
        root, problems = _compose(text, file, PURE_LOADER if pure_python else SAFE_LOADER)
    except _Fatal as exc:
        raise RoutineError([exc.problem]) from None
    except yaml.YAMLError as exc:
        raise RoutineError(_syntax_problem(exc, text, file)) from None
    if root is None or root.is_null:
        raise RoutineError([Problem(file, 1, 1, "", "the file is empty: expected a movement")])
    builder = MotionReader(file)
    builder.problems.extend(problems)
    entries = builder.mapping(root, "", "a movement")
    if entries is not None and "format" in entries:
        version = builder.integer(entries["format"][1], "format", FORMAT, FORMAT)
        del version
    elif entries is not None:
        builder.problem(root, "", "missing required key 'format' (format: 1 at the top)")
    motion = builder.definition(root, "", motion_id, FILE_KEYS)
    if motion is None or builder.problems:
        raise RoutineError(_finish(builder.problems))
    return motion
