"""YAML text into a small node tree, and the reader both file formats are read with.

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

Strings are taken as written: ``say: Yes`` is the text "Yes", not a boolean. Routines
(core/loader.py) and movements (core/motion_reader.py) are read from this tree.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

import yaml
from yaml import events as ev

from routineplayer.core.control_chars import describe as describe_control
from routineplayer.core.control_chars import first_control
from routineplayer.core.durations import DurationError, format_duration, parse_duration
from routineplayer.core.problems import Problem, RoutineError

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 32  # a routine needs 6 levels; aliases and merge keys count too
MAX_NODES = 100_000  # values after expanding aliases; a 1,000-step routine has ~15,000
MAX_SECONDS = 24 * 3600.0  # longest duration anywhere: keeps a plan finite and small
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


_T = TypeVar("_T")
_NO_TEXTS: tuple[str, ...] = ()
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


class NodeReader:
    """Reads values from a node tree, collecting every problem on the way (with its
    file, line and column): the shapes and scalars both file formats are made of."""

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

    # Where an unknown key's suggestion comes from, after the keys allowed there.
    other_keys: Sequence[str] = ()

    def unknown_keys(self, entries: _Entries, allowed: Sequence[str], path: str) -> None:
        for name, (key, _) in entries.items():
            if name not in allowed:
                self.problem(
                    key,
                    _child(path, name),
                    f"unknown key '{name}'{_suggest(name, allowed, self.other_keys)}",
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


# Routines repeat the same few durations ("30s", "1m"): parse each text once.
_parse_duration = functools.lru_cache(maxsize=1024)(parse_duration)


def _is_duration(text: str) -> bool:
    try:
        _parse_duration(text)
    except DurationError:
        return False
    return True


def _finish(problems: list[Problem]) -> list[Problem]:
    """Problems once each (aliases can repeat one), in file order."""
    return sorted(set(problems))


def _value_at(node: _Node | None, key: str) -> _Node | None:
    if node is None or node.kind is not _Kind.MAP:
        return None
    return next((v for k, v in node.pairs() if k.kind is _Kind.SCALAR and k.value == key), None)
