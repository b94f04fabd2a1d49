"""Keep the screen on and the system awake while a routine plays (wakepy).

Inhibiting can fail (no D-Bus session, no inhibitor service, a sandbox) or take a while
(D-Bus timeouts), and play must never wait for it or stop because of it. So wakepy runs on
one worker thread (its modes are entered and left on the same thread, which some methods
need) and every failure only ends up in ``status``.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)


class KeepAwake:
    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keep-awake")
        self._mode: Any = None  # wakepy.Mode while held
        self._wanted = False
        self.status = "not requested"

    @property
    def wanted(self) -> bool:
        return self._wanted

    def acquire(self) -> Future[None]:
        self._wanted = True
        return self._pool.submit(self._enter)

    def release(self) -> Future[None]:
        self._wanted = False
        return self._pool.submit(self._exit)

    def shutdown(self) -> None:
        self.release()
        self._pool.shutdown(wait=True)

    def _enter(self) -> None:
        if self._mode is not None:
            return
        try:
            import wakepy  # lazily: it probes D-Bus, which start-up does not need

            mode = wakepy.keep.presenting(on_fail="pass")
            mode.__enter__()
        except Exception as exc:  # anything at all: staying awake is a nicety
            self.status = f"cannot keep the screen awake: {exc}"
            log.warning(self.status)
            return
        if mode.active:
            self._mode = mode
            self.status = f"screen kept awake ({mode.active_method})"
            return
        self.status = "cannot keep the screen awake on this system"
        log.info("%s: %s", self.status, mode.result)
        # wakepy closes its D-Bus connections only when an active method is left, so a
        # refused Inhibit would leak one socket per routine started: close them here.
        mode.__exit__(None, None, None)
        adapter = getattr(mode, "_dbus_adapter_instance", None)
        if adapter is not None:
            adapter.close_connections()

    def _exit(self) -> None:
        mode, self._mode = self._mode, None
        if mode is None:
            return
        try:
            mode.__exit__(None, None, None)
        except Exception as exc:
            log.warning("releasing keep-awake failed: %s", exc)
        self.status = "released"
