"""Speech for a front-end: renders a routine's cues ahead, off the GUI thread, and plays them.

speech.Renderer is synchronous (it talks to its worker process), so it runs on a plain
background thread; each rendered text comes back to the GUI thread as a queued signal and
is loaded into the CuePlayer there. Nothing here is imported until a routine is prepared:
QtMultimedia and the worker process cost start-up time the library does not need.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from routineplayer.core.rating_prompts import all_texts
from routineplayer.core.timeline import Timeline

if TYPE_CHECKING:
    from routineplayer.speech.cache import VoiceSettings
    from routineplayer.speech.player import CuePlayer
    from routineplayer.speech.renderer import Renderer, RenderProgress

log = logging.getLogger(__name__)
FIRST_CUE_WAIT_MS = 15_000  # longest a start waits for its first minute to be rendered
QUIET_POLL_MS = 100
QUIET_WAIT_MS = 8000  # longest anything waits for the voice to finish what it is saying


OPENING_SECONDS = 60.0


def opening_texts(timeline: Timeline) -> list[str]:
    """What the routine says in its first minute: what a start waits for (``when_ready``)."""
    from routineplayer.speech.track import texts_due_within

    return texts_due_within(timeline, OPENING_SECONDS)


class Voice(QObject):
    progress = Signal(int, int)  # cues ready, cues in the routine
    status_changed = Signal(str)  # why speech or sound is off and how to fix it; "" if fine
    _rendered = Signal(str, bool, int, int)  # from the render thread: text, ok, done, total

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._player: CuePlayer | None = None
        self._renderer: Renderer | None = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._rendered.connect(self._on_rendered)

    @property
    def player(self) -> CuePlayer:
        if self._player is None:
            from routineplayer.speech.player import CuePlayer
            from routineplayer.speech.voice_settings_store import load_voice_settings

            self._player = CuePlayer(load_voice_settings(), parent=self)
            self._player.status_changed.connect(self.status_changed)
        return self._player

    @property
    def status(self) -> str:
        return self.player.reason

    def prepare(self, timeline: Timeline) -> None:
        """Render every text the routine may say, in order of first use, in the background:
        the pain questions first (asked before play starts; about half a second of
        rendering the first time, then cached), then the routine's cues."""
        self.prepare_texts([*all_texts(), *timeline.cue_texts()])

    def apply_settings(self, settings: VoiceSettings) -> None:
        """Use (and keep) a new voice, rate or volume. A render under way is stopped: its
        files would be in the old voice; the next prepare() renders in the new one."""
        from routineplayer.speech.voice_settings_store import save_voice_settings

        self.cancel()
        self.player.set_settings(settings)
        if self._renderer is not None:
            self._renderer.settings = settings
        save_voice_settings(settings)

    def voices(self) -> list[tuple[str, str]]:
        """(id, name) of the installed voices; empty when speech is off."""
        if not self.player.speech_available:
            return []
        if self._renderer is None:
            from routineplayer.speech.renderer import Renderer

            self._renderer = Renderer(self.player.settings)
        found = self._renderer.voices()
        return sorted(
            ((str(v["id"]), str(v.get("name") or v["id"])) for v in found), key=lambda v: v[1]
        )

    def prepare_texts(self, texts: list[str]) -> None:
        """Render ``texts`` (in this order) in the background, replacing any render under way."""
        self.cancel()
        player = self.player
        self.status_changed.emit(player.reason)
        if not player.speech_available:
            return
        if self._renderer is None:
            from routineplayer.speech.renderer import Renderer

            self._renderer = Renderer(player.settings)
        texts = list(dict.fromkeys(texts))
        self._cancel = threading.Event()
        self._thread = threading.Thread(
            target=self._render, args=(self._renderer, texts, self._cancel), daemon=True
        )
        self._thread.start()

    def _render(self, renderer: Renderer, texts: list[str], cancel: threading.Event) -> None:
        def report(p: RenderProgress) -> None:
            self._rendered.emit(p.text, p.ok, p.done, p.total)

        try:
            result = renderer.render(texts, report, cancel)
        except Exception:  # the routine plays on with chimes and text
            log.exception("rendering speech failed")
            return
        if result.failed and not cancel.is_set():  # cancelled: the worker was stopped on purpose
            log.warning("%s", result.explain())

    def _on_rendered(self, text: str, ok: bool, done: int, total: int) -> None:
        if ok and self._player is not None:
            self._player.prepare([text])
        self.progress.emit(done, total)

    def ready(self, texts: list[str]) -> bool:
        """True when all ``texts`` can be spoken now, or when speech is off anyway."""
        player = self.player
        return not player.speech_available or all(player.is_ready(t) for t in texts)

    def when_ready(
        self, texts: list[str], then: Callable[[], object], timeout_ms: int = FIRST_CUE_WAIT_MS
    ) -> None:
        """Call ``then`` once all ``texts`` can be spoken: at once if they can (or speech is
        off), else when they have rendered, or after ``timeout_ms`` whatever happens."""
        if self.ready(texts):
            then()
            return
        timer = QTimer(self)
        timer.setSingleShot(True)

        def finish() -> None:
            timer.stop()
            self.progress.disconnect(check)
            timer.deleteLater()
            then()

        def check(done: int, total: int) -> None:
            if done >= total or self.ready(texts):
                finish()

        self.progress.connect(check)
        timer.timeout.connect(finish)
        timer.start(timeout_ms)

    def when_quiet(self, then: Callable[[], object], timeout_ms: int = QUIET_WAIT_MS) -> None:
        """Call ``then`` once nothing is being said (at once if so), or after ``timeout_ms``.

        For what must not cut or be cut by the words being said: a question after the
        closing words; a routine's opening after the answer to the pain question (queued
        behind it, the opening would be dropped as too late).
        """
        player = self._player
        if player is None or player.speaking is None:
            then()
            return
        timer = QTimer(self)
        timer.setInterval(QUIET_POLL_MS)
        waited = 0

        def check() -> None:
            nonlocal waited
            waited += QUIET_POLL_MS
            if player.speaking is None or waited >= timeout_ms:
                timer.stop()
                timer.deleteLater()
                then()

        timer.timeout.connect(check)
        timer.start()

    def cancel(self) -> None:
        self._cancel.set()

    def stop(self) -> None:
        """Silence whatever is being said (the routine was stopped)."""
        if self._player is not None:
            self._player.stop()

    def close(self) -> None:
        self.cancel()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._renderer is not None:
            self._renderer.close()
