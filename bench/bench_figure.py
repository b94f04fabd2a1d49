"""Drawing the movement figure at 60 frames a second on a full-HD window.

A FigureWidget fills a 1920x1080 window (Xvfb's screen when there is a display, else Qt's
offscreen platform) and is given a new phase every 1/60 s by a PreciseTimer, going through
every movement of the library, each for a whole cycle. A frame's time is what the player's
frame costs: ``show_phase`` (the pose worked out from the keyframes, and the region where
the figure was and is marked) and Qt's repaint of that region (painted and handed to the
window), run at once with sendPostedEvents. The baseline is the same window and timer with
no movement: the whole widget repainted, background alone, measured in the same run.

Prints, as `name value unit (target ...)`:
  figure_frame_ms_p99   99th percentile of a frame with the figure
  figure_frame_ms_max   the longest frame
  figure_switch_ms_max  the longest set-up of a new movement (at a step's start): worked out
                        once, outside the frames
  figure_frame_bare_ms_p99  the same with no figure: the baseline
Short mode (ROUTINEPLAYER_BENCH_SHORT=1): 30 frames a movement instead of 120.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication

from routineplayer.core.motion_library import all_builtin_motions
from routineplayer.gui.figure_widget import FigureWidget

FIGURES = (
    "figure_frame_ms_p99",
    "figure_frame_ms_max",
    "figure_switch_ms_max",
    "figure_frame_bare_ms_p99",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
FRAMES_PER_MOTION = 30 if SHORT else 120
SIZE = (1920, 1080)
FRAME_MS = 16  # 60 frames a second


class CountedFigure(FigureWidget):
    """Counts its paints: a repaint that painted nothing must not pass for a fast frame."""

    paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1
        super().paintEvent(event)


def run_frames(
    widget: FigureWidget,
    app: QApplication,
    frames: list[tuple[object, float]],
    switches: list[float],
) -> list[float]:
    """Repaint ``widget`` at each (movement, phase) in turn, one every FRAME_MS: the times."""
    times: list[float] = []
    todo = iter(frames)
    assert isinstance(widget, CountedFigure)
    painted = widget.paints
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(FRAME_MS)

    def frame() -> None:
        item = next(todo, None)
        if item is None:
            timer.stop()
            app.quit()
            return
        motion, phase = item
        if motion is not widget.motion:  # a new step: not a frame of the animation
            started = time.perf_counter()
            widget.set_motion(motion)  # type: ignore[arg-type]
            switches.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        if motion is None:  # the baseline: the bare window repainted
            widget.repaint()
        else:  # as the player draws a frame: the new phase, then Qt repaints what it marked
            widget.show_phase(phase)
            app.sendPostedEvents()
        times.append((time.perf_counter() - started) * 1000)

    timer.timeout.connect(frame)
    timer.start()
    app.exec()
    if widget.paints - painted < len(frames):
        raise SystemExit(f"only {widget.paints - painted} of {len(frames)} frames were painted")
    return times


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> int:
    app = QApplication([sys.argv[0]])
    widget = CountedFigure()
    widget.resize(*SIZE)
    widget.setAutoFillBackground(True)
    widget.show()
    app.processEvents()
    motions = all_builtin_motions()
    drawn = [(m, k / FRAMES_PER_MOTION) for m in motions for k in range(FRAMES_PER_MOTION)]
    bare = [(None, 0.0)] * len(drawn)
    # One event loop for all: a warm-up (caches, fonts, the first paints), then the figures,
    # then the baseline. (Qt paints nothing once its loop has been left and entered again.)
    warm = drawn[:30]
    switches: list[float] = []
    times = run_frames(widget, app, [*warm, *drawn, *bare], switches)
    with_figure = times[len(warm) : len(warm) + len(drawn)]
    without = times[len(warm) + len(drawn) :]
    size = widget.size()
    print(
        f"{len(motions)} movements, {len(with_figure)} frames at {size.width()}x{size.height()} "
        f"({app.platformName()}); median {statistics.median(with_figure):.2f} ms with the "
        f"figure, {statistics.median(without):.2f} ms without",
        file=sys.stderr,
    )
    print(f"figure_frame_ms_p99 {p99(with_figure):.2f} ms (target <= 4)")
    print(f"figure_frame_ms_max {max(with_figure):.2f} ms (target none: the worst frame)")
    print(
        f"figure_switch_ms_max {max(switches):.2f} ms (target <= 16: a new step's movement "
        "set up, within one frame)"
    )
    print(
        f"figure_frame_bare_ms_p99 {p99(without):.2f} ms "
        "(target none: baseline, the same window with no figure, same run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
