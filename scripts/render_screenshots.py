"""Render the README's screenshots of the real window; scripts/screenshots.sh runs this under Xvfb.

The routines play on a clock this script moves, so each picture shows a chosen moment
(mid-inhale, a minute into the reset, ...) without waiting for it.

    python scripts/render_screenshots.py OUT_DIR
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from routineplayer.core.session import State
from routineplayer.core.timeline import Timeline
from routineplayer.gui.app import create_application
from routineplayer.gui.main_window import MainWindow
from routineplayer.runtime.session_driver import SessionDriver

SIZE = (1100, 760)


class DemoClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class Director:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.clock = DemoClock()
        self.window = MainWindow(make_driver=self._driver, ask=lambda dialog: True, speech=False)
        self.window.resize(*SIZE)
        self.window.show()
        QTest.qWaitForWindowExposed(self.window)

    def _driver(self, timeline: Timeline) -> SessionDriver:
        return SessionDriver.for_timeline(timeline, clock=self.clock)

    def settle(self) -> None:
        for _ in range(5):
            QApplication.processEvents()
            QTest.qWait(20)

    def shot(self, name: str, widget: QWidget | None = None) -> None:
        self.settle()
        path = self.out / f"{name}.png"
        (widget or self.window).grab().save(str(path))
        print(f"wrote {path}")

    def start(self, title: str) -> None:
        view = self.window.library_view
        rows = [view.list.item(i).text() for i in range(view.count())]
        view.list.setCurrentRow(rows.index(title))
        QTest.keyClick(view.list, Qt.Key.Key_Return)

    def key(self, key: Qt.Key) -> None:
        QTest.keyClick(self.window.stack.currentWidget(), key)

    def until(self, done: Callable[[], bool]) -> None:
        for _ in range(30):
            if done():
                return
            self.key(Qt.Key.Key_Right)
        raise RuntimeError("the routine never got there")

    def advance(self, seconds: float) -> None:
        controller = self.window.controller
        assert controller is not None
        while seconds > 0:
            step = min(seconds, 0.5)
            self.clock.t += step
            seconds -= step
            controller.driver.tick()

    def stop(self) -> None:
        if self.window.controller is not None:
            self.window.controller.stop()
        self.settle()


def make_my_routine() -> None:
    """A routine of the user's own (the warm-up, adapted), so the library shows My routines."""
    from dataclasses import replace

    from routineplayer.core.library import Library
    from routineplayer.core.model import Check
    from routineplayer.core.routine_files import user_path_for
    from routineplayer.core.saver import save_routine

    warm_up = Library().resolve("warm-up")
    steps = list(warm_up.steps)
    steps[1] = replace(steps[1], duration=120.0)
    steps[-1] = replace(steps[-1], title="Wall squats", check=Check())
    mine = replace(
        warm_up,
        title="My morning routine",
        summary="The warm-up as my physio adapted it: longer arm circles, wall squats "
        "with the belly check.",
        steps=tuple(steps),
        source="",
    )
    save_routine(mine, user_path_for(mine.title))


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    make_my_routine()  # in the throw-away per-user folder screenshots.sh gives each renderer
    d = Director(out)
    win = d.window

    rows = [win.library_view.list.item(i).text() for i in range(win.library_view.count())]
    win.library_view.list.setCurrentRow(rows.index("My morning routine"))
    d.shot("library")

    d.start("Warm-up")
    d.until(lambda: win.player_view.title.text() == "Leg swings" and _working(win))
    d.advance(38.0)
    d.shot("player")
    d.key(Qt.Key.Key_A)
    d.shot("audio-only")
    d.key(Qt.Key.Key_Escape)
    d.stop()

    d.start("Upper-back slides")
    d.until(lambda: _state(win) is State.CHECKING)
    d.shot("check-prompt")
    d.key(Qt.Key.Key_Y)
    d.advance(47.0)
    d.shot("rest-and-reset")
    d.stop()

    d.start("Jellyfish breathing relaxation")
    d.until(lambda: _state(win) is State.WORKING)
    d.advance(2.4)  # most of the way through the first breath in
    d.shot("breathing")
    d.key(Qt.Key.Key_F1)
    d.shot("help")
    d.key(Qt.Key.Key_Escape)
    d.stop()
    win.close()
    return 0


def _state(win: MainWindow) -> State | None:
    return win.controller.session.state if win.controller is not None else None


def _working(win: MainWindow) -> bool:
    return _state(win) is State.WORKING


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
