"""Cycle collection: what lives from start-up is frozen out of every full collection."""

from __future__ import annotations

import gc

from routineplayer.runtime.main_thread_gc import freeze_what_lives


def test_what_lives_at_start_up_is_not_scanned_again_and_what_comes_later_is() -> None:
    before = [[] for _ in range(100)]  # tracked containers, as modules and widgets are
    freeze_what_lives()
    after: list[object] = []
    scanned = {id(o) for o in gc.get_objects()}
    assert gc.get_freeze_count() >= len(before)
    assert not any(id(o) in scanned for o in before)
    assert id(after) in scanned


def test_garbage_made_after_the_freeze_is_still_collected() -> None:
    freeze_what_lives()
    cycle: list[object] = []
    cycle.append(cycle)
    del cycle
    assert gc.collect() >= 1
