"""Helpers shared by the audio tests: render cues for real, act on the real clock."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from routineplayer.speech.chimes import chime_path
from routineplayer.speech.renderer import Renderer
from routineplayer.speech.wavtools import CUE_RATE as RATE
from routineplayer.speech.wavtools import load_clip


def render(texts: list[str]) -> None:
    renderer = Renderer()
    try:
        if not renderer.engine.available:
            pytest.fail(renderer.engine.reason, pytrace=False)
        report = renderer.render(texts)
        assert report.failed == {}, report.explain()
    finally:
        renderer.close()


def chime_clip(name: str) -> np.ndarray:
    return np.asarray(load_clip(chime_path(name), RATE), dtype=np.float64)


def at_times(qtbot: QtBot, start: float, script: list[tuple[float, Callable[[], None]]]) -> None:
    """Run each action at ``start + offset`` on the real clock, from the Qt event loop."""
    for offset, action in script:
        qtbot.waitUntil(lambda o=offset: time.monotonic() >= start + o, timeout=60_000)
        action()
