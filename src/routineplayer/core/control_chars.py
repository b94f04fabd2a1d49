"""Control characters in text from files: found at load, escaped wherever text is printed.

A shared routine file is someone else's text. YAML's double-quoted escapes ("\\e[2J",
"\\a", "\\x9b") reach a value without ever being control characters in the file, and once
printed to a terminal they can clear it, retitle it or ring it. The loader refuses them in
every text (``first_control``); every problem message is escaped too (``escape_controls``),
because a message may quote what was refused.
"""

from __future__ import annotations

import re

# C0 but tab and newline, DEL, and C1 (0x80-0x9f, which terminals also obey: 0x9b is CSI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

NAMES = {0x00: "null", 0x07: "bell", 0x08: "backspace", 0x0D: "carriage return", 0x1B: "escape"}


def first_control(text: str) -> str | None:
    """The first control character that text may not hold, or None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def describe(char: str) -> str:
    """'U+001B (escape)'."""
    name = NAMES.get(ord(char))
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def escape_controls(text: str) -> str:
    """Text safe to print: each control character written as \\xNN."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
