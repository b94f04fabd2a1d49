"""Reading routine files (format 1, docs/routine-format.md) into the model, with every problem.

The YAML is parsed with a safe parser (libyaml's when present) into *events*, and this
module composes them into its own small node tree instead of letting PyYAML construct
objects. That is what lets it:

- refuse every non-standard tag (``!!python/...``) without ever constructing one;
- enforce the limits as the tree is built: nesting depth, and the number of values after
  expanding aliases (a "billion laughs" file stops after a few hundred events), plus the
  file size before parsing. libyaml's own composer recurses in C and crashes the process
  on a deeply nested file, so it is never used;
- keep each value's line and column, so every problem is reported as
  ``FILE:LINE:COL: key.path: what was expected``, and all problems of a file at once.

Strings are taken as written: ``say: Yes`` is the text "Yes", not a boolean.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Protocol, TypeVar

import yaml
from yaml import events as ev

from routineplayer.core.control_chars import describe as describe_control
from routineplayer.core.control_chars import first_control
from routineplayer.core.cost import first_excess, opening_cost
from routineplayer.core.durations import DurationError, format_duration, parse_duration
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
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.regular_file import read_regular_file
from routineplayer.core.timeline import IncludeError, flatten_checked


class RoutineLookup(Protocol):
    """What checking includes needs of a core.library.Library. That module imports this
    one to load its files, so it is described here rather than imported: no circle."""

    def resolve(self, name: str) -> Routine: ...

    def with_dir(self, directory: Path) -> RoutineLookup: ...


MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32  # a routine needs 6 levels; aliases and merge keys count too
MAX_NODES = 100_000  # values after expanding aliases; a 1,000-step routine has ~15,000
MAX_SECONDS = 24 * 3600.0  # longest duration anywhere: keeps a plan finite and small
MAX_REPS = 1000
MAX_SETS = 100
MAX_RESETS = 100
MAX_BREATHS = 10_000  # breath cycles in one breathing step
MIN_LEAD_IN = 3.0
MAX_NAME_CHARS = 100  # an include names a file: far below any file system's 255 bytes
DEFAULT_SIDES = ("left side", "right side")  # what `sides: true` means

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
PURE_LOADER: type[yaml.SafeLoader] = yaml.SafeLoader

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_TAG}{t}" for t in ("int", "float", "bool", "null")}
_STR_TAGS = {f"{_TAG}str", "!"}
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}
_FALSE = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}
_INT = re.compile(r"[-+]?[0-9]+")
# What YAML allows in a file (PyYAML's reader refuses the rest with a less helpful message).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


class _Kind(Enum):
    SCALAR = "scalar"
    SEQ = "list"
    MAP = "mapping"


@dataclass(slots=True, eq=False)
class _Node:
    kind: _Kind
    line: int  # 1-based
    column: int  # 1-based
    value: str = ""  # scalars: the text as written (unquoted, unescaped)
    plain: bool = False  # an unquoted scalar: may read as a number, a boolean or nothing
    items: list[_Node] = field(default_factory=list)  # list items; mapping keys and values
    size: int = 1  # values in this subtree, aliases expanded
    depth: int = 1
    open: bool = False  # still being composed: an alias to it would be a cycle
    bad: bool = False  # carries a refused tag, already reported: never read

    def pairs(self) -> Iterator[tuple[_Node, _Node]]:
        return zip(self.items[::2], self.items[1::2], strict=True)

    @property
    def is_null(self) -> bool:
        return self.kind is _Kind.SCALAR and self.plain and self.value in _NULLS


class _Fatal(Exception):
    """A problem after which the file cannot be read any further."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# --- bytes -> text ---------------------------------------------------------------------


def _decode(data: bytes, file: str) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError([_too_large(file, len(data))])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        bad = data[exc.start]
        more = sum(1 for _ in re.finditer(rb"[\x80-\xff]", data[exc.end :]))
        extra = f" (and {more} more non-ASCII bytes after it)" if more else ""
        message = (
            f"the file is not UTF-8 text: byte 0x{bad:02X} at line {line}, column {column} "
            f"cannot be read{extra}; save the file with the UTF-8 encoding"
        )
        raise RoutineError([Problem(file, line, column, "", message)]) from None


def _too_large(file: str, size: int) -> Problem:
    return Problem(
        file,
        1,
        1,
        "",
        f"the file is too large ({size:,} bytes); a routine file may be at most "
        f"{MAX_FILE_BYTES // 1024 // 1024} MiB",
    )


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _check_printable(text: str, file: str) -> None:
    found = list(_NOT_PRINTABLE.finditer(text))
    if not found:
        return
    line, column = _line_col(text, found[0].start())
    extra = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    message = (
        f"the file holds a control character U+{ord(found[0].group()):04X} that YAML does "
        f"not allow{extra}; is it a text file?"
    )
    raise RoutineError([Problem(file, line, column, "", message)])


# --- text -> nodes -----------------------------------------------------------------------


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _mark(event: ev.Event | None) -> tuple[int, int]:
    """The 1-based line and column where an event starts."""
    mark = event.start_mark if event is not None else None
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _refused(node: _Node, tag: str, file: str) -> Problem:
    node.bad = True
    return Problem(
        file,
        node.line,
        node.column,
        "",
        f"the tag {_short_tag(tag)} is not allowed: a routine holds only plain text, "
        "numbers, lists and mappings",
    )


_COLLECTION_TAGS = {ev.SequenceStartEvent: f"{_TAG}seq", ev.MappingStartEvent: f"{_TAG}map"}


def _compose(
    text: str, file: str, loader: type[yaml.SafeLoader]
) -> tuple[_Node | None, list[Problem]]:
    """The document's node tree, and the problems met on the way (refused tags).

    Raises _Fatal for a broken limit, and yaml.YAMLError for a syntax error. This loop
    runs once per YAML event, so it dispatches on exact types and avoids calls.
    """
    problems: list[Problem] = []
    root = _Node(_Kind.SEQ, 1, 1, open=True)  # holds the document's top node
    stack = [root]
    anchors: dict[str | None, _Node] = {}
    documents = 0

    def fatal(event: ev.Event | None, message: str) -> _Fatal:
        return _Fatal(Problem(file, *_mark(event), "", message))

    parser = loader(text)
    get_event: Callable[[], ev.Event | None] = parser.get_event  # untyped in the stubs
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is ev.ScalarEvent:
                assert isinstance(event, ev.ScalarEvent)
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                node = _Node(_Kind.SCALAR, line, column, event.value)
                tag = event.tag
                if tag is None:
                    node.plain = event.implicit[0]
                elif tag in _PLAIN_TAGS:
                    node.plain = True
                elif tag not in _STR_TAGS:
                    problems.append(_refused(node, tag, file))
            elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                assert isinstance(event, ev.CollectionStartEvent)
                line, column = _mark(event)
                node_kind = _Kind.MAP if kind is ev.MappingStartEvent else _Kind.SEQ
                node = _Node(node_kind, line, column, open=True)
                tag = event.tag
                if tag is not None and tag != "!" and tag != _COLLECTION_TAGS[kind]:
                    problems.append(_refused(node, tag, file))
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                done = stack.pop()
                done.open = False
                items = done.items
                done.size = 1 + sum([item.size for item in items])
                done.depth = 1 + max([item.depth for item in items], default=0)
                if done.size > MAX_NODES:
                    raise fatal(
                        event,
                        f"the routine is too big: more than {MAX_NODES:,} values once aliases "
                        "(*name) are expanded",
                    )
                if done.depth > MAX_DEPTH:
                    raise fatal(
                        event, f"aliases nest lists and mappings more than {MAX_DEPTH} deep"
                    )
                continue
            elif kind is ev.AliasEvent:
                assert isinstance(event, ev.AliasEvent)
                found = anchors.get(event.anchor)
                if found is None:
                    raise fatal(
                        event, f"*{event.anchor} refers to no &{event.anchor} written before it"
                    )
                if found.open:
                    raise fatal(event, f"*{event.anchor} is used inside the very value it names")
                stack[-1].items.append(found)
                continue
            elif kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise fatal(
                        event, "a routine file holds one YAML document; remove the second '---'"
                    )
                continue
            elif event is None or kind is ev.StreamEndEvent:
                break
            else:
                continue
            # A new scalar, list or mapping: hang it under the open list or mapping.
            stack[-1].items.append(node)
            anchor = event.anchor
            if anchor is not None:
                anchors[anchor] = node
            if node.open:
                stack.append(node)
                if len(stack) > MAX_DEPTH + 1:
                    raise fatal(event, f"lists and mappings are nested more than {MAX_DEPTH} deep")
    finally:
        parser.dispose()
    return (root.items[0] if root.items else None), problems


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str) -> list[Problem]:
    """Problems for a YAML syntax error: tab indentation gets its own message per line."""
    tabs = [
        Problem(
            file,
            number,
            line.index("\t") + 1,
            "",
            "a tab character is used for indentation; YAML indents with spaces only",
        )
        for number, line in enumerate(text.split("\n"), 1)
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]
    ]
    mark = getattr(exc, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if tabs and (mark is None or any(t.line in (line, line - 1) for t in tabs)):
        return tabs
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    where = ""
    if context and context_mark is not None:
        where = f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    elif context:
        where = f" ({context})"
    return [*tabs, Problem(file, line, column, "", f"YAML syntax error: {problem}{where}")]


# --- nodes -> model ------------------------------------------------------------------------

ROUTINE_KEYS = (
    "format", "title", "summary", "credit", "position", "equipment", "safety", "lead_in", "steps"
)  # fmt: skip
_SETS_KEYS = ("sides", "sets", "rest_between_sets", "check")
STEP_KEYS: dict[StepKind, tuple[str, ...]] = {
    StepKind.TIMED: ("title", "say", "duration", *_SETS_KEYS, "cues"),
    StepKind.REPS: ("title", "say", "reps", "tempo", *_SETS_KEYS, "cues"),
    StepKind.BREATHING: ("title", "say", "duration", "breathing", "cues"),
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
CUE_KEYS = ("at", "say")

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

_T = TypeVar("_T")
_NO_TEXTS: tuple[str, ...] = ()
_NO_CUES: tuple[Cue, ...] = ()
_Entries = dict[str, tuple[_Node, _Node]]


def _describe(node: _Node) -> str:
    if node.kind is _Kind.SEQ:
        return "a list"
    if node.kind is _Kind.MAP:
        return "a mapping (key: value lines)"
    if node.is_null:
        return "nothing"
    text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return repr(text)


def _suggest(word: str, *candidates: Sequence[str]) -> str:
    """ "; did you mean 'x'?" with the closest of the first list of candidates that has one."""
    for names in candidates:
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        if close:
            return f"; did you mean '{close[0]}'?"
    return ""


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class _Builder:
    """Walks the node tree, builds the model and collects every problem on the way."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, node: _Node, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, node.line, node.column, path, message))

    # Shapes ---------------------------------------------------------------------------

    def entries(self, node: _Node, path: str) -> _Entries:
        """A mapping's keys -> (key node, value node), with merge keys (<<) applied."""
        own: _Entries = {}
        merged: _Entries = {}
        for key, value in node.pairs():
            if key.kind is not _Kind.SCALAR or key.bad:
                if not key.bad:
                    self.problem(key, path, f"expected a key name, got {_describe(key)}")
                continue
            name = key.value
            if key.plain and name == "<<":
                sources = value.items if value.kind is _Kind.SEQ else [value]
                if any(s.kind is not _Kind.MAP for s in sources):
                    self.problem(
                        value, path, "<< merges a mapping, e.g. <<: *base, or a list of them"
                    )
                    continue
                for source in sources:
                    for merged_name, pair in self.entries(source, path).items():
                        merged.setdefault(merged_name, pair)
                continue
            if name in own:
                first = own[name][0]
                self.problem(
                    key,
                    _child(path, name),
                    f"duplicate key: '{name}' is given at line {first.line} "
                    f"and again at line {key.line}",
                )
                continue
            own[name] = (key, value)
        return {**merged, **own}

    def mapping(self, node: _Node, path: str, what: str) -> _Entries | None:
        if node.bad:
            return None
        if node.kind is not _Kind.MAP:
            self.problem(node, path, f"expected {what} (key: value lines), got {_describe(node)}")
            return None
        return self.entries(node, path)

    def sequence(self, node: _Node, path: str, what: str, hint: str = "") -> list[_Node] | None:
        if node.bad:
            return None
        if node.kind is not _Kind.SEQ:
            self.problem(node, path, f"expected a list of {what}, got {_describe(node)}{hint}")
            return None
        return node.items

    def unknown_keys(self, entries: _Entries, allowed: Sequence[str], path: str) -> None:
        for name, (key, _) in entries.items():
            if name not in allowed:
                self.problem(
                    key,
                    _child(path, name),
                    f"unknown key '{name}'{_suggest(name, allowed, ALL_STEP_KEYS)}",
                )

    def required(self, entries: _Entries, node: _Node, path: str, key: str, example: str) -> bool:
        if key in entries:
            return True
        self.problem(node, path, f"missing required key '{key}' ({example})")
        return False

    # Scalars ---------------------------------------------------------------------------

    def scalar(self, node: _Node, path: str, expected: str) -> _Node | None:
        if node.bad:
            return None
        if node.kind is not _Kind.SCALAR or node.is_null:
            self.problem(node, path, f"expected {expected}, got {_describe(node)}")
            return None
        return node

    def text(self, node: _Node, path: str, *, blank_ok: bool = False) -> str | None:
        got = self.scalar(node, path, "text")
        if got is None:
            return None
        if not blank_ok and not got.value.strip():
            self.problem(node, path, "expected text, got an empty string")
            return None
        control = first_control(got.value)
        if control is not None:
            # Refused rather than escaped: it would be printed and spoken as written.
            self.problem(
                node,
                path,
                f"the control character {describe_control(control)} is not allowed in text "
                "(only tab and line breaks are): printed in a terminal it could change it",
            )
            return None
        return got.value

    def texts(self, node: _Node, path: str) -> tuple[str, ...] | None:
        hint = " (write each item on its own line starting with '- ', or [one, two])"
        items = self.sequence(node, path, "text items", hint if node.kind is _Kind.SCALAR else "")
        if items is None:
            return None
        out = [self.text(item, f"{path}[{i}]") for i, item in enumerate(items)]
        return None if any(t is None for t in out) else tuple(t for t in out if t is not None)

    def integer(self, node: _Node, path: str, minimum: int, maximum: int) -> int | None:
        expected = f"a whole number from {minimum} to {maximum}"
        got = self.scalar(node, path, expected)
        if got is None:
            return None
        if not (got.plain and _INT.fullmatch(got.value)):
            self.problem(node, path, f"expected {expected}, got {_describe(node)}")
            return None
        value = int(got.value)
        if not minimum <= value <= maximum:
            self.problem(node, path, f"expected {expected}, got {value}")
            return None
        return value

    def flag(self, node: _Node) -> bool | None:
        """True/False for a plain yes/no scalar, None for anything else (no problem recorded)."""
        if node.kind is _Kind.SCALAR and node.plain and not node.bad:
            if node.value in _TRUE:
                return True
            if node.value in _FALSE:
                return False
        return None

    def duration(
        self, node: _Node, path: str, *, minimum: float = 0.0, zero_ok: bool = False
    ) -> float | None:
        got = self.scalar(node, path, "a duration such as 45s, 1m30s, 3m or a number of seconds")
        if got is None:
            return None
        try:
            seconds = _parse_duration(got.value)
        except DurationError as exc:
            text = got.value.strip()
            if text.startswith("-") and _is_duration(text[1:]):
                self.problem(node, path, f"a duration cannot be negative, got {text}")
            else:
                self.problem(node, path, str(exc))
            return None
        if math.isnan(seconds):
            self.problem(node, path, f"expected a duration, got {got.value!r}")
            return None
        if seconds < 0:
            self.problem(node, path, f"a duration cannot be negative, got {got.value.strip()}")
        elif seconds == 0 and not zero_ok:
            self.problem(node, path, "a duration of zero is not allowed here: give more than 0s")
        elif seconds < minimum:
            self.problem(
                node, path, f"must be at least {format_duration(minimum)}, got {got.value.strip()}"
            )
        elif seconds > MAX_SECONDS:
            self.problem(
                node, path, f"must be at most {format_duration(MAX_SECONDS)}, got {got.value}"
            )
        else:
            return seconds
        return None

    def optional(
        self,
        entries: _Entries,
        key: str,
        path: str,
        read: Callable[[_Node, str], _T | None],
        default: _T,
    ) -> _T | None:
        """The value under ``key`` read with ``read``; ``default`` when absent, None if bad."""
        if key not in entries:
            return default
        return read(entries[key][1], _child(path, key))

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
        steps: tuple[Step, ...] | None = None
        if self.required(top, root, "", "steps", "a list of steps"):
            steps = self.steps(top["steps"][1], "steps")
        if self.problems:
            return None
        assert title is not None and steps is not None and lead_in is not None
        assert equipment is not None and safety is not None
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
            source=source,
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
            pos=pos,
        )

    def sides(self, node: _Node, path: str) -> tuple[str, ...] | None:
        flag = self.flag(node)
        if flag is not None:
            return DEFAULT_SIDES if flag else ()
        names = self.sequence(
            node, path, "sides, e.g. [left leg, right leg], or true for left side and right side"
        )
        if names is None:
            return None
        sides = self.texts(node, path)
        if sides is None:
            return None
        if len(sides) < 2:
            self.problem(node, path, "list at least two sides, e.g. [left leg, right leg]")
            return None
        for i, side in enumerate(sides):
            if side in sides[:i]:
                self.problem(names[i], f"{path}[{i}]", f"the side '{side}' is listed twice")
                return None
        return sides

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
            cues.append(Cue(at, say) if at is not None and say is not None else None)
        return None if any(c is None for c in cues) else tuple(c for c in cues if c)


# Routines repeat the same few durations ("30s", "1m"): parse each text once.
_parse_duration = functools.lru_cache(maxsize=1024)(parse_duration)


def _is_duration(text: str) -> bool:
    try:
        _parse_duration(text)
    except DurationError:
        return False
    return True


# --- public API ---------------------------------------------------------------------------


def _finish(problems: list[Problem]) -> list[Problem]:
    """Problems once each (aliases can repeat one), in file order."""
    return sorted(set(problems))


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


def _value_at(node: _Node | None, key: str) -> _Node | None:
    if node is None or node.kind is not _Kind.MAP:
        return None
    return next((v for k, v in node.pairs() if k.kind is _Kind.SCALAR and k.value == key), None)


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
