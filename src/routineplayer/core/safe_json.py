"""JSON from files anyone may have changed (settings, recovery copies), read with limits.

json.loads recurses once per level of nesting: 100,000 '[' raise RecursionError, which no
``except ValueError`` catches, and json.dumps of anything that deep raises it again on the
way out. So nesting is measured first, by a scan that does not recurse, and text nested
deeper than the limit is refused with a ValueError like any other bad JSON. Whatever this
module returns is shallow enough to be written back with json.dumps.

A file is read only when it is a regular file (opening a FIFO waits for a writer, a
device may never end) and only up to a size limit.
"""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path
from typing import Any

from routineplayer.core.regular_file import read_regular_file

MAX_DEPTH = 32  # as the YAML loader's limit; settings need 2 levels, a recovery copy 6
MAX_BYTES = 1024 * 1024

# A whole string (so brackets inside one do not count), or one bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_SPACE = re.compile(r"[ \t\n\r]*")
_OPEN = frozenset("[{")


class JSONRefusedError(ValueError):
    """Text or a file refused before parsing: too big, nested too deep, not a regular file."""


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of ``path``: OSError when it cannot be read, ValueError when it is
    not a regular file, is bigger than ``max_bytes`` or is not UTF-8."""
    try:
        data = read_regular_file(path, max_bytes + 1)
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # a FIFO, a device or a folder: refused, not unreadable
            raise JSONRefusedError(str(exc.strerror)) from None
        raise
    if len(data) > max_bytes:
        raise JSONRefusedError(f"bigger than {max_bytes} bytes")
    return data.decode("utf-8")


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, but text nested deeper than ``max_depth`` is a ValueError.

    NaN and Infinity are parsed as json.loads parses them: checking that a number is
    finite, and in range, is the caller's part."""
    _, depth = _extent(text, _skip(text, 0), stop_beyond=max_depth)
    if depth > max_depth:
        raise JSONRefusedError(f"nested more than {max_depth} levels deep")
    return json.loads(text)


def loads_object(text: str, max_depth: int = MAX_DEPTH) -> tuple[dict[str, Any], list[str]]:
    """A JSON object read member by member: (the members, the keys left out).

    A member nested too deep is left out and its key listed, so one bad entry costs only
    itself and the rest can still be read and written back. ValueError when the text is
    not one JSON object."""
    decoder = json.JSONDecoder()
    members: dict[str, Any] = {}
    left_out: list[str] = []
    pos = _skip(text, 0)
    if text[pos : pos + 1] != "{":
        raise ValueError("not a JSON object")
    pos = _skip(text, pos + 1)
    if text[pos : pos + 1] == "}":
        return _end(text, pos + 1, members, left_out)
    while True:
        if text[pos : pos + 1] != '"':
            raise ValueError(f"expected a key at character {pos}")
        key, pos = decoder.raw_decode(text, pos)  # a string: parsing it cannot recurse
        pos = _skip(text, pos)
        if text[pos : pos + 1] != ":":
            raise ValueError(f"expected ':' at character {pos}")
        pos = _skip(text, pos + 1)
        end, depth = _extent(text, pos)
        if depth > max_depth - 1:  # the object itself is one level
            left_out.append(key)
            members.pop(key, None)  # as json.loads: the last of a repeated key counts
            pos = end
        else:
            members[key], pos = decoder.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text[pos : pos + 1] == "}":
            return _end(text, pos + 1, members, left_out)
        if text[pos : pos + 1] != ",":
            raise ValueError(f"expected ',' or '}}' at character {pos}")
        pos = _skip(text, pos + 1)


def set_aside(path: Path) -> Path:
    """Rename ``path`` to the first free ``NAME.bad``, ``NAME.1.bad``, ...: out of the way of
    whatever looks for NAME, and kept whole for the person (never deleted, never over an
    earlier one). Returns the new path; OSError when it cannot be renamed."""
    target = path.with_name(f"{path.name}.bad")
    n = 0
    while os.path.lexists(target):
        n += 1
        target = path.with_name(f"{path.name}.{n}.bad")
    os.rename(path, target)  # a rename: even a huge file is set aside at once
    return target


def _skip(text: str, pos: int) -> int:
    """The position of the first character after ``pos`` that is not JSON white space."""
    space = _SPACE.match(text, pos)
    return space.end() if space else pos


def _end(
    text: str, pos: int, members: dict[str, Any], left_out: list[str]
) -> tuple[dict[str, Any], list[str]]:
    if _skip(text, pos) != len(text):
        raise ValueError(f"extra data at character {pos}")
    return members, [key for key in dict.fromkeys(left_out) if key not in members]


def _extent(text: str, start: int, stop_beyond: int | None = None) -> tuple[int, int]:
    """(where the value at ``start`` ends, how deeply it nests), without recursing.

    Only brackets and strings are looked at: the value is not checked (json parses it
    afterwards), but a value whose brackets never close is a ValueError. With
    ``stop_beyond``, the scan stops as soon as the depth exceeds it."""
    if text[start : start + 1] not in _OPEN:
        return start, 0  # a string, number or literal: json parses it without recursing
    level = deepest = 0
    for token in _TOKEN.finditer(text, start):
        bracket = token.group()
        if bracket in _OPEN:
            level += 1
            deepest = max(deepest, level)
            if stop_beyond is not None and deepest > stop_beyond:
                return token.end(), deepest
        elif bracket in ("]", "}"):
            level -= 1
            if level == 0:
                return token.end(), deepest
    raise ValueError("unbalanced brackets")
