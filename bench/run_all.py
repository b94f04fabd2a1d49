"""Run every bench/bench_*.py in turn and print all their figures (`make bench`).

Each benchmark prints one line per figure, `name value unit (target ...)`, on stdout; those
lines are passed through unchanged, so the combined output has the same form. Anything
else a benchmark prints on stdout, or a non-zero exit, makes the whole run fail.
Usage: bench/run_all.py [NAME_SUBSTRING ...] to run only some of them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
FIGURE = re.compile(r"^\S+ -?\d+(\.\d+)?([eE][-+]?\d+)? \S+ \(target .+\)$")


def _environment(home: str) -> dict[str, str]:
    env = dict(os.environ, ROUTINEPLAYER_HOME=home)  # never touch the user's own files
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def run(script: Path, env: dict[str, str]) -> list[str]:
    """Run one benchmark; return its problems (empty when it ran cleanly)."""
    print(f"== {script.name}", file=sys.stderr, flush=True)
    result = subprocess.run(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, env=env, check=False
    )
    problems = []
    for line in result.stdout.splitlines():
        if FIGURE.match(line):
            print(line, flush=True)
        elif line.strip():
            problems.append(f"{script.name}: not a `name value unit (target ...)` line: {line}")
    if result.returncode != 0:
        problems.append(f"{script.name}: exited with code {result.returncode}")
    return problems


def main(argv: list[str]) -> int:
    scripts = [
        s
        for s in sorted(BENCH_DIR.glob("bench_*.py"))
        if not argv or any(word in s.name for word in argv)
    ]
    if not scripts:
        print(f"no bench_*.py in {BENCH_DIR} matched", file=sys.stderr)
        return 1
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="routineplayer-bench-") as home:
        env = _environment(home)
        for script in scripts:
            problems += run(script, env)
    for problem in problems:
        print(f"FAILED {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
