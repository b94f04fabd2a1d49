"""Run every bench/bench_*.py in turn and print all their figures (`make bench`).

Each benchmark prints one line per figure, `name value unit (target ...)`, on stdout; those
lines are passed through unchanged, so the combined output has the same form. Anything
else a benchmark prints on stdout, or a non-zero exit, makes the whole run fail.

Each bench_*.py declares the figures it prints in a module-level `FIGURES = ("name", ...)`,
read here from its source (ast; the module is not imported). A declared figure that was not
printed, a printed one that is not declared, or a module without FIGURES fails the run too,
so neither the list nor the benchmark can go stale unnoticed.

--short: every benchmark runs a reduced workload (fewer runs, sessions and seconds; a few
seconds each), told so by ROUTINEPLAYER_BENCH_SHORT=1 in its environment, and prints the
same figures. It checks only that each benchmark ran and printed every figure: its values
are not measurements to judge, and no target is checked in either mode.

Usage: bench/run_all.py [--short] [NAME_SUBSTRING ...] to run only some of them.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
FIGURE = re.compile(r"^\S+ -?\d+(\.\d+)?([eE][-+]?\d+)? \S+ \(target .+\)$")
SHORT_ENV = "ROUTINEPLAYER_BENCH_SHORT"
SHORT_TIMEOUT_S = 300  # a short run that takes this long has hung


def declared_figures(script: Path) -> tuple[str, ...]:
    """The script's module-level FIGURES: a literal tuple of distinct names (ValueError if not)."""
    tree = ast.parse(script.read_text(encoding="utf-8"), filename=str(script))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "FIGURES" for t in targets):
            assert node.value is not None
            try:
                names = ast.literal_eval(node.value)
            except ValueError as error:
                raise ValueError("FIGURES is not a literal tuple of names") from error
            if (
                not isinstance(names, tuple)
                or not names
                or not all(isinstance(n, str) and n and " " not in n for n in names)
            ):
                raise ValueError("FIGURES must be a non-empty tuple of figure names")
            if len(set(names)) != len(names):
                raise ValueError("FIGURES names a figure twice")
            return names
    raise ValueError("no module-level FIGURES = (...) naming the figures it prints")


def check_output(name: str, stdout: str, declared: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(figure lines, problems) of one benchmark's stdout against its declared figures."""
    figures, problems = [], []
    printed: list[str] = []
    for line in stdout.splitlines():
        if FIGURE.match(line):
            figures.append(line)
            printed.append(line.split(" ", 1)[0])
        elif line.strip():
            problems.append(f"{name}: not a `name value unit (target ...)` line: {line}")
    for figure in declared:
        if figure not in printed:
            problems.append(f"{name}: figure {figure} was not printed")
    for figure in dict.fromkeys(printed):
        if figure not in declared:
            problems.append(f"{name}: printed figure {figure} is not in its FIGURES")
        elif printed.count(figure) > 1:
            problems.append(f"{name}: figure {figure} was printed {printed.count(figure)} times")
    return figures, problems


def _environment(home: str, short: bool) -> dict[str, str]:
    env = dict(os.environ, ROUTINEPLAYER_HOME=home)  # never touch the user's own files
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop(SHORT_ENV, None)
    if short:
        env[SHORT_ENV] = "1"
    return env


def run(script: Path, env: dict[str, str], short: bool) -> list[str]:
    """Run one benchmark; return its problems (empty when it ran cleanly)."""
    print(f"== {script.name}", file=sys.stderr, flush=True)
    try:
        declared = declared_figures(script)
    except (SyntaxError, ValueError) as error:
        return [f"{script.name}: {error}"]
    started = time.monotonic()
    try:
        result = subprocess.run(
            [sys.executable, str(script)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
            timeout=SHORT_TIMEOUT_S if short else None,
        )
    except subprocess.TimeoutExpired as expired:
        stdout = expired.stdout or ""
        stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        figures, problems = check_output(script.name, stdout, declared)
        problems.append(f"{script.name}: still running after {SHORT_TIMEOUT_S} s (killed)")
    else:
        figures, problems = check_output(script.name, result.stdout, declared)
        if result.returncode != 0:
            problems.append(f"{script.name}: exited with code {result.returncode}")
    for line in figures:
        print(line, flush=True)
    print(f"== {script.name}: {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    return problems


def main(argv: list[str]) -> int:
    short = "--short" in argv
    words = [word for word in argv if word != "--short"]
    scripts = [
        s
        for s in sorted(BENCH_DIR.glob("bench_*.py"))
        if not words or any(word in s.name for word in words)
    ]
    if not scripts:
        print(f"no bench_*.py in {BENCH_DIR} matched", file=sys.stderr)
        return 1
    if short:
        print("short mode: reduced workloads; the figures are not measurements", file=sys.stderr)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="routineplayer-bench-") as home:
        env = _environment(home, short)
        for script in scripts:
            problems += run(script, env, short)
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
