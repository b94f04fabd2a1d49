"""One app per user: a later launch hands its request to the first and leaves.

The first instance listens on a Unix socket named for the user and their data folder (so
two people, or a test with its own ROUTINEPLAYER_HOME, never meet), in $XDG_RUNTIME_DIR
when it can, else in the temporary folder. A launch first connects and sends one line:

    show                   bring the window to the front
    start <routine name>   the same, then offer that routine (the name may hold spaces)

The server answers ``ok`` to a line it understood; anything else (an unknown command, a line
over 4 KiB, text that is not UTF-8) is dropped with no answer, so the launch sees no running
instance. Control characters are removed from the line first.

Why not QtNetwork's QLocalServer, which does all this: importing PySide6.QtNetwork in the
process was found to disturb real-time audio (long cues were heard shifted in the audio
tests). So this is Python's own ``socket`` module, watched by QtCore's QSocketNotifier: the
listening socket and each connection are non-blocking, read when Qt says they are readable,
so a client that connects and never writes cannot hang the window; it is dropped after a
short deadline.

The stale-socket rule: a socket file at our path that refuses connections was left by an
instance that died without cleaning up (a crash, a kill); it is removed and bound anew. One
that accepts a connection belongs to a live instance, which is never taken over, even if
it is slow to answer. Only a socket file owned by this user is ever removed, and ``close``
removes the file only while it is still the one this server bound (same inode), never one a
later instance put there.
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import os
import re
import socket
import stat
import struct
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from routineplayer.core import paths

MAX_LINE = 4096  # bytes, the newline included
MAX_CONNECTIONS = 16  # at once; more are closed on arrival
CLIENT_DEADLINE_MS = 2000  # a connection that sent no full line by then is dropped
PROBE_TIMEOUT_S = 0.5  # connecting to a live instance's socket takes microseconds
LOCK_WAIT_S = 3.0  # another launch holds the lock for a probe at most
SUN_PATH_MAX = 107  # bytes: sockaddr_un's 108, less the terminating NUL
OK = b"ok\n"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


# -- the path --------------------------------------------------------------------------------


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        return str(os.getuid())


def _fits(path: Path) -> bool:
    return len(os.fsencode(path)) <= SUN_PATH_MAX


def socket_path() -> Path:
    """The socket of this user's instance for this data folder."""
    where = str(paths.user_data_dir()).encode("utf-8", "surrogateescape")
    digest = hashlib.sha256(where + _user_name().encode("utf-8", "surrogateescape")).hexdigest()
    name = f"routineplayer-{digest[:16]}.sock"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if (
        os.path.isabs(runtime)
        and os.path.isdir(runtime)
        and os.access(runtime, os.W_OK | os.X_OK)
        and _fits(Path(runtime) / name)
    ):
        return Path(runtime) / name
    candidate = Path(tempfile.gettempdir()) / name
    return candidate if _fits(candidate) else Path("/tmp") / name


# -- the protocol ----------------------------------------------------------------------------


def _parse(raw: bytes) -> tuple[str, str] | None:
    """(command, argument) of one line without its newline; None when it is not ours."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    command, _, argument = _CONTROL.sub("", text).strip().partition(" ")
    argument = argument.strip()
    if command == "show" and not argument:
        return ("show", "")
    if command == "start" and argument:
        return ("start", argument)
    return None


def encode_message(message: str) -> bytes:
    """The line for ``message`` ("show" or "start <name>"), control characters removed.
    ValueError when it is neither, or longer than MAX_LINE."""
    parsed = _parse(message.encode("utf-8", "replace"))
    if parsed is None:
        raise ValueError(f"not a message for a running instance: {message!r}")
    command, argument = parsed
    line = (f"{command} {argument}" if argument else command).encode("utf-8") + b"\n"
    if len(line) > MAX_LINE:
        raise ValueError(f"message longer than {MAX_LINE} bytes")
    return line


def _peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end (Linux), None where that cannot be asked."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    except OSError:
        return None
    _pid, uid, _gid = struct.unpack("3i", creds)
    return int(uid)


def _ours(sock: socket.socket) -> bool:
    uid = _peer_uid(sock)
    return uid is None or uid == os.getuid()


def send_to_running_instance(
    message: str = "show", timeout_s: float = 0.5, *, path: Path | None = None
) -> bool:
    """Hand ``message`` to an instance already running; True when one answered ``ok``.

    False when none listens (no socket file, a stale one), when it is another user's, or when
    no answer came within ``timeout_s``. ValueError for a message the protocol has not.
    """
    line = encode_message(message)
    if not hasattr(socket, "AF_UNIX"):
        return False
    deadline = time.monotonic() + timeout_s
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout_s)
            sock.connect(os.fspath(path or socket_path()))
            if not _ours(sock):
                return False
            sock.sendall(line)
            reply = b""
            while not reply.endswith(b"\n") and len(reply) < len(OK):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                sock.settimeout(left)
                chunk = sock.recv(len(OK) - len(reply))
                if not chunk:
                    break
                reply += chunk
            return reply == OK
    except OSError:  # refused, no such file, timed out, reset, not a socket
        return False


# -- the server ------------------------------------------------------------------------------


class _Connection:
    """One client: read when readable, until a line, the deadline or the connection ends.

    Not a QObject: its notifier and timer are the server's children, deleted with deleteLater
    once it is done (a QObject subclass of ours, deleted later, crashed PySide 6.11)."""

    def __init__(self, sock: socket.socket, server: InstanceServer, deadline_ms: int) -> None:
        self.sock = sock
        self.server = server
        self.buffer = b""
        self.notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, server)
        self.notifier.activated.connect(self._readable)
        self.deadline = QTimer(server)
        self.deadline.setSingleShot(True)
        self.deadline.timeout.connect(self.finish)
        self.deadline.start(deadline_ms)
        self.done = False

    def _readable(self) -> None:
        while not self.done:
            try:
                chunk = self.sock.recv(MAX_LINE + 1 - len(self.buffer))
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                self.finish()
                return
            if not chunk:  # closed before a whole line: nothing to do
                self.finish()
                return
            self.buffer += chunk
            end = self.buffer.find(b"\n")
            if 0 <= end < MAX_LINE:
                self._line(self.buffer[:end])
                return
            if len(self.buffer) >= MAX_LINE:  # too long: not ours
                self.finish()
                return

    def _line(self, raw: bytes) -> None:
        parsed = _parse(raw)
        if parsed is not None:
            # Answered and closed before the window acts: a slot may open a modal dialog,
            # and the launch waiting for "ok" must not wait for that.
            with suppress(OSError):
                self.sock.send(OK)
        self.finish()
        if parsed is not None:
            self.server.request(*parsed)

    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        self.notifier.setEnabled(False)  # before the descriptor closes
        self.deadline.stop()
        self.sock.close()
        self.notifier.deleteLater()
        self.deadline.deleteLater()
        self.server.forget(self)


class InstanceServer(QObject):
    """Listens for later launches: ``show_requested`` and ``start_requested(name)``."""

    show_requested = Signal()
    start_requested = Signal(str)

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path or socket_path()
        self.error = ""
        self.another_running = False  # listen() found a live instance on the path
        self.client_deadline_ms = CLIENT_DEADLINE_MS
        self._sock: socket.socket | None = None
        self._notifier: QSocketNotifier | None = None
        self._bound: tuple[int, int] | None = None  # (st_dev, st_ino) of the file we bound
        self._connections: set[_Connection] = set()

    @property
    def listening(self) -> bool:
        return self._sock is not None

    def listen(self) -> bool:
        """Start listening. False, with ``error`` saying why, when another instance listens
        already (``another_running``: this launch should leave), or when the socket cannot be
        made (this instance then runs unreachable)."""
        if self._sock is not None:
            return True
        if not hasattr(socket, "AF_UNIX"):
            self.error = "Unix sockets are not available on this system"
            return False
        self.error = ""
        self.another_running = False
        try:
            with _Lock(self.path):  # two launches at once: one binds, the other finds it
                sock = self._bind()
        except OSError as exc:
            self.error = f"cannot listen on {self.path}: {exc.strerror or exc}"
            return False
        if sock is None:
            return False
        self._sock = sock
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)
        return True

    def _bind(self) -> socket.socket | None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            try:
                sock.bind(os.fspath(self.path))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or not self._remove_stale():
                    raise
                sock.bind(os.fspath(self.path))
            info = os.stat(self.path)
            self._bound = (info.st_dev, info.st_ino)
            os.chmod(self.path, 0o600)
            sock.listen(8)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            if self._bound is not None:  # bound, then chmod or listen failed
                self._unlink_if_ours()
            if self.error:  # _remove_stale said why
                return None
            raise
        return sock

    def _remove_stale(self) -> bool:
        """True when the file in the way was a dead socket of ours and is gone; otherwise
        False with ``error`` set (a live instance, someone else's file)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(PROBE_TIMEOUT_S)
            try:
                probe.connect(os.fspath(self.path))
            except FileNotFoundError:
                return True  # gone meanwhile
            except ConnectionRefusedError:
                pass  # stale: nobody listens
            except (TimeoutError, BlockingIOError):  # a full backlog: someone listens
                self.another_running = True
                self.error = f"another instance holds {self.path} and does not answer"
                return False
            except OSError as exc:  # not ours to probe (permission denied, ...)
                self.error = f"cannot reach {self.path}: {exc.strerror or exc}"
                return False
            else:
                if not _ours(probe):
                    self.error = f"{self.path} is another user's socket; remove it"
                    return False
                self.another_running = True
                self.error = f"another instance is running (listening on {self.path})"
                return False
        info = os.lstat(self.path)
        if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
            self.error = f"{self.path} is in the way and is not a socket of ours; remove it"
            return False
        os.unlink(self.path)
        return True

    def _accept(self) -> None:
        while self._sock is not None:
            try:
                client, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of descriptors, a connection reset while queued
                return
            if len(self._connections) >= MAX_CONNECTIONS or not _ours(client):
                client.close()
                continue
            client.setblocking(False)
            self._connections.add(_Connection(client, self, self.client_deadline_ms))

    def request(self, command: str, argument: str) -> None:
        if command == "show":
            self.show_requested.emit()
        elif command == "start":
            self.start_requested.emit(argument)

    def forget(self, connection: _Connection) -> None:
        self._connections.discard(connection)

    def close(self) -> None:
        """Stop listening; the socket file goes only if it is still the one bound here."""
        for connection in list(self._connections):
            connection.finish()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
            self._unlink_if_ours()

    def _unlink_if_ours(self) -> None:
        bound, self._bound = self._bound, None
        with suppress(OSError):
            info = os.lstat(self.path)
            if (info.st_dev, info.st_ino) == bound:
                os.unlink(self.path)


class _Lock:
    """Held while a launch checks the path and binds it, so two launches at once cannot both
    take a socket for stale (one could take the other's between its bind and its listen):
    a socket bound in Linux's abstract namespace, which no file backs and which the kernel
    frees when the process dies. Best effort: elsewhere, or after LOCK_WAIT_S, no lock."""

    def __init__(self, path: Path) -> None:
        digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:32]
        self.name = f"\0routineplayer-lock-{digest}"
        self.sock: socket.socket | None = None

    def __enter__(self) -> _Lock:
        if not sys.platform.startswith("linux"):
            return self
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        give_up = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                sock.bind(self.name)
            except OSError:
                if time.monotonic() < give_up:
                    time.sleep(0.01)
                    continue
                sock.close()
                return self
            self.sock = sock
            return self

    def __exit__(self, *exc: object) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
