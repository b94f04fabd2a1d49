"""The layers of docs/design: nothing imports upward, and core/ stays free of Qt and pyttsx3.

core/ is what is tested without a QApplication and what the audio-only front-end runs on,
so a stray `import PySide6` there would quietly tie the whole app to a display.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import routineplayer

PACKAGE_DIR = Path(routineplayer.__file__).parent
QT_AND_SPEECH = ("PySide6", "shiboken6", "pyttsx3")

# Layer (a subpackage of routineplayer) -> the top-level modules it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": (
        *QT_AND_SPEECH,
        "routineplayer.speech",
        "routineplayer.gui",
        "routineplayer.cli",
    ),
    "speech": ("routineplayer.gui", "routineplayer.runtime", "routineplayer.cli"),
    # What both players share: QtCore only, so the terminal player needs no display.
    "runtime": (
        "PySide6.QtWidgets",
        "PySide6.QtGui",
        "routineplayer.gui",
        "routineplayer.terminal_player",
        "routineplayer.cli",
    ),
    "gui": ("routineplayer.cli", "routineplayer.terminal_player"),
}


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, relative imports resolved, with its line number."""
    package = ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # `from routineplayer import gui` imports routineplayer.gui.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            found.append((node.lineno, base))
    return found


def _is_within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _layer_files(layer: str) -> list[Path]:
    return sorted((PACKAGE_DIR / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_nothing_above_it(layer: str) -> None:
    problems = {  # a dict keeps one message per line for `from PySide6 import QtCore`
        (str(path.relative_to(PACKAGE_DIR.parent)), line): module
        for path in _layer_files(layer)
        for line, module in reversed(_imported_modules(path))
        if any(_is_within(module, banned) for banned in FORBIDDEN[layer])
    }
    problems_text = "\n".join(
        f"{path}:{line}: imports {module}" for (path, line), module in sorted(problems.items())
    )
    assert not problems, f"routineplayer.{layer} must not import these:\n{problems_text}"


def test_core_has_modules_to_check() -> None:
    # Guards the test above against passing vacuously after a move or rename.
    assert (PACKAGE_DIR / "core" / "paths.py") in _layer_files("core")


def test_importing_all_of_core_loads_no_qt_or_pyttsx3() -> None:
    """Catches indirect imports too (core -> some helper -> PySide6), which ast cannot see."""
    modules = [
        ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        )
        for path in _layer_files("core")
    ]
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {QT_AND_SPEECH!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_terminal_player_imports_no_window_code() -> None:
    path = PACKAGE_DIR / "terminal_player.py"
    banned = ("routineplayer.gui", "PySide6.QtWidgets", "PySide6.QtGui")
    found = [
        f"terminal_player.py:{line}: imports {module}"
        for line, module in _imported_modules(path)
        if any(_is_within(module, b) for b in banned)
    ]
    assert not found, "\n".join(found)
