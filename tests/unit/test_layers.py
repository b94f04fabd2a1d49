"""The layers of docs/design: nothing imports upward, nothing imports in a circle, and core/
stays free of Qt and pyttsx3.

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


def _import_nodes(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement in a file, wherever it is (in functions, under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]


def _from_base(node: ast.ImportFrom, path: Path) -> str:
    """The module a ``from ... import`` statement imports from, relative imports resolved."""
    package = ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts[:-1])
    base = node.module or ""
    if node.level:
        parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        base = f"{parent}.{base}" if base else parent
    return base


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, relative imports resolved, with its line number."""
    found: list[tuple[int, str]] = []
    for node in _import_nodes(path):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        else:
            base = _from_base(node, path)
            # `from routineplayer import gui` imports routineplayer.gui.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            found.append((node.lineno, base))
    return found


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts).removesuffix(".__init__")


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
    modules = [_module_name(path) for path in _layer_files("core")]
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


# -- no import cycles ----------------------------------------------------------------------------


def _import_graph() -> dict[str, set[str]]:
    """Module -> the routineplayer modules it imports.

    Every import statement counts, wherever it is: at module level, inside a function (a
    lazy import is still a dependency, only a later one) and under ``if TYPE_CHECKING:``.
    Counting TYPE_CHECKING imports is the strict choice, and the one made here: a circle
    that only the type checker sees still means two modules each know the other, which is
    what the layers forbid (and it turns into a real circle as soon as one of those imports
    is needed at run time).

    ``from a.b import c`` imports module ``a.b.c`` when there is one, else ``a.b``. A
    package's __init__, which Python runs before any of its submodules, is not counted as
    imported by every user of a submodule: only the imports written down are.
    """
    modules = {_module_name(path): path for path in PACKAGE_DIR.rglob("*.py")}

    def ours(name: str) -> str | None:
        """The longest prefix of ``name`` that is one of our modules (``a.b.Name``: ``a.b``)."""
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str | None] = set()
        for node in _import_nodes(path):
            if isinstance(node, ast.Import):
                targets |= {ours(alias.name) for alias in node.names}
            else:
                base = _from_base(node, path)
                targets |= {ours(f"{base}.{alias.name}") for alias in node.names}
        graph[name] = {target for target in targets if target is not None and target != name}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (its modules in import order, the first repeated at the end), or None."""
    done: set[str] = set()
    for root in sorted(graph):
        if root in done:
            continue
        path, on_path = [root], {root}  # the modules being followed, in order
        stack = [(root, iter(sorted(graph[root])))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif child in on_path:
                return [*path[path.index(child) :], child]
            elif child not in done:
                stack.append((child, iter(sorted(graph.get(child, ())))))
                path.append(child)
                on_path.add(child)
    return None


def _cycles(graph: dict[str, set[str]], limit: int = 20) -> list[list[str]]:
    """Circles in ``graph``: each one found is cut at its last edge and the search goes on,
    so every circle is reported, not only the first."""
    graph = {module: set(targets) for module, targets in graph.items()}
    found: list[list[str]] = []
    while len(found) < limit and (cycle := _find_cycle(graph)) is not None:
        found.append(cycle)
        graph[cycle[-2]].discard(cycle[-1])
    return found


def test_the_package_has_no_import_cycles() -> None:
    graph = _import_graph()
    assert "routineplayer.gui.main_window" in graph  # not vacuous after a move or rename
    assert "routineplayer.core.paths" in graph["routineplayer.core.library"]
    cycles = _cycles(graph)
    text = "\n".join(" -> ".join(cycle) for cycle in cycles)
    assert not cycles, f"modules import each other in a circle:\n{text}"


def test_the_cycle_finder_finds_every_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": {"d"}}
    assert _find_cycle(graph) == ["a", "b", "c", "a"]
    assert _cycles(graph) == [["a", "b", "c", "a"], ["d", "e", "d"]]
    assert _find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
