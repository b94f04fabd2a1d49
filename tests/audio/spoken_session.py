"""A session on a fake clock, played to its first belly check: the spoken-answer tests
answer it through the virtual microphone."""

from __future__ import annotations

from routineplayer.core.session import State
from routineplayer.runtime.session_driver import SessionDriver


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def to_the_check(driver: SessionDriver, clock: FakeClock) -> None:
    """Play on the fake clock, rep sets ended at once, until the first check waits."""
    session = driver.session
    if session.state is State.IDLE:
        driver.start()
    for _ in range(100_000):
        if session.state is State.CHECKING:
            return
        if session.state is State.WAITING_DONE:
            driver.done()
        else:
            due = session.next_due()
            clock.t = min(due, clock.t + 1.0) if due is not None else clock.t + 1.0
            driver.tick()
    raise AssertionError("no check came")
