"""Playing real sessions through a SessionDriver on a fake clock, for the journal's tests.

The clock is moved to each due time and the driver ticked by hand, so a ten-minute routine
plays in milliseconds and every event reaches the driver's signals in order.
"""

from __future__ import annotations

from collections.abc import Callable

from routineplayer.core.library import Library
from routineplayer.core.session import State
from routineplayer.core.timeline import Timeline, expand
from routineplayer.runtime.session_driver import SessionDriver

BUILTIN_WITH_CHECKS = "upper-back-slides"

# Another program holds the journal's write lock, as the sqlite3 shell does in a transaction:
# run with the journal's path and the seconds to hold it; prints "locked", then "released".
LOCKER = r"""
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
db.close()
print("released", flush=True)
"""
STEP = 10.0  # seconds: well under core.session.SLEEP_JUMP


class FakeClock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def builtin_timeline(name: str = BUILTIN_WITH_CHECKS) -> Timeline:
    library = Library()
    return expand(library.resolve(name), library.resolve)


def fake_driver(timeline: Timeline) -> tuple[SessionDriver, FakeClock]:
    clock = FakeClock()
    return SessionDriver.for_timeline(timeline, clock=clock), clock


def play_driver(
    driver: SessionDriver,
    clock: FakeClock,
    *,
    answer: Callable[[int], bool] = lambda n: False,
    until: Callable[[SessionDriver], bool] = lambda d: False,
    limit: int = 100_000,
) -> None:
    """Play like the plan assumes until FINISHED (or ``until``): checks answered with
    ``answer(n)`` for the n-th check asked (from 0), rep sets ended by "done", and "move on"
    pressed when resets run out."""
    session = driver.session
    if session.state is State.IDLE:
        driver.start()
    asked = 0
    for _ in range(limit):
        if session.state is State.FINISHED or until(driver):
            return
        if session.state is State.CHECKING:
            if session.resets_exhausted:
                driver.primary()
            else:
                driver.answer_check(answer(asked))
                asked += 1
        elif session.state is State.WAITING_DONE:
            driver.done()
        elif session.state is State.PAUSED:
            driver.resume()
        else:
            # Never more than STEP at once, like a ticking timer: a longer jump looks like
            # the machine slept, and the session pauses itself.
            due = session.next_due()
            clock.t = min(due, clock.t + STEP) if due is not None else clock.t + STEP
            driver.tick()
    raise AssertionError("the session never finished")
