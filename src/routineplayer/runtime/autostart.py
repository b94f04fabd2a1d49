"""Start with the desktop session: an XDG autostart entry (no Qt).

Desktops that follow the XDG Autostart spec (GNOME, KDE, Xfce, ...) start every
``$XDG_CONFIG_HOME/autostart/*.desktop`` at log-in. Ours runs the app with ``--background``
last, so it starts hidden in the tray. The entry is named for the app id, as
packaging/linux's menu entry is, and written atomically: a desktop reading the folder at
log-in sees the old entry or the new one, never half of one.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from routineplayer import APP_ID, APP_NAME
from routineplayer.core.atomic_write import write_atomic

BACKGROUND = "--background"
COMMENT = "Play guided back-care exercise and breathing routines with spoken cues"

# Desktop Entry spec, "The Exec key": an argument holding any of these must be quoted.
_RESERVED = re.compile(r"[\s\"'\\><~|&;$*?#()`]")
_ESCAPED_IN_QUOTES = re.compile(r"([\"`$\\])")


def config_home() -> Path:
    """$XDG_CONFIG_HOME, or ~/.config when it is unset, empty or relative (the spec's rule)."""
    value = os.environ.get("XDG_CONFIG_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".config"


def autostart_path() -> Path:
    return config_home() / "autostart" / f"{APP_ID}.desktop"


def default_command() -> list[str]:
    """The ``routineplayer`` next to this Python (a venv's script, the frozen bundle's
    executable), else this Python running the package."""
    beside = Path(sys.executable).parent / "routineplayer"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside)]
    return [sys.executable, "-m", "routineplayer"]


def quote_exec_argument(argument: str) -> str:
    """One argument of an Exec line, quoted when the spec asks for it, ``%`` doubled (a lone
    one would start a field code). Before the value-level escapes of ``exec_value``."""
    if argument and not _RESERVED.search(argument):
        return argument.replace("%", "%%")
    quoted = _ESCAPED_IN_QUOTES.sub(r"\\\1", argument)
    return '"' + quoted.replace("%", "%%") + '"'


def exec_value(command: Sequence[str]) -> str:
    """The Exec key's value for ``command``: each argument quoted as needed, then the escapes
    of any string value (the spec applies those first when reading: a backslash in a quoted
    argument is written as four)."""
    if not command:
        raise ValueError("an autostart entry needs a command")
    if any("\0" in argument for argument in command):
        raise ValueError("a command argument cannot hold a NUL character")
    line = " ".join(quote_exec_argument(argument) for argument in command)
    for char, escape in (("\\", "\\\\"), ("\n", "\\n"), ("\t", "\\t"), ("\r", "\\r")):
        line = line.replace(char, escape)
    return line


def desktop_entry(command: Sequence[str]) -> str:
    """The autostart entry running ``command`` with ``--background`` last."""
    args = list(command)
    if not args:
        raise ValueError("an autostart entry needs a command")
    if args[-1] != BACKGROUND:
        args.append(BACKGROUND)
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            f"Name={APP_NAME}",
            f"Comment={COMMENT}",
            f"Icon={APP_ID}",
            f"Exec={exec_value(args)}",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "",
        ]
    )


def _entry_keys(text: str) -> dict[str, str]:
    """The keys of the [Desktop Entry] group (values as written)."""
    keys: dict[str, str] = {}
    group = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1]
        elif group == "Desktop Entry" and "=" in line:
            key, _, value = line.partition("=")
            keys.setdefault(key.strip(), value.strip())
    return keys


def is_enabled() -> bool:
    """True when our entry is there and not switched off (``Hidden=true``, or GNOME's
    ``X-GNOME-Autostart-enabled=false``, which a desktop's settings may write into it)."""
    try:
        text = autostart_path().read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    keys = _entry_keys(text)
    return (
        keys.get("Hidden", "false") != "true"
        and keys.get("X-GNOME-Autostart-enabled", "true") != "false"
    )


def enable(command: Sequence[str]) -> Path:
    """Write the autostart entry running ``command --background``; its path."""
    path = autostart_path()
    entry = desktop_entry(command).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, entry, mode=0o644)
    return path


def disable() -> bool:
    """Remove the autostart entry; True when there was one."""
    try:
        autostart_path().unlink()
    except FileNotFoundError:
        return False
    return True
