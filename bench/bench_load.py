"""Load and validate a generated 1,000-step routine; reject hostile files quickly.

Prints, as `name value unit (target ...)`:
  load_1000_steps_ms       load + validate (includes expanded) with libyaml's parser, best run
  load_1000_steps_pure_ms  the same with the pure-Python parser, measured in the same run
  load_speedup_ratio       pure / libyaml
  reject_billion_laughs_ms refusing a "billion laughs" alias bomb
  reject_deep_nesting_ms   refusing 200,000 nested lists (libyaml's composer would crash)
Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): the same files, fewer runs.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from routineplayer.core.library import Library
from routineplayer.core.loader import SAFE_LOADER, load_routine_text, validate_file
from routineplayer.core.model import Breathing, Check, Cue, Routine, Step, StepKind
from routineplayer.core.problems import RoutineError
from routineplayer.core.saver import save_routine

FIGURES = (
    "load_1000_steps_ms",
    "load_1000_steps_pure_ms",
    "load_speedup_ratio",
    "reject_billion_laughs_ms",
    "reject_deep_nesting_ms",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
STEPS = 1000
RUNS = 2 if SHORT else 7
PURE_RUNS = 1 if SHORT else 3


def _step(i: int) -> Step:
    say = f"Step {i}: move slowly, keep breathing and stop if anything sends pain down a leg."
    kind = i % 6
    if kind == 0:
        return Step(
            StepKind.TIMED,
            title=f"Leg swings {i}",
            say=say,
            duration=60.0,
            sides=("left leg", "right leg"),
            cues=(Cue(30.0, "Keep your back tall."),),
        )
    if kind == 1:
        return Step(
            StepKind.REPS,
            title=f"Slides {i}",
            say=say,
            reps=8,
            tempo=4.0,
            sets=2,
            rest_between_sets=20.0,
            check=Check(),
        )
    if kind == 2:
        return Step(StepKind.REPS, title=f"Bridges {i}", say=say, reps=10, check=Check(reset=60))
    if kind == 3:
        breathing = Breathing(4.0, 6.0, imagery="Picture a soft jellyfish.")
        return Step(
            StepKind.BREATHING, title=f"Breathing {i}", say=say, duration=60.0, breathing=breathing
        )
    if kind == 4:
        return Step(StepKind.REST, say="Rest.", duration=30.0)
    return Step(StepKind.INCLUDE, include="upper-back-slides") if i % 60 == 5 else _step(i + 1)


def _best_ms(action: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _refused(text: str) -> Callable[[], None]:
    def load() -> None:
        try:
            load_routine_text(text, "hostile.yaml")
        except RoutineError:
            return
        raise AssertionError("the hostile file was accepted")

    return load


def _billion_laughs() -> str:
    lines = ["format: 1", "title: Laughs", f"a: &a [{', '.join(['lol'] * 9)}]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    lines += ["steps:", "  - title: Laugh", "    duration: 30s", "    cues: *i"]
    return "\n".join(lines) + "\n"


def main() -> None:
    library = Library()
    routine = Routine("Bench", tuple(_step(i) for i in range(STEPS)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-1000.yaml"
        save_routine(routine, path)

        def check(pure_python: bool) -> None:
            problems = validate_file(path, library, pure_python=pure_python)
            assert problems == [], problems

        check(False)  # warm up imports and the library cache
        fast = _best_ms(lambda: check(False), RUNS)
        pure = _best_ms(lambda: check(True), PURE_RUNS)
    laughs = _best_ms(_refused(_billion_laughs()), RUNS)
    deep = _best_ms(_refused("format: 1\nsteps: " + "[" * 200_000 + "]" * 200_000), RUNS)

    parser = SAFE_LOADER.__name__
    print(f"load_1000_steps_ms {fast:.1f} ms (target <= 100; {parser})")
    print(
        f"load_1000_steps_pure_ms {pure:.1f} ms "
        "(target none: baseline, pure-Python loader, same run)"
    )
    print(f"load_speedup_ratio {pure / fast:.1f} x (target >= 1: libyaml vs pure-Python)")
    print(f"reject_billion_laughs_ms {laughs:.2f} ms (target <= 100)")
    print(f"reject_deep_nesting_ms {deep:.1f} ms (target <= 1000)")


if __name__ == "__main__":
    main()
