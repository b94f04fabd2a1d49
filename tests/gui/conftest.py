"""The player window driven by a fake clock: a real Session through a real SessionDriver.

Dialogs go through the window's ``ask`` seam, recorded here and answered without a modal
loop. Speech is off (the window's banner and voice have their own tests in tests/audio).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from routineplayer.core.session import Session, State
from routineplayer.core.timeline import Timeline
from routineplayer.gui.keep_awake import KeepAwake
from routineplayer.gui.main_window import MainWindow
from routineplayer.gui.player_controller import PlayerController
from routineplayer.runtime.session_driver import SessionDriver

T0 = 1000.0
D = TypeVar("D", bound=QDialog)


class FakeClock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> float:
        return self.t


class Asker:
    """Stands in for modal dialogs: records each one and gives a scripted answer."""

    def __init__(self) -> None:
        self.dialogs: list[QDialog] = []
        self.answer: Callable[[QDialog], bool] = lambda dialog: True

    def __call__(self, dialog: QDialog) -> bool:
        self.dialogs.append(dialog)
        return self.answer(dialog)

    def kinds(self) -> list[str]:
        return [type(d).__name__ for d in self.dialogs]

    def last(self, kind: type[D]) -> D:
        """The last dialog of ``kind`` shown (a pain rating may follow a summary, ...)."""
        found = [d for d in self.dialogs if isinstance(d, kind)]
        assert found, f"no {kind.__name__} was shown; shown: {self.kinds()}"
        return found[-1]


class Player:
    """A started routine in the window, and how a test moves its clock and presses keys."""

    def __init__(self, window: MainWindow, clock: FakeClock, qtbot: QtBot) -> None:
        self.window = window
        self.clock = clock
        self.qtbot = qtbot

    @property
    def controller(self) -> PlayerController:
        assert self.window.controller is not None, "no routine is playing"
        return self.window.controller

    @property
    def session(self) -> Session:
        return self.controller.session

    @property
    def driver(self) -> SessionDriver:
        return self.controller.driver

    def advance(self, seconds: float, step: float = 1.0) -> None:
        """Let ``seconds`` pass as they would: the session looks at the clock every ``step``
        (a jump of more than 30 s unseen reads as the laptop sleeping, and pauses). The last
        look is the driver's own timer's."""
        while seconds > step:
            self.clock.t += step
            seconds -= step
            self.driver.tick()
        self.clock.t += seconds
        with self.qtbot.waitSignal(self.driver.ticked, timeout=2000):
            pass

    def key(self, key: Qt.Key) -> None:
        """Press a key in whatever the window shows (the player or the audio-only view)."""
        self.qtbot.keyClick(self.window.stack.currentWidget(), key)

    def skip_until(self, state: State, limit: int = 20) -> None:
        for _ in range(limit):
            if self.session.state is state:
                return
            self.key(Qt.Key.Key_Right)
        raise AssertionError(f"never reached {state}; at {self.session.state}")

    def until_check(self, limit: int = 20) -> None:
        """On to the next belly check as a person gets there: get-ready, rests and resets
        skipped, the set itself played out (a skipped set is not checked)."""
        for _ in range(limit):
            state = self.session.state
            if state is State.CHECKING:
                return
            if state is State.WORKING:
                self.advance(self.session.remaining() or 1.0)
            elif state is State.WAITING_DONE:
                self.key(Qt.Key.Key_Space)
            else:
                self.key(Qt.Key.Key_Right)
        raise AssertionError(f"never reached a check; at {self.session.state}")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def asker() -> Asker:
    return Asker()


@pytest.fixture
def window(qtbot: QtBot, clock: FakeClock, asker: Asker) -> Iterator[MainWindow]:
    def make_driver(timeline: Timeline) -> SessionDriver:
        return SessionDriver.for_timeline(timeline, clock=clock)

    win = MainWindow(make_driver=make_driver, ask=asker, keep_awake=KeepAwake(), speech=False)
    qtbot.addWidget(win)
    win.resize(1024, 720)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


@pytest.fixture
def start(window: MainWindow, clock: FakeClock, qtbot: QtBot) -> Callable[[str], Player]:
    """Start a built-in routine by its title, the way a person does: select it, press Enter."""

    def _start(title: str) -> Player:
        view = window.library_view
        rows = [view.list.item(i).text() for i in range(view.count())]
        view.list.setCurrentRow(rows.index(title))
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
        assert window.controller is not None, f"{title} did not start"
        return Player(window, clock, qtbot)

    return _start
