"""Keep-awake never holds up or stops play, whatever the system allows.

Each test decides what "the system" is, so each outcome is asserted exactly: a private
D-Bus session bus (a real dbus-daemon) with or without a screen saver service on it. The
service is ours, in a thread, speaking the freedesktop.org idle-inhibition interface that
desktops provide; wakepy and the bus are the real ones.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from routineplayer.gui.keep_awake import KeepAwake

WAIT_S = 30
SCREENSAVER = "org.freedesktop.ScreenSaver"
COOKIE = 4242


@pytest.fixture
def session_bus(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    require_command: Callable[[str, str], str],
) -> Iterator[str]:
    """A private session bus; DBUS_SESSION_BUS_ADDRESS points at it and nothing else."""
    daemon = require_command("dbus-daemon", "dbus-daemon")
    socket = tmp_path / "bus"
    bus = subprocess.Popen(
        [daemon, "--session", "--nofork", "--nopidfile", f"--address=unix:path={socket}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    address = f"unix:path={socket}"
    try:
        for _ in range(200):  # it listens within milliseconds; allow a loaded machine
            if socket.exists():
                break
            if bus.poll() is not None:
                pytest.fail(f"dbus-daemon did not start: {bus.communicate()[1]!r}")
            threading.Event().wait(0.025)
        else:
            pytest.fail("dbus-daemon never opened its socket")
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        # No desktop environment either: wakepy must find only what is on our bus.
        for name in ("XDG_SESSION_DESKTOP", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION"):
            monkeypatch.delenv(name, raising=False)
        yield address
    finally:
        bus.terminate()
        bus.communicate(timeout=10)  # reaps it and closes the stderr pipe


class ScreenSaver:
    """org.freedesktop.ScreenSaver's Inhibit/UnInhibit on the given bus, noting each call."""

    def __init__(self, address: str, *, refuse: bool = False) -> None:
        self.calls: list[tuple[str, tuple[object, ...]]] = []
        self._refuse = refuse
        self._conn = open_dbus_connection(bus=address)
        reply = self._conn.send_and_get_reply(message_bus.RequestName(SCREENSAVER), timeout=5)
        assert reply.body == (1,), f"could not own {SCREENSAVER}: {reply.body}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type is not MessageType.method_call:
                continue
            member = msg.header.fields.get(HeaderFields.member)
            self.calls.append((str(member), tuple(msg.body)))
            if self._refuse:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.AccessDenied"))
            elif member == "Inhibit":
                self._conn.send(new_method_return(msg, "u", (COOKIE,)))
            else:
                self._conn.send(new_method_return(msg))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


@pytest.fixture
def keep_awake() -> Iterator[KeepAwake]:
    subject = KeepAwake()
    yield subject
    subject.shutdown()


def test_a_desktop_screen_saver_keeps_the_screen_awake_until_released(
    session_bus: str, keep_awake: KeepAwake
) -> None:
    service = ScreenSaver(session_bus)
    try:
        keep_awake.acquire().result(WAIT_S)
        assert keep_awake.wanted
        assert keep_awake.status == f"screen kept awake ({SCREENSAVER})"
        assert [name for name, _ in service.calls] == ["Inhibit"]

        keep_awake.release().result(WAIT_S)
        assert not keep_awake.wanted
        assert keep_awake.status == "released"
        assert service.calls[-1] == ("UnInhibit", (COOKIE,))
    finally:
        service.close()


def test_a_bus_without_an_inhibitor_only_says_so(session_bus: str, keep_awake: KeepAwake) -> None:
    keep_awake.acquire().result(WAIT_S)
    assert keep_awake.wanted
    assert keep_awake.status == "cannot keep the screen awake on this system"
    keep_awake.release().result(WAIT_S)
    assert not keep_awake.wanted


def test_a_screen_saver_that_refuses_only_changes_the_status(
    session_bus: str, keep_awake: KeepAwake
) -> None:
    service = ScreenSaver(session_bus, refuse=True)
    try:
        keep_awake.acquire().result(WAIT_S)
        assert [name for name, _ in service.calls] == ["Inhibit"]
        assert keep_awake.status == "cannot keep the screen awake on this system"
        keep_awake.release().result(WAIT_S)
    finally:
        service.close()


def test_no_session_bus_at_all_only_changes_the_status(
    monkeypatch: pytest.MonkeyPatch, keep_awake: KeepAwake
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/nonexistent")  # jeepney's fallback place for it
    keep_awake.acquire().result(WAIT_S)
    assert keep_awake.status == "cannot keep the screen awake on this system"
    keep_awake.release().result(WAIT_S)


def test_an_inhibitor_that_raises_only_changes_the_status(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
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
