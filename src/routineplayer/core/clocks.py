"""The clock a session keeps time on: one that goes on counting while the machine sleeps.

time.monotonic() stops while a Linux laptop is suspended, so a routine left playing when the
lid closed would carry on after wake-up as if no time had passed, and the session's rule
"a long gap means the machine slept: pause and say so" (core.session.SLEEP_JUMP) would never
fire. CLOCK_BOOTTIME is monotonic too and counts the suspend. Where there is none (macOS,
Windows: their monotonic clocks already count sleep, or at least never go backwards), the
monotonic clock is the fallback.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]


def _boottime() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def _has_boottime() -> bool:
    try:
        _boottime()
    except (AttributeError, OSError):
        return False
    return True


session_clock: Clock = _boottime if _has_boottime() else time.monotonic
"""Seconds on a clock that counts suspend where the system has one; the sessions' default."""


# Clocks known to keep real time. A session on any other clock (a test's fake clock, which
# jumps when told) is ticked on one thread only, so what a jump makes due is seen in order.
REAL_TIME_CLOCKS: frozenset[Clock] = frozenset(
    {session_clock, _boottime, time.monotonic, time.perf_counter}
)


def keeps_real_time(clock: Clock) -> bool:
    return clock in REAL_TIME_CLOCKS
