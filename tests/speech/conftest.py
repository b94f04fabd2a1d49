"""Shared by the speech tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from routineplayer.speech.availability import detect_engine


@pytest.fixture(autouse=True)
def _fresh_engine_probe() -> Iterator[None]:
    """Each test probes for the engine afresh (some hide espeak-ng, some break it)."""
    detect_engine.cache_clear()
    yield
    detect_engine.cache_clear()
