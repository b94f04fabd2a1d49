"""One app per user: a later launch reaches the first through its Unix socket.

Real sockets throughout. A launch (``send_to_running_instance``) blocks for the "ok" while the
server answers from the Qt event loop, so every client here runs in a thread of its own and
the test waits in the event loop. Each test has its own ROUTINEPLAYER_HOME (tests/conftest.py),
so its own socket path.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from routineplayer.gui.single_instance import (
    MAX_LINE,
    SUN_PATH_MAX,
    InstanceServer,
    send_to_running_instance,
    socket_path,
)


class Client(threading.Thread):
    """A launch, or any client, on a thread: ``result`` once it has ended."""

    def __init__(self, talk: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.talk = talk
        self.result: object = None

    def run(self) -> None:
        self.result = self.talk()


def launch(message: str = "show") -> Client:
    client = Client(lambda: send_to_running_instance(message, timeout_s=3.0))
    client.start()
    return client


def raw(data: bytes) -> Client:
    """Send ``data`` as is; the result is what the server wrote back before it closed."""

    def talk() -> bytes:
        reply = b""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5.0)
            sock.connect(os.fspath(socket_path()))
            try:
                sock.sendall(data)
                while chunk := sock.recv(64):
                    reply += chunk
            except OSError:  # the server closed on a line it will not read
                pass
        return reply

    client = Client(talk)
    client.start()
    return client


def finished(qtbot: QtBot, client: Client) -> object:
    qtbot.waitUntil(lambda: not client.is_alive(), timeout=5000)
    return client.result


@pytest.fixture
def server(qtbot: QtBot) -> Iterator[InstanceServer]:
    first = InstanceServer()
    assert first.listen(), first.error
    yield first
    first.close()


def test_a_later_launch_asks_the_first_to_show_its_window(
    qtbot: QtBot, server: InstanceServer
) -> None:
    with qtbot.waitSignal(server.show_requested, timeout=3000):
        client = launch("show")
    assert finished(qtbot, client) is True


def test_a_later_launch_asks_the_first_to_start_a_routine(
    qtbot: QtBot, server: InstanceServer
) -> None:
    with qtbot.waitSignal(server.start_requested, timeout=3000) as started:
        client = launch("start Warm-up routine")
    assert started.args == ["Warm-up routine"]
    assert finished(qtbot, client) is True


def test_control_characters_are_taken_out_of_the_name(qtbot: QtBot, server: InstanceServer) -> None:
    with qtbot.waitSignal(server.start_requested, timeout=3000) as started:
        client = raw(b"start \x1b[2JWarm-up\x07 routine\r\n")
    assert started.args == ["[2JWarm-up routine"]
    assert finished(qtbot, client) == b"ok\n"


def test_with_none_running_a_launch_runs_itself() -> None:
    assert not socket_path().exists()
    assert send_to_running_instance("show") is False


def test_a_launch_that_gets_no_answer_gives_up_in_time() -> None:
    path = socket_path()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as mute:
        mute.bind(os.fspath(path))
        mute.listen(1)  # accepts into the backlog, never answers
        try:
            began = time.monotonic()
            assert send_to_running_instance("show", timeout_s=0.3) is False
            assert time.monotonic() - began < 2.0
        finally:
            path.unlink()


def test_a_second_instance_does_not_take_over_the_first(
    qtbot: QtBot, server: InstanceServer
) -> None:
    second = InstanceServer()
    assert second.listen() is False
    assert second.another_running
    assert "another instance" in second.error
    second.close()  # must leave the first's socket alone
    assert socket_path().exists()
    with qtbot.waitSignal(server.show_requested, timeout=3000):
        client = launch("show")
    assert finished(qtbot, client) is True


def test_a_socket_left_by_a_crash_is_taken_over(qtbot: QtBot) -> None:
    path = socket_path()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:
        dead.bind(os.fspath(path))  # what a killed instance leaves: a socket nobody listens on
    assert stat.S_ISSOCK(path.lstat().st_mode)
    assert send_to_running_instance("show") is False
    server = InstanceServer()
    try:
        assert server.listen(), server.error
        with qtbot.waitSignal(server.show_requested, timeout=3000):
            client = launch("show")
        assert finished(qtbot, client) is True
    finally:
        server.close()
        path.unlink(missing_ok=True)  # the dead one, should it still be there


def test_a_file_that_is_not_a_socket_is_left_alone(qtbot: QtBot) -> None:
    path = socket_path()
    path.write_text("not a socket")
    try:
        server = InstanceServer()
        assert server.listen() is False
        assert not server.another_running
        assert str(path) in server.error
        server.close()
        assert path.read_text() == "not a socket"
    finally:
        path.unlink()


def test_a_client_that_says_nothing_does_not_block_the_next(
    qtbot: QtBot, server: InstanceServer
) -> None:
    server.client_deadline_ms = 300
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.connect(os.fspath(socket_path()))
        with qtbot.waitSignal(server.show_requested, timeout=3000):
            client = launch("show")
        assert finished(qtbot, client) is True
        # And the silent one is dropped at its deadline, without an answer.
        silent.settimeout(0.05)

        def dropped() -> None:
            try:
                assert silent.recv(16) == b""
            except TimeoutError:
                raise AssertionError("still connected") from None

        qtbot.waitUntil(dropped, timeout=3000)


@pytest.mark.parametrize(
    "line",
    [
        b"dance\n",
        b"start\n",
        b"show me\n",
        b"\xff\xfeshow\n",
        b"start " + b"x" * MAX_LINE + b"\n",
        b"show" + b" " * MAX_LINE + b"\n",
    ],
    ids=["unknown", "start-no-name", "show-with-argument", "not-utf8", "overlong", "overlong-show"],
)
def test_a_line_that_is_not_ours_is_ignored(
    qtbot: QtBot, server: InstanceServer, line: bytes
) -> None:
    heard: list[object] = []
    server.show_requested.connect(lambda: heard.append("show"))
    server.start_requested.connect(heard.append)
    assert finished(qtbot, raw(line)) == b""  # closed with no "ok"
    assert heard == []
    with qtbot.waitSignal(server.show_requested, timeout=3000):
        client = launch("show")
    assert finished(qtbot, client) is True


def test_a_line_of_4_kib_is_the_longest_heard(qtbot: QtBot, server: InstanceServer) -> None:
    name = "x" * (MAX_LINE - len(b"start \n"))  # the whole line, newline included: 4096 bytes
    with qtbot.waitSignal(server.start_requested, timeout=3000) as started:
        client = launch(f"start {name}")
    assert started.args == [name]
    assert finished(qtbot, client) is True
    assert finished(qtbot, raw(f"start {name}y\n".encode())) == b""  # one byte more


def test_the_launch_refuses_a_message_the_protocol_has_not() -> None:
    with pytest.raises(ValueError):
        send_to_running_instance("dance")
    with pytest.raises(ValueError):
        send_to_running_instance("start " + "x" * MAX_LINE)


def test_close_removes_the_socket_file(server: InstanceServer) -> None:
    path = socket_path()
    assert stat.S_ISSOCK(path.lstat().st_mode)
    server.close()
    assert not path.exists()
    assert send_to_running_instance("show") is False


def test_close_leaves_a_socket_that_a_later_instance_made(qtbot: QtBot) -> None:
    first = InstanceServer()
    assert first.listen(), first.error
    socket_path().unlink()  # someone removed it; a later launch made its own
    later = InstanceServer()
    try:
        assert later.listen(), later.error
        first.close()
        assert socket_path().exists()
        with qtbot.waitSignal(later.show_requested, timeout=3000):
            client = launch("show")
        assert finished(qtbot, client) is True
    finally:
        first.close()
        later.close()


def test_the_socket_is_for_this_user_only(server: InstanceServer) -> None:
    assert stat.S_IMODE(socket_path().lstat().st_mode) == 0o600


def test_the_path_is_the_users_and_their_data_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    here = socket_path()
    assert here.name.startswith("routineplayer-") and here.suffix == ".sock"
    assert len(os.fsencode(here)) <= SUN_PATH_MAX
    monkeypatch.setenv("ROUTINEPLAYER_HOME", str(tmp_path / "elsewhere"))
    assert socket_path() != here


def test_the_path_is_in_the_runtime_folder_when_there_is_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert socket_path().parent == runtime
    runtime.chmod(0o500)  # not writable: the temporary folder instead
    try:
        if not os.access(runtime, os.W_OK):  # root may write anyway
            assert socket_path().parent != runtime
    finally:
        runtime.chmod(0o700)
    too_long = tmp_path / ("r" * 100)
    too_long.mkdir()
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(too_long))
    assert socket_path().parent != too_long
    assert len(os.fsencode(socket_path())) <= SUN_PATH_MAX


def test_qtnetwork_is_never_imported() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import routineplayer.gui.single_instance, sys; "
            "print('PySide6.QtNetwork' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "False"
