"""Any valid routine survives dump and load unchanged (hypothesis), through both parsers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from routine_strategies import routines

from routineplayer.core.loader import load_routine_text
from routineplayer.core.model import Routine
from routineplayer.core.saver import dump_routine

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(routines)
def test_dump_then_load_gives_the_same_routine(routine: Routine) -> None:
    text = dump_routine(routine)
    assert load_routine_text(text, "dumped.yaml") == routine
    assert load_routine_text(text, "dumped.yaml", pure_python=True) == routine


@SETTINGS
@given(routines)
def test_dumping_is_stable(routine: Routine) -> None:
    text = dump_routine(routine)
    assert dump_routine(load_routine_text(text)) == text
