"""Power: the CPU the app uses and how often it wakes up, at rest and while a routine plays.

The real app (routineplayer.cli.main, as the `routineplayer` command runs it) in a window on a
private Xvfb, speech on, its sound going to the null sink of a private PulseAudio server
(scripts/start-audio.sh, as the audio tests start it), with a fresh ROUTINEPLAYER_HOME. It is
driven by keys alone (xdotool), and each moment is reached and checked by what can be seen
from outside: the window's title (the app sets "Playing: <routine> — routineplayer" /
"Paused: …"), the dialogs' titles, and the sound on the sink's monitor (parec).

For each moment, over WINDOW_S: CPU = the sum over the app's threads of utime+stime
(/proc/PID/task/*/stat, clock ticks), as a share of ONE core; wake-ups = the sum over its
threads of voluntary_ctxt_switches (/proc/PID/task/*/status: each is a sleep the thread was
woken from), per second. A thread that starts during a window counts in full; one that ends
during it is lost (/proc has it no more): stderr names both kinds, and gives the kernel's
whole-process CPU (which keeps ended threads) beside the sum, and each thread's share
(schedstat's exact run time too: the ticks are sampled). The app's Python threads are named
in /proc for this (power_support.name_python_threads), so the breakdown can tell
"session-clock" from "journal-writer". The speech worker is a process of its own: its CPU,
Xvfb's and the PulseAudio server's are on stderr, not in the figures. (Recording the
monitor was checked not to change the app's wake-ups: 103 vs 105 a second without it.)

The moments, in one run of the app:
- library: the library, idle, after the first-launch notice is closed.
- countdown: the bench's own routine (written into the user routines folder) is started by
  type-ahead ("power"), Enter in "Before you start" (once the speech worker has rendered
  every text and gone idle: nothing renders later), S in "Pain before you start"; the title
  says "Playing: …". Two → skip the opening and the get-ready into a 2-minute timed step
  with no cues but "Begin." and "Halfway." at 1:00. Once "Begin." has been heard and the
  sink has been silent for a second, the window is measured; it must stay silent, and end
  well before "Halfway." (from `routineplayer plan --json`). The digits change once a second.
- paused: Space; the title says "Paused: …"; once "Paused. Press space…" has been said and
  the sink has been silent for a second, measured; the sink must stay silent. Space again
  ("Playing: …"), and a second of silence after "Carrying on.".
- breathing: two → skip the rest of the step and the next get-ready into the built-in
  jellyfish breathing step (included whole: its breath cues, chimes and animation); once a
  sound is heard, measured; the title must still say "Playing: …", and the sound must fit
  the plan counted from the skips: each breath cue due in the window heard at its time,
  silence between them.
- figure: two → skip the rest of the breathing and the next get-ready into a 2-minute timed
  step with a movement (cat-cow), its figure moving at 20 frames a second; measured as the
  countdown is, in silence after "Begin.".
- baseline: a bare PySide6 window (``--child baseline``: a QLabel the size of the app's
  window, large digits changing once a second on a QTimer) under the same Xvfb, the same
  python.

The *_vs_baseline_cpu ratios divide schedstat's exact run times (/proc/PID/task/*/schedstat),
not the ticks: the baseline uses only a few clock ticks in a window, too coarse to divide by.
The wake-ups ratio divides the figures as printed.

Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): 4 s windows, 1 s settling.

Figures go to stdout as `name value unit (target ...)`; details go to stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from power_support import (
    CLK_TCK,
    WAIT_S,
    BenchError,
    Monitor,
    Usage,
    X,
    children,
    end_pid,
    end_process,
    measure,
    pulse_server,
    require_tools,
    total_ticks,
    wait_idle,
    xvfb,
)

FIGURES = (
    "cpu_countdown_pct",
    "wakeups_per_s_countdown",
    "cpu_breathing_pct",
    "wakeups_per_s_breathing",
    "cpu_paused_pct",
    "wakeups_per_s_paused",
    "cpu_library_pct",
    "wakeups_per_s_library",
    "baseline_cpu_pct",
    "baseline_wakeups_per_s",
    "countdown_vs_baseline_cpu",
    "countdown_vs_baseline_wakeups",
    "breathing_vs_baseline_cpu",
    "paused_vs_baseline_cpu",
    "cpu_figure_pct",
    "wakeups_per_s_figure",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
WINDOW_S = 4.0 if SHORT else 20.0
SETTLE_S = 1.0 if SHORT else 2.0  # after a moment is reached, before it is measured
BENCH_DIR = Path(__file__).resolve().parent
ROUTINE_NAME = "power-bench"
ROUTINE_TITLE = "Power bench"
QUIET_STEP = "Quiet hold"
BREATHING_STEP = "Jellyfish breathing"
FIGURE_STEP = "Moving figure"
ROUTINE = f"""\
format: 1
title: {ROUTINE_TITLE}
summary: The power benchmark's routine (bench/bench_power.py).
lead_in: 3s
steps:
  - title: {QUIET_STEP}
    duration: 2m
  - include: jellyfish-breathing
  - title: {FIGURE_STEP}
    movement: cat-cow
    duration: 2m
"""
BASELINE_TITLE = "power baseline"
# The app as the `routineplayer` command starts it, with its Python threads named in /proc
# (Python 3.11 leaves them all "python": see power_support.name_python_threads).
APP_BOOT = (
    "import sys; sys.path.insert(0, {bench!r}); import power_support; "
    "power_support.name_python_threads(); sys.argv = ['routineplayer']; "
    "from routineplayer.cli import main; sys.exit(main())"
)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- the baseline window -----------------------------------------------------------------------


def child_baseline(size: str) -> None:
    """A bare PySide6 window: a QLabel whose digits change once a second."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication([sys.argv[0]])
    label = QLabel("60")
    label.setWindowTitle(BASELINE_TITLE)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    font = label.font()
    font.setPixelSize(240)
    label.setFont(font)
    width, height = (int(n) for n in size.split("x"))
    label.resize(width, height)
    label.show()
    left = [60]

    def tick() -> None:
        left[0] = left[0] - 1 if left[0] > 1 else 60
        label.setText(str(left[0]))

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(1000)
    app.exec()


# -- the run -----------------------------------------------------------------------------------


def app_env(home: Path, display: str, env: dict[str, str]) -> dict[str, str]:
    out = {**env, "ROUTINEPLAYER_HOME": str(home), "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    # No accessibility bridge (nothing listens here, and it would add its own work).
    out["NO_AT_BRIDGE"] = "1"
    for name in ("QT_ACCESSIBILITY", "QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "WAYLAND_DISPLAY"):
        out.pop(name, None)
    return out


def write_routine(env: dict[str, str]) -> dict[str, Any]:
    """The bench's routine in the user routines folder; its plan, as the app reads it."""
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from routineplayer.core.paths import user_routines_dir; print(user_routines_dir())",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=True,
    ).stdout.strip()
    (Path(where) / f"{ROUTINE_NAME}.yaml").write_text(ROUTINE, encoding="utf-8")
    plan = subprocess.run(
        [sys.executable, "-m", "routineplayer", "plan", "--json", ROUTINE_NAME],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=False,
    )
    if plan.returncode != 0:
        raise BenchError(f"routineplayer plan {ROUTINE_NAME} failed: {plan.stderr.strip()}")
    parsed: dict[str, Any] = json.loads(plan.stdout)
    return parsed


def segment(plan: dict[str, Any], index: int, kind: str, title: str) -> dict[str, Any]:
    """The plan's segment ``index``, which must be ``kind`` ``title``: the skips count on it."""
    found: dict[str, Any] = plan["segments"][index]
    if (found["kind"], found["title"]) != (kind, title):
        raise BenchError(
            f"segment {index} of {ROUTINE_NAME} is {found['kind']} {found['title']!r}, "
            f"not {kind} {title!r}: the skips would land elsewhere"
        )
    return found


class Watch:
    """Measures the app over a window, and what goes with it: the speech worker's and the
    sound server's CPU, the sound heard."""

    def __init__(self, pid: int, servers: dict[str, int], monitor: Monitor) -> None:
        self.pid = pid
        self.servers = servers
        self.monitor = monitor
        self.results: dict[str, Usage] = {}

    def __call__(self, name: str, check: Callable[[Usage, float, float], str]) -> Usage:
        others = {"speech worker": children(self.pid)}
        others.update((name, [pid]) for name, pid in self.servers.items())
        before = {k: sum(total_ticks(p) for p in v) for k, v in others.items()}
        start = time.monotonic()
        usage = measure(self.pid, WINDOW_S)
        end = time.monotonic()
        after = {k: sum(total_ticks(p) for p in v) for k, v in others.items()}
        extra = ", ".join(
            f"{k} {100 * (after[k] - before[k]) / CLK_TCK / usage.seconds:.1f}%" for k in others
        )
        problem = check(usage, start, end)
        if problem:
            raise BenchError(f"{name}: {problem}")
        log(
            f"{name}: {usage.seconds:.1f} s; {usage.cpu_pct:.2f}% of a core "
            f"(schedstat {usage.run_pct:.2f}%, whole process {usage.process_cpu_pct:.2f}%), "
            f"{usage.wakeups_per_s:.1f} wake-ups/s; sound heard "
            f"{self.monitor.loud_seconds(start, end):.1f} s; also: {extra}\n"
            f"  {usage.churn()}\n{usage.breakdown()}"
        )
        self.results[name] = usage
        return usage


def sound_pattern_problem(
    monitor: Monitor, anchor: float, cues: list[dict[str, Any]], start: float, end: float
) -> str:
    """What does not fit the plan in [start, end], a segment's sound counted from ``anchor``
    (just before the keys that entered it: it began up to half a second later): each cue
    due there must be heard at its time, and the sink be silent between the end of one
    (its words at 2.5 a second, as core/cue_spacing.py reckons, plus a chime) and the next.
    The breathing's "Breathe in" / "Breathe out" at 0, 4, 10, 14 s… with quiet between
    tells it from any other segment of the routine ("" when it fits)."""
    time.sleep(max(end + 1.5 - time.monotonic(), 0.0))  # the last cue's sound has arrived
    times = [anchor + float(c["offset"]) for c in cues]
    lengths = [max(len(str(c["text"]).split()) / 2.5, 0.8) + 0.7 for c in cues]
    due = [t for t in times if start <= t <= end]
    if not due:
        return "no cue of the step was due in the window: it cannot be told apart"
    unheard = [round(t - anchor, 1) for t in due if not monitor.loud_seconds(t - 0.2, t + 1.2)]
    if unheard:
        return f"the cues due {unheard} s into the step were not heard"
    for (t, length), after in zip(zip(times, lengths, strict=True), times[1:], strict=False):
        quiet_from, quiet_to = max(t + length + 0.5, start), min(after - 0.3, end)
        if quiet_to - quiet_from >= 0.5 and monitor.loud_seconds(quiet_from, quiet_to):
            heard = ", ".join(
                f"{a - anchor:.1f}-{b - anchor:.1f}"
                for a, b in monitor.stretches(anchor, end + 1.5)
            )
            return (
                f"sound between {quiet_from - anchor:.1f} and {quiet_to - anchor:.1f} s into "
                f"the step, where the plan has none (heard at {heard} s)"
            )
    return ""


Check = Callable[[Usage, float, float], str]  # a window's problem, or ""


def into_quiet_work(
    x: X, main: str, monitor: Monitor, until: float, what: str
) -> tuple[float, Check]:
    """Two → skip into a step's work ("Begin." and its chime), then wait for silence: when
    it was skipped, and the check of a window in it (quiet, playing, ended before the
    step's next cue at ``until`` s)."""
    skipped = time.monotonic()
    x.press(main, "Right", "Right")
    begin = monitor.wait_for_sound(skipped, timeout=5)
    if begin is None:
        raise BenchError(f'no "Begin." was heard after skipping into {what}')
    monitor.wait_for_quiet(begin, quiet_s=1.0, timeout=15)
    time.sleep(max(SETTLE_S - 1.0, 0.0))

    def quiet_work(u: Usage, start: float, end: float) -> str:
        if monitor.loud_seconds(start, end):
            return "a sound was heard during the window: it was not quiet"
        if end - skipped > until - 1.0:
            return f"the window ran up to the step's next cue (at {until:.0f} s)"
        if not x.title(main).startswith(f"Playing: {ROUTINE_TITLE}"):
            return f"the title is {x.title(main)!r}: no longer playing"
        return ""

    return skipped, quiet_work


def run_app(
    display: str, env: dict[str, str], monitor: Monitor, servers: dict[str, int], tmp: Path
) -> tuple[dict[str, Usage], tuple[int, int]]:
    plan = write_routine(env)
    quiet = segment(plan, 2, "work", QUIET_STEP)
    breath = segment(plan, 4, "work", BREATHING_STEP)
    moving = segment(plan, 6, "work", FIGURE_STEP)
    figure_until = min(c["offset"] for c in moving["cues"] if c["offset"] > 0)
    # The quiet step says "Begin." at 0; its next cue is where a window must have ended.
    quiet_until = min(c["offset"] for c in quiet["cues"] if c["offset"] > 0)
    app_log = (tmp / "app.log").open("w")
    worker_pids: list[int] = []
    app = subprocess.Popen(
        [sys.executable, "-c", APP_BOOT.format(bench=str(BENCH_DIR))],
        env=env,
        stdout=app_log,
        stderr=subprocess.STDOUT,
    )
    x = X(display, app)
    try:
        watch = Watch(app.pid, servers, monitor)
        notice = x.shown_window("^When to see a doctor$")  # the first launch only
        x.press(notice, "Return")
        x.gone("^When to see a doctor$")
        main = x.shown_window("^routineplayer$")
        size = x.size(main)
        time.sleep(SETTLE_S)
        watch("library", lambda u, s, e: "")

        x.type(main, "power")  # type-ahead: the bench's routine
        x.press(main, "Return")
        prestart = x.shown_window(f"^Before you start: {ROUTINE_TITLE}$")
        # The voice renders every text of the routine meanwhile, in its worker process:
        # start once it has gone quiet, so no rendering runs in the windows.
        deadline = time.monotonic() + WAIT_S
        while not (worker_pids := children(app.pid)):
            if time.monotonic() > deadline:
                raise BenchError("the app started no speech worker: is speech off?")
            time.sleep(0.1)
        took = wait_idle(worker_pids, quiet_s=1.0, timeout=120)
        log(f"speech rendered: the worker went quiet {took:.1f} s after the dialog showed")
        x.press(prestart, "Return")
        pain = x.shown_window("^Pain before you start$")
        x.press(pain, "s")  # skipped: one key
        x.wait_title(main, f"Playing: {ROUTINE_TITLE}")

        # Countdown: into the quiet step's work ("Begin." and its chime), then silence.
        skipped, quiet_countdown = into_quiet_work(x, main, monitor, quiet_until, "the quiet step")
        watch("countdown", quiet_countdown)
        log(
            f"  (the window ended {time.monotonic() - skipped:.1f} s into the step; its next "
            f"cue is at {quiet_until:.0f} s)"
        )

        # Paused, in the same step.
        x.press(main, "space")
        paused_at = x.wait_title(main, f"Paused: {ROUTINE_TITLE}")
        said = monitor.wait_for_sound(paused_at, timeout=2)  # "Paused." is said
        monitor.wait_for_quiet(said or paused_at, quiet_s=1.0, timeout=15)
        time.sleep(max(SETTLE_S - 1.0, 0.0))

        def still_paused(u: Usage, start: float, end: float) -> str:
            if monitor.loud_seconds(start, end):
                return "a sound was heard while paused"
            if not x.title(main).startswith(f"Paused: {ROUTINE_TITLE}"):
                return f"the title is {x.title(main)!r}: no longer paused"
            return ""

        watch("paused", still_paused)
        x.press(main, "space")
        resumed = x.wait_title(main, f"Playing: {ROUTINE_TITLE}")
        said = monitor.wait_for_sound(resumed, timeout=2)  # "Carrying on."
        monitor.wait_for_quiet(said or resumed, quiet_s=1.0, timeout=15)

        # Breathing: skip the rest of the quiet step and the next get-ready.
        skipped = time.monotonic()
        x.press(main, "Right", "Right")
        if monitor.wait_for_sound(skipped, timeout=5) is None:
            raise BenchError('no "Breathe in" was heard after skipping into the breathing')
        time.sleep(SETTLE_S)

        def breathing(u: Usage, start: float, end: float) -> str:
            if not x.title(main).startswith(f"Playing: {ROUTINE_TITLE}"):
                return f"the title is {x.title(main)!r}: no longer playing"
            return sound_pattern_problem(monitor, skipped, breath["cues"], start, end)

        watch("breathing", breathing)

        # A timed step with a movement: its figure moves at 20 frames a second. Skip the
        # rest of the breathing and the get-ready into its work ("Begin."), then silence.
        _, moving_figure = into_quiet_work(x, main, monitor, figure_until, "the figure's step")
        watch("figure", moving_figure)
        return watch.results, size
    finally:
        end_process(app)
        worker_pids += children(app.pid)
        for pid in worker_pids:
            end_pid(pid)
        app_log.close()
        output = (tmp / "app.log").read_text(errors="replace")
        if "Traceback" in output or app.returncode not in (0, -15):
            log(f"the app's output (it ended with code {app.returncode}):\n{output[-4000:]}")


def run_baseline(display: str, env: dict[str, str], size: tuple[int, int], xvfb_pid: int) -> Usage:
    window = subprocess.Popen(
        [sys.executable, __file__, "--child", "baseline", f"{size[0]}x{size[1]}"], env=env
    )
    try:
        X(display).shown_window(f"^{BASELINE_TITLE}$")
        time.sleep(SETTLE_S)
        xvfb_before = total_ticks(xvfb_pid)
        usage = measure(window.pid, WINDOW_S)
        xvfb_pct = 100 * (total_ticks(xvfb_pid) - xvfb_before) / CLK_TCK / usage.seconds
        log(
            f"baseline: {usage.seconds:.1f} s; {usage.cpu_pct:.2f}% of a core (schedstat "
            f"{usage.run_pct:.2f}%), {usage.wakeups_per_s:.1f} wake-ups/s; a bare window "
            f"{size[0]}x{size[1]}; also: Xvfb {xvfb_pct:.1f}%\n{usage.breakdown()}"
        )
        return usage
    finally:
        end_process(window)


def figure(name: str, value: float, unit: str, target: str) -> None:
    print(f"{name} {value:.1f} {unit} (target {target})", flush=True)


def ratio(moment: Usage, baseline: Usage) -> float:
    """The moment's CPU over the baseline's, both from schedstat's exact run time: the
    baseline uses only a few clock ticks in a window, too coarse to divide by."""
    return moment.run_pct / max(baseline.run_pct, 1e-3)


def main() -> int:
    require_tools("bench_power")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="routineplayer-bench-power-") as tmp_name:
        tmp = Path(tmp_name)
        env = dict(os.environ)
        try:
            with xvfb(tmp) as (display, xvfb_pid), pulse_server(env) as (source, pulse_pid):
                env = app_env(tmp / "home", display, env)
                monitor = Monitor(source, env)
                try:
                    monitor.wait_started()
                    servers = {"Xvfb": xvfb_pid, "pulseaudio": pulse_pid}
                    results, size = run_app(display, env, monitor, servers, tmp)
                finally:
                    monitor.close()
                base = run_baseline(display, env, size, xvfb_pid)
        except BenchError as error:
            raise SystemExit(f"bench_power: {error}") from None
    countdown, breathing = results["countdown"], results["breathing"]
    paused, library = results["paused"], results["library"]
    figure("cpu_countdown_pct", countdown.cpu_pct, "%", "<= 1")
    figure("wakeups_per_s_countdown", countdown.wakeups_per_s, "/s", "<= 20")
    figure("cpu_breathing_pct", breathing.cpu_pct, "%", "<= 5")
    figure("wakeups_per_s_breathing", breathing.wakeups_per_s, "/s", "none: reference")
    figure("cpu_paused_pct", paused.cpu_pct, "%", "<= 0.5")
    figure("wakeups_per_s_paused", paused.wakeups_per_s, "/s", "none: reference")
    figure("cpu_library_pct", library.cpu_pct, "%", "none: reference, the library idle")
    figure("wakeups_per_s_library", library.wakeups_per_s, "/s", "none: reference")
    figure("baseline_cpu_pct", base.cpu_pct, "%", "none: reference, a bare window, same run")
    figure("baseline_wakeups_per_s", base.wakeups_per_s, "/s", "none: reference, same run")
    baseline_wakeups = max(base.wakeups_per_s, 1 / base.seconds)
    figure(
        "countdown_vs_baseline_cpu",
        ratio(countdown, base),
        "x",
        "none: the same once-a-second digits as the baseline",
    )
    figure(
        "countdown_vs_baseline_wakeups",
        countdown.wakeups_per_s / baseline_wakeups,
        "x",
        "none: context",
    )
    figure("breathing_vs_baseline_cpu", ratio(breathing, base), "x", "none: context")
    figure("paused_vs_baseline_cpu", ratio(paused, base), "x", "none: context")
    moving = results["figure"]
    figure("cpu_figure_pct", moving.cpu_pct, "%", "<= 5: an animation, as breathing")
    figure("wakeups_per_s_figure", moving.wakeups_per_s, "/s", "none: reference")
    log(
        f"bench_power: {WINDOW_S:.0f} s windows, wall time {time.monotonic() - started:.1f} s; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1:3] == ["--child", "baseline"]:
        child_baseline(sys.argv[3])
        sys.exit(0)
    sys.exit(main())
