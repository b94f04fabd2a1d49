"""Load and validate a generated 1,000-step routine; reject hostile files quickly.

Prints, as `name value unit (target ...)`:
  load_1000_steps_ms       load + validate (includes expanded) with libyaml's parser, best run
  load_1000_steps_pure_ms  the same with the pure-Python parser, measured in the same run
  load_speedup_ratio       pure / libyaml
  reject_billion_laughs_ms refusing a "billion laughs" alias bomb
  reject_deep_nesting_ms   refusing 200,000 nested lists (libyaml's composer would crash)
  worst_valid_file_peak_mib the most memory `routineplayer plan` takes on a file the bounds
                           of core/cost.py let through (peak RSS of the process)
  worst_valid_file_plan_s  the longest it takes, from the process's start to its exit
  worst_valid_file_vs_warm_up the same time over `plan warm-up`'s, in the same run
The worst files are built greedily, one per bound: repeating the step that costs most of one
figure (counted reps, breath phases, sets times sides) until one more would cross a bound.
Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): the same files, fewer runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from routineplayer.core.cost import Cost, opening_cost, step_cost
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
    "worst_valid_file_peak_mib",
    "worst_valid_file_plan_s",
    "worst_valid_file_vs_warm_up",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
STEPS = 1000
RUNS = 2 if SHORT else 7
PURE_RUNS = 1 if SHORT else 3


def _step(i: int) -> Step:
    # Short steps: 1,000 of them must stay within core.cost's 12 hours to be loaded at all.
    say = f"Step {i}: move slowly, keep breathing and stop if anything sends pain down a leg."
    kind = i % 6
    if kind == 0:
        return Step(
            StepKind.TIMED,
            title=f"Leg swings {i}",
            say=say,
            duration=10.0,
            sides=("left leg", "right leg"),
            cues=(Cue(5.0, "Keep your back tall."),),
        )
    if kind == 1:
        return Step(
            StepKind.REPS,
            title=f"Slides {i}",
            say=say,
            reps=8,
            tempo=1.5,
            sets=2,
            rest_between_sets=10.0,
            check=Check(),
        )
    if kind == 2:
        return Step(StepKind.REPS, title=f"Bridges {i}", say=say, reps=5, check=Check(reset=60))
    if kind == 3:
        breathing = Breathing(4.0, 6.0, imagery="Picture a soft jellyfish.")
        return Step(
            StepKind.BREATHING, title=f"Breathing {i}", say=say, duration=20.0, breathing=breathing
        )
    if kind == 4:
        return Step(StepKind.REST, say="Rest.", duration=10.0)
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


# One step per figure, each with the most of it the format allows: (template, its maximum).
WORST_STEPS: dict[str, tuple[Callable[[int], Step], int]] = {
    "counted reps": (
        lambda n: Step(StepKind.REPS, title="Counted", reps=1000, tempo=1.5, sets=n),
        100,
    ),
    "breath phases": (
        lambda n: Step(
            StepKind.BREATHING,
            title="Breaths",
            breathing=Breathing(1.0, 1.0, 1.0, 1.0, breaths=n, imagery="Soft."),
        ),
        10_000,
    ),
    "sets and sides": (
        lambda n: Step(
            StepKind.TIMED,
            title="Parts",
            duration=1.0,
            sets=n,
            sides=tuple("abcdefgh"),
            rest_between_sets=1.0,
            check=Check(),
        ),
        100,
    ),
}
MAX_WORST_STEPS = 10_000


def _worst_routine(template: Callable[[int], Step], most: int) -> Routine:
    """The biggest step of ``template`` that fits (binary search on its count), as many
    copies of it as fit, then 1 s rests to the brim: the most a valid file can ask for."""
    opening = opening_cost("Worst", "", 8.0)

    def fits(total: Cost, step: Step) -> bool:
        return not (total + step_cost(step, 8.0)).excess()

    low, high = 1, most
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if fits(opening, template(mid)) else (low, mid - 1)
    steps: list[Step] = []
    total = opening
    for step in (template(low), Step(StepKind.REST, duration=1.0)):
        while len(steps) < MAX_WORST_STEPS and fits(total, step):
            total += step_cost(step, 8.0)
            steps.append(step)
    return Routine("Worst", tuple(steps))


def _plan_process(target: str) -> tuple[float, float]:
    """(seconds, peak MiB) of `routineplayer plan TARGET` in a process of its own."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "routineplayer", "plan", target], stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench_load: plan {target} failed")
    return seconds, usage.ru_maxrss / 1024


def worst_files(folder: Path) -> tuple[float, float, float]:
    """(peak MiB, plan seconds) of the worst valid files, and plan warm-up's seconds."""
    peak = slowest = 0.0
    for what, (template, most) in WORST_STEPS.items():
        path = folder / f"worst-{what.replace(' ', '-')}.yaml"
        routine = _worst_routine(template, most)
        save_routine(routine, path)  # loads it back: the loader lets it through
        seconds, mib = _plan_process(str(path))
        print(
            f"worst file by {what}: {len(routine.steps)} steps, {seconds:.2f} s, {mib:.0f} MiB",
            file=sys.stderr,
        )
        peak, slowest = max(peak, mib), max(slowest, seconds)
    warm_up = min(_plan_process("warm-up")[0] for _ in range(2))
    return peak, slowest, warm_up


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
    with tempfile.TemporaryDirectory() as folder:
        peak, slowest, warm_up = worst_files(Path(folder))

    parser = SAFE_LOADER.__name__
    print(f"load_1000_steps_ms {fast:.1f} ms (target <= 100; {parser})")
    print(
        f"load_1000_steps_pure_ms {pure:.1f} ms "
        "(target none: baseline, pure-Python loader, same run)"
    )
    print(f"load_speedup_ratio {pure / fast:.1f} x (target >= 1: libyaml vs pure-Python)")
    print(f"reject_billion_laughs_ms {laughs:.2f} ms (target <= 100)")
    print(f"reject_deep_nesting_ms {deep:.1f} ms (target <= 1000)")
    print(f"worst_valid_file_peak_mib {peak:.1f} MiB (target <= 300; peak RSS of plan)")
    print(f"worst_valid_file_plan_s {slowest:.2f} s (target <= 2; process start to exit)")
    print(
        f"worst_valid_file_vs_warm_up {slowest / warm_up:.1f} x "
        f"(target none: baseline plan warm-up {warm_up:.2f} s, same run)"
    )


if __name__ == "__main__":
    main()
