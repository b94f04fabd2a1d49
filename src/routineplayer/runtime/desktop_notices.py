"""Reminders as desktop notifications, with "Start now", "Snooze 15 min" and "Skip today".

Why a thread with an asyncio loop of its own: desktop-notifier, the cross-platform library
used here, is asyncio-based. On Linux it talks to the notification server
(org.freedesktop.Notifications) over the D-Bus session bus through dbus-fast, and the
server's answers (a button pressed, the notification clicked or dismissed) come back as
D-Bus signals that only a running asyncio loop reads. The app's main thread runs Qt's event
loop, not asyncio's. Rather than drive one loop from the other (a polling timer, qasync), the
library gets a daemon thread that runs an asyncio loop of its own, started on the first
``notify``; work is handed to it with ``asyncio.run_coroutine_threadsafe``, so a server that
is slow to answer holds up that thread only, never the window or the audio.

What the library reports arrives on that thread. It goes to the GUI thread through a queued
Qt signal of ``DesktopNotices`` (which lives on the GUI thread), and only there are the
public signals emitted: a slot connected to them runs on the GUI thread, whatever its kind.

Nothing here raises into the caller. When there is no session bus, no notification server
answers or one refuses a notification, the reason is logged and ``unavailable`` is emitted
(once), so the app can remind inside its own window instead; notices then stay off for the
life of the object (a new ``DesktopNotices`` tries again).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import sys
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from desktop_notifier import Button, DesktopNotifier, Icon, Notification
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from routineplayer import APP_ID
from routineplayer.core.paths import DataNotFoundError, assets_dir

log = logging.getLogger(__name__)

APP_TITLE = "RoutinePlayer"  # the Name of packaging/linux/<APP_ID>.desktop
START_NOW = "Start now"
SNOOZE = "Snooze 15 min"
SKIP_TODAY = "Skip today"
CONNECT_TIMEOUT_S = 10.0  # a server started on demand (D-Bus activation) may take a while
CLOSE_TIMEOUT_S = 2.0
THREAD_NAME = "desktop-notices"

# What the loop thread hands to the GUI thread (the first argument of DesktopNotices._relay).
_START, _SNOOZE, _SKIP, _DISMISSED, _UNAVAILABLE = (
    "start",
    "snooze",
    "skip",
    "dismissed",
    "unavailable",
)


def app_icon_path() -> Path | None:
    """The app's icon as a PNG file for the notification server, or None when there is none."""
    try:
        icons = assets_dir() / "icons" / "hicolor"
    except DataNotFoundError:
        return None
    preferred = icons / "128x128" / "apps" / f"{APP_ID}.png"
    if preferred.is_file():
        return preferred
    return next(iter(sorted(icons.glob(f"*/apps/{APP_ID}.png"))), None)


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _connect_failure(exc: BaseException, timeout_s: float = CONNECT_TIMEOUT_S) -> str:
    """Why connecting failed, in one line: no bus to talk on, or no server on it."""
    if isinstance(exc, TimeoutError):
        return f"no desktop notification server answered within {timeout_s:g} s"
    # dbus-fast: OSError when the bus's socket is not there, InvalidAddressError (a
    # ValueError) when nothing says where the bus is; a DBusError from the bus itself when no
    # program owns org.freedesktop.Notifications and none can be started.
    if sys.platform.startswith("linux") and isinstance(exc, OSError | ValueError):
        return f"cannot reach the D-Bus session bus ({_one_line(exc)})"
    return f"no desktop notification server answers ({_one_line(exc)})"


def _new_notifier() -> DesktopNotifier:
    icon = app_icon_path()
    return DesktopNotifier(app_name=APP_TITLE, app_icon=Icon(path=icon) if icon else None)


async def _disconnect(notifier: DesktopNotifier) -> None:
    """Close the D-Bus connection desktop-notifier 6.x keeps (it has no public way to), so its
    socket is not left for the garbage collector (a ResourceWarning)."""
    bus = getattr(getattr(notifier, "_backend", None), "bus", None)
    disconnect = getattr(bus, "disconnect", None)
    if not callable(disconnect):
        return
    try:
        disconnect()
        wait = getattr(bus, "wait_for_disconnect", None)
        if callable(wait):
            await asyncio.wait_for(wait(), CLOSE_TIMEOUT_S)
    except Exception:  # a connection that failed ends with its error: it is closed all the same
        log.debug("closing the notification server connection", exc_info=True)


async def _probe(timeout_s: float) -> bool:
    notifier = _new_notifier()
    try:
        await asyncio.wait_for(notifier.get_capabilities(), timeout_s)
    except Exception as exc:
        log.info("%s", _connect_failure(exc, timeout_s))
        return False
    finally:
        await _disconnect(notifier)
    return True


def notification_server_available(timeout_s: float = 2.0) -> bool:
    """Whether a notification server answers (on Linux: org.freedesktop.Notifications on the
    session bus, started on demand if the desktop provides one that way).

    Blocks for up to about ``timeout_s``; callable from any thread (the probe runs on a short
    thread with an event loop of its own). Never raises.
    """
    result: list[bool] = []

    def run() -> None:
        try:
            result.append(asyncio.run(_probe(timeout_s)))
        except Exception:
            log.warning("probing for a notification server failed", exc_info=True)

    thread = threading.Thread(target=run, name=f"{THREAD_NAME}-probe", daemon=True)
    thread.start()
    thread.join(timeout_s + CLOSE_TIMEOUT_S + 1.0)
    return bool(result and result[0])


class _LoopThread:
    """A daemon thread running an asyncio event loop, started by the first ``submit``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def submit(self, coro: Coroutine[Any, Any, None]) -> concurrent.futures.Future[None] | None:
        """Run ``coro`` on the loop (starting the thread if need be); None once stopped."""
        with self._lock:
            if self._closed:
                coro.close()
                return None
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=self._run, args=(loop,), name=THREAD_NAME, daemon=True
                )
                try:
                    thread.start()
                except BaseException:
                    loop.close()
                    coro.close()
                    raise
                self._loop, self._thread = loop, thread
            try:
                return asyncio.run_coroutine_threadsafe(coro, self._loop)
            except BaseException:  # the loop is closed: its thread ended on an error
                coro.close()
                raise

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        except Exception:
            log.warning("the desktop notices' event loop failed", exc_info=True)
        finally:
            loop.close()

    def stop(
        self,
        last: Callable[[], Coroutine[Any, Any, None]] | None = None,
        timeout_s: float = CLOSE_TIMEOUT_S,
    ) -> bool:
        """Run ``last()`` on the loop (waiting up to ``timeout_s``), then end the loop and join
        the thread. True when the thread has ended (or never started)."""
        with self._lock:
            self._closed = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return True
        if thread.is_alive() and last is not None:
            try:
                asyncio.run_coroutine_threadsafe(last(), loop).result(timeout_s)
            except Exception:
                log.warning("closing the desktop notices took too long or failed", exc_info=True)
        with contextlib.suppress(RuntimeError):  # the loop is closed already
            loop.call_soon_threadsafe(loop.stop)
        if thread is not threading.current_thread():
            thread.join(timeout_s)
        if thread.is_alive():
            log.warning("the %s thread did not end within %.1f s", THREAD_NAME, timeout_s)
            return False
        return True


class DesktopNotices(QObject):
    """Shows reminders as desktop notifications and says which button the user chose.

    Create it on the GUI thread, and ``close()`` it before the app quits. The signals carry
    the key given to ``notify``; all are emitted on the GUI thread. Clicking the notification
    itself counts as "Start now". ``dismissed`` is emitted when the user closes the
    notification without choosing. A notification stays until it is answered (no timeout).
    """

    start_requested = Signal(str)
    snooze_requested = Signal(str)
    skip_requested = Signal(str)
    dismissed = Signal(str)
    unavailable = Signal(str)  # a one-line reason; emitted once

    # From the loop thread to the GUI thread: (what, key or reason). Queued, see __init__.
    _relay = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        app = QCoreApplication.instance()
        if app is not None and parent is None and self.thread() is not app.thread():
            self.moveToThread(app.thread())  # its slot below must run on the GUI thread
        self._loop_thread = _LoopThread()
        self._closed = False
        self._reported_unavailable = False
        # Queued even when emitted on the GUI thread (a failure to start the thread), so a
        # signal never fires inside the caller's own call to notify().
        self._relay.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        # Deleted without close() (its parent went): end the thread all the same.
        loop_thread = self._loop_thread
        self.destroyed.connect(lambda *_: loop_thread.stop(timeout_s=0.5))
        # Touched on the loop thread only:
        self._notifier: DesktopNotifier | None = None
        self._off = False  # no server, or it failed: notices stay off
        self._shown: dict[str, str] = {}  # key -> desktop-notifier's identifier

    # -- the GUI thread's side ----------------------------------------------------------

    def notify(self, key: str, title: str, body: str) -> None:
        """Show a notification for ``key``, replacing any earlier one of the same key."""
        self._submit(lambda: self._notify(key, title, body))

    def withdraw(self, key: str) -> None:
        """Take back the notification of ``key``, if one is shown."""
        self._submit(lambda: self._withdraw(key))

    def close(self, timeout_s: float = CLOSE_TIMEOUT_S) -> None:
        """Withdraw what is shown (its buttons would do nothing once we are gone), close the
        connection and end the thread (waiting up to about 2 × ``timeout_s``)."""
        self._closed = True
        try:
            self._loop_thread.stop(self._shut_down, timeout_s)
        except Exception:
            log.warning("stopping the desktop notices failed", exc_info=True)

    @property
    def thread_alive(self) -> bool:
        """Whether the loop thread is running (it starts with the first notify)."""
        thread = self._loop_thread.thread
        return thread is not None and thread.is_alive()

    def _submit(self, make: Callable[[], Coroutine[Any, Any, None]]) -> None:
        if self._closed:
            log.debug("desktop notices are closed: nothing shown")
            return
        try:
            future = self._loop_thread.submit(make())
        except Exception as exc:
            log.warning("cannot start the desktop notices' thread", exc_info=True)
            self._relay.emit(_UNAVAILABLE, f"cannot start a thread for them: {_one_line(exc)}")
            return
        if future is not None:
            future.add_done_callback(_log_failure)

    @Slot(str, str)
    def _deliver(self, what: str, value: str) -> None:
        if self._closed:
            return
        if what == _UNAVAILABLE:
            if not self._reported_unavailable:
                self._reported_unavailable = True
                self.unavailable.emit(value)
            return
        signal = {
            _START: self.start_requested,
            _SNOOZE: self.snooze_requested,
            _SKIP: self.skip_requested,
            _DISMISSED: self.dismissed,
        }[what]
        signal.emit(value)

    # -- the loop thread's side --------------------------------------------------------

    def _send_to_gui(self, what: str, value: str) -> None:
        try:
            self._relay.emit(what, value)
        except RuntimeError:  # the C++ object is gone (deleted without close())
            log.debug("desktop notice %s for %r after the object was deleted", what, value)

    def _turn_off(self, reason: str) -> None:
        self._off = True
        log.warning("desktop notifications are off: %s", reason)
        self._send_to_gui(_UNAVAILABLE, reason)

    async def _connected(self) -> DesktopNotifier | None:
        if self._off:
            return None
        if self._notifier is not None:
            return self._notifier
        notifier = _new_notifier()
        try:
            await asyncio.wait_for(notifier.get_capabilities(), CONNECT_TIMEOUT_S)
        except Exception as exc:
            await _disconnect(notifier)
            self._turn_off(_connect_failure(exc))
            return None
        self._notifier = notifier
        return notifier

    async def _notify(self, key: str, title: str, body: str) -> None:
        try:
            await self._show(key, title, body)
        except Exception as exc:
            log.warning("showing the notification of %r failed", key, exc_info=True)
            self._turn_off(f"showing a notification failed ({_one_line(exc)})")

    async def _show(self, key: str, title: str, body: str) -> None:
        notifier = await self._connected()
        if notifier is None:
            return
        await self._withdraw(key)
        dispatched = threading.Event()

        def answer(what: str) -> Callable[[], None]:
            def handler() -> None:
                if self._shown.get(key) == notification.identifier:
                    del self._shown[key]
                self._send_to_gui(what, key)

            return handler

        notification = Notification(
            title=title,
            message=body,
            buttons=(
                Button(title=START_NOW, on_pressed=answer(_START)),
                Button(title=SNOOZE, on_pressed=answer(_SNOOZE)),
                Button(title=SKIP_TODAY, on_pressed=answer(_SKIP)),
            ),
            on_clicked=answer(_START),  # the default action: the notification itself
            on_dismissed=answer(_DISMISSED),
            on_dispatched=dispatched.set,
            timeout=0,  # a reminder stays until the user answers it
        )
        # desktop-notifier logs (rather than raises) a failure to send; on_dispatched tells.
        await notifier.send_notification(notification)
        if not dispatched.is_set():
            self._turn_off("the notification server did not take the notification")
            return
        self._shown[key] = notification.identifier

    async def _withdraw(self, key: str) -> None:
        identifier = self._shown.pop(key, None)
        if identifier is None or self._notifier is None:
            return
        try:
            await self._notifier.clear(identifier)
        except KeyError:
            pass  # the server closed it already (it expired, or the user answered it)
        except Exception:
            log.warning("cannot withdraw the notification of %r", key, exc_info=True)

    async def _shut_down(self) -> None:
        for key in list(self._shown):
            await self._withdraw(key)
        if self._notifier is not None:
            await _disconnect(self._notifier)
            self._notifier = None


def _log_failure(future: concurrent.futures.Future[None]) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.warning("a desktop notice failed", exc_info=exc)
