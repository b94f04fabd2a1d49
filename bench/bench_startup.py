"""Start-up of the window, and how long the GUI event loop can stall while a routine plays.

startup: a fresh process (`--child app`) that opens the main window with the library listed,
against a bare PySide6 window (`--child bare`) in the same run; both offscreen. Each child
prints the wall-clock time at which its window is shown and the event loop has run once
(interactive), then leaves with os._exit so teardown is not counted. Wall time = that
moment - the parent's time just before spawning it (interpreter start and imports
included); peak memory = the child's ru_maxrss from os.wait4. Median of RUNS each.

gui_stall: one process (`--child stall`) plays in the real window with speech (a fresh
cache, so cues render in the worker process while the routine plays; sound goes to
PulseAudio, started by scripts/start-audio.sh if none runs): the warm-up with a skip every
SKIP_EVERY_S (cues and transitions often), then jellyfish breathing (the animation at the
display rate). A 1 ms PreciseTimer watchdog records the longest gap between its ticks: the
longest the loop could not respond. The same watchdog in a bare window (`--child
stall-bare`) shows what the machine's scheduler alone costs in this run. The stall run also
reports (stderr) how many of the routine's texts were still unrendered at the end.

Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): one start-up run each,
STALL_SECONDS of 4 with a skip every second.

Figures go to stdout as `name value unit (target ...)`; details go to stderr.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from routineplayer.gui.main_window import MainWindow

FIGURES = (
    "startup_s",
    "startup_ratio",
    "startup_peak_mib",
    "gui_stall_max_ms",
    "gui_stall_bare_max_ms",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
RUNS = 1 if SHORT else 5
STALL_SECONDS = 4.0 if SHORT else 20.0
SKIP_EVERY_S = 1.0 if SHORT else 2.5
ROOT = Path(__file__).resolve().parents[1]


# -- children ----------------------------------------------------------------------------------


def _ready_then_exit(window_ok: object) -> None:
    """Called from the event loop once the window is up: report the moment and leave."""
    if not window_ok:
        print("ERROR window not ready", flush=True)
        os._exit(1)
    print(f"READY {time.time():.6f}", flush=True)
    os._exit(0)


def child_bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])
    window = QWidget()
    window.resize(1024, 720)
    window.show()
    QTimer.singleShot(0, lambda: _ready_then_exit(window.isVisible()))
    app.exec()


def child_app() -> None:
    from PySide6.QtCore import QTimer

    from routineplayer.gui.app import create_application
    from routineplayer.gui.main_window import MainWindow

    app = create_application()
    window = MainWindow()
    window.show()
    listed = window.library_view.count()
    QTimer.singleShot(0, lambda: _ready_then_exit(window.isVisible() and listed > 0))
    app.exec()


class Watchdog:
    """A 1 ms PreciseTimer noting the longest gap between its ticks (a stalled loop), while
    armed: between routines (dialogs, the next routine's set-up) is not playback."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.worst = 0.0
        self.ticks = 0
        self.armed = False
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._timer.start(1)

    def arm(self) -> None:
        self._last = time.perf_counter()
        self.armed = True

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.armed:
            self.worst = max(self.worst, now - self._last)
            self.ticks += 1
        self._last = now


def _run_for(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


def _until_started(window: MainWindow) -> None:
    """A start waits for its opening words to be rendered: let the loop run until then."""
    from routineplayer.core.session import State

    for _ in range(600):
        if window.controller is not None and window.controller.session.state is not State.IDLE:
            return
        _run_for(0.05)
    raise SystemExit("the routine never started")


def child_stall_bare() -> None:
    """The same watchdog in a bare window: what this machine's scheduler alone costs."""
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([sys.argv[0]])
    window = QWidget()
    window.show()
    dog = Watchdog()
    dog.arm()
    _run_for(STALL_SECONDS)
    print(f"STALL {dog.worst * 1000:.3f} ticks={dog.ticks}", flush=True)
    del app
    os._exit(0)


def child_stall() -> None:
    """The warm-up with a skip every SKIP_EVERY_S, then jellyfish breathing (animated)."""
    from PySide6.QtCore import QTimer

    from routineplayer.core.rating_prompts import all_texts
    from routineplayer.core.session import State
    from routineplayer.gui.app import create_application
    from routineplayer.gui.main_window import MainWindow

    app = create_application()
    window = MainWindow(ask=lambda dialog: True)
    window.resize(1024, 720)
    window.show()
    voice = window.voice
    assert voice is not None
    spoken: list[str] = []
    voice.player.cue_started.connect(spoken.append)
    dog = Watchdog()
    worst: dict[str, float] = {}

    window.offer(window.source.load("warm-up")[1])
    _until_started(window)
    dog.arm()
    skipper = QTimer()
    skipper.timeout.connect(lambda: window.controller and window.controller.driver.skip())
    skipper.start(round(SKIP_EVERY_S * 1000))
    _run_for(STALL_SECONDS / 2)
    skipper.stop()
    dog.armed = False
    worst["warm-up"] = dog.worst
    assert window.controller is not None
    window.controller.stop()
    _run_for(0.2)  # the summary closes itself (ask answers at once)

    window.offer(window.source.load("jellyfish-breathing")[1])
    _until_started(window)
    dog.worst = 0.0
    dog.arm()
    while window.controller.session.state is not State.WORKING:  # into the breathing page
        window.controller.driver.skip()
        _run_for(0.5)
    _run_for(STALL_SECONDS / 2)
    worst["breathing"] = dog.worst
    dog.worst = max(worst.values())
    # What Voice.prepare() renders for this routine, in the background: how much was not
    # ready to be spoken by the end (0: rendering kept up; speech off also counts as ready).
    texts = dict.fromkeys([*all_texts(), *window.controller.timeline.cue_texts()])
    unrendered = sum(not voice.ready([text]) for text in texts)
    print(
        "phases: " + ", ".join(f"{k} {v * 1000:.1f} ms" for k, v in worst.items()),
        file=sys.stderr,
    )
    print(
        f"STALL {dog.worst * 1000:.3f} ticks={dog.ticks} cues={len(spoken)} "
        f"speech={voice.player.state} unrendered={unrendered}/{len(texts)}",
        flush=True,
    )
    del app
    os._exit(0)


CHILDREN = {
    "bare": child_bare,
    "app": child_app,
    "stall": child_stall,
    "stall-bare": child_stall_bare,
}


# -- parent ------------------------------------------------------------------------------------


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.setdefault("ROUTINEPLAYER_HOME", home)
    return env


def spawn(kind: str, env: dict[str, str]) -> tuple[float, float, str]:
    """Run one child; (seconds to interactive, peak MiB, its report line)."""
    started = time.time()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", kind], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    report = next((line for line in output.splitlines() if line.startswith(("READY", "STALL"))), "")
    if child.returncode != 0 or not report:
        raise SystemExit(f"bench_startup: child {kind} failed ({child.returncode}): {output}")
    ready = float(report.split()[1]) - started if report.startswith("READY") else 0.0
    return ready, usage.ru_maxrss / 1024, report  # ru_maxrss is in KiB on Linux


def ensure_audio() -> None:
    script = ROOT / "scripts" / "start-audio.sh"
    done = subprocess.run(["sh", str(script)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench_startup: no sound server for the speech run: {done.stderr}")


def main() -> int:
    import statistics  # here, not at the top: the children must not pay for it

    with tempfile.TemporaryDirectory(prefix="routineplayer-bench-startup-") as home:
        env = _env(home)
        bare_s, app_s, app_mib, bare_mib = [], [], [], []
        spawn("app", env)  # warm the OS file cache for both: compare code, not the disk
        spawn("bare", env)
        for _ in range(RUNS):
            seconds, mib, _ = spawn("bare", env)
            bare_s.append(seconds)
            bare_mib.append(mib)
            seconds, mib, _ = spawn("app", env)
            app_s.append(seconds)
            app_mib.append(mib)
        ours, bare = statistics.median(app_s), statistics.median(bare_s)
        print(
            f"startup runs: app {[round(s, 3) for s in app_s]} s, "
            f"bare {[round(s, 3) for s in bare_s]} s; "
            f"peak app {max(app_mib):.0f} MiB, bare {max(bare_mib):.0f} MiB",
            file=sys.stderr,
        )
        ensure_audio()
        _, _, stall = spawn("stall", env)
        _, _, stall_bare = spawn("stall-bare", env)
        print(f"stall run: {stall}; bare window: {stall_bare}", file=sys.stderr)
    stall_ms, bare_stall_ms = float(stall.split()[1]), float(stall_bare.split()[1])
    print(f"startup_s {ours:.3f} s (target none: ratio below; bare window {bare:.3f} s)")
    print(f"startup_ratio {ours / bare:.2f} x (target <= 2)")
    print(f"startup_peak_mib {max(app_mib):.1f} MiB (target <= 100)")
    print(f"gui_stall_max_ms {stall_ms:.1f} ms (target <= 16)")
    print(
        f"gui_stall_bare_max_ms {bare_stall_ms:.1f} ms "
        "(target none: baseline, the same watchdog in a bare window, same run)"
    )
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        CHILDREN[sys.argv[2]]()
        sys.exit(0)
    sys.exit(main())
