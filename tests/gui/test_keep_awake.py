"""Keep-awake never holds up or stops play, whatever the system allows."""

from __future__ import annotations

import sys
import types

import pytest

from routineplayer.gui.keep_awake import KeepAwake

WAIT_S = 30


def test_acquire_and_release_on_this_system() -> None:
    keep_awake = KeepAwake()
    try:
        keep_awake.acquire().result(WAIT_S)  # whatever the outcome, it never raises
        assert keep_awake.wanted
        assert keep_awake.status.startswith(("screen kept awake", "cannot keep"))
        keep_awake.release().result(WAIT_S)
        assert not keep_awake.wanted
    finally:
        keep_awake.shutdown()


def test_a_failing_inhibitor_only_changes_the_status(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = types.ModuleType("wakepy")

    def presenting(**_: object) -> object:
        raise OSError("no session bus")

    broken.keep = types.SimpleNamespace(presenting=presenting)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "wakepy", broken)
    keep_awake = KeepAwake()
    try:
        keep_awake.acquire().result(WAIT_S)
        assert keep_awake.status == "cannot keep the screen awake: no session bus"
        keep_awake.release().result(WAIT_S)
    finally:
        keep_awake.shutdown()
