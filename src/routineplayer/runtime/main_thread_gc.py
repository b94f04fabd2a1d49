"""Python's cycle collector runs on the GUI thread only.

CPython collects reference cycles on whichever thread happens to allocate when a threshold is
crossed: the audio feeder (Python, every 5 ms), a speech or journal thread. A cycle holding a
Python-owned QObject (a lambda slot capturing its widget, a view and its controller) is then
destroyed on that thread, so its timers cannot be unregistered from the GUI thread's event
loop, which later fires one on freed memory (seen: a segfault in
QTimerInfoList::activateTimers in the full test suite). So automatic collection is turned off
and the GUI thread collects, by the same thresholds, on a timer of its own.

A full collection holds the GIL for as long as it scans, and the audio feeder is a Python
thread with only ~120 ms of sound queued ahead. So what exists once the app has started
(modules, classes, the window: alive as long as the process) is frozen out of the
collector's sight (``freeze_what_lives``): measured here, a full collection then takes
under 1 ms instead of 6-13 ms in the app, and instead of 70-80 ms in the test process, where
it cut a 5 s cue short on a loaded CI machine.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500  # often enough that garbage never piles up; cheap when below the thresholds


def collect_due() -> None:
    """Collect the oldest generation whose count has crossed its threshold, as CPython would."""
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            gc.collect(generation)
            return


def freeze_what_lives() -> None:
    """Call once start-up is done: everything alive now is never scanned by a full
    collection again. (A cycle among these that dies later is not freed: a small price.)"""
    gc.collect()
    gc.freeze()


def collect_on_this_thread(app: QObject) -> None:
    """Call on the GUI thread, right after the application object exists (again: no-op)."""
    if app.findChild(MainThreadCollector) is None:
        MainThreadCollector(app)


class MainThreadCollector(QObject):
    """Turns automatic collection off and collects on its own (the GUI) thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(collect_due)
        self._timer.start(interval_ms)
