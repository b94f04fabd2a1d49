"""Speech for a front-end: renders a routine's cues ahead, off the GUI thread, and plays them.

speech.Renderer is synchronous (it talks to its worker process), so it runs on a plain
background thread. That thread holds no QObject: it puts what it learns (each rendered text,
the list of installed voices) into a plain queue, which a timer on the GUI thread drains
while a thread is at work, and there each clip is loaded into the CuePlayer. A thread that
held a bound method of this QObject could drop its last reference off the GUI thread, and
its timers would then be destroyed there (a crash in QTimerInfoList::activateTimers seen in
the full test suite). Nothing here waits for the worker on the GUI thread.

Nothing here is imported until a routine is prepared: QtMultimedia and the worker process
cost start-up time the library does not need.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
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
# close(): after the worker is killed, a render lets go in milliseconds; don't wait for one
# that does not (a daemon thread, it cannot keep the app alive).
CLOSE_JOIN_S = 0.3
DRAIN_MS = 30  # how often the GUI thread collects results while a thread is at work

VoiceList = list[tuple[str, str]]  # (id, name) of each installed voice, by name


OPENING_SECONDS = 60.0


def opening_texts(timeline: Timeline) -> list[str]:
    """What the routine says in its first minute: what a start waits for (``when_ready``)."""
    from routineplayer.speech.track import texts_due_within

    return texts_due_within(timeline, OPENING_SECONDS)


class Voice(QObject):
    progress = Signal(int, int)  # cues ready, cues in the routine
    status_changed = Signal(str)  # why speech or sound is off and how to fix it; "" if fine
    voices_ready = Signal(object)  # VoiceList: the installed voices, answering request_voices()

    def __init__(self, parent: QObject | None = None, renderer: Renderer | None = None) -> None:
        """``renderer``: one to use instead of a default one made when first needed (tests)."""
        super().__init__(parent)
        self._player: CuePlayer | None = None
        self._renderer = renderer
        self._thread: threading.Thread | None = None
        self._voices_thread: threading.Thread | None = None
        self._cancel = threading.Event()
        # From the threads: ("rendered", text, ok, done, total) or ("voices", VoiceList).
        self._results: queue.SimpleQueue[tuple[object, ...]] = queue.SimpleQueue()
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_MS)
        self._drain.timeout.connect(self._collect)

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

    def prepare(self, timeline: Timeline, also: Iterable[str] = ()) -> None:
        """Render every text the routine may say, in order of first use, in the background:
        the pain questions first (asked before play starts; about half a second of
        rendering the first time, then cached), then the routine's cues, then ``also``
        (what a front-end says of its own, such as its stop question)."""
        from routineplayer.speech.player import SOUND_BACK

        self.prepare_texts([*all_texts(), *timeline.cue_texts(), SOUND_BACK, *also])

    def apply_settings(self, settings: VoiceSettings) -> None:
        """Use (and keep) a new voice, rate or volume. A render under way is stopped: its
        files would be in the old voice; the next prepare() renders in the new one."""
        from routineplayer.speech.voice_settings_store import save_voice_settings

        self.cancel()
        self.player.set_settings(settings)
        if self._renderer is not None:
            self._renderer.settings = settings
        save_voice_settings(settings)

    def _ensure_renderer(self) -> Renderer:
        if self._renderer is None:
            from routineplayer.speech.renderer import Renderer

            self._renderer = Renderer(self.player.settings)
        return self._renderer

    def known_voices(self) -> VoiceList | None:
        """The installed voices if known (empty when speech is off), else None: never waits.
        Known once any worker has started (its greeting lists them), then kept."""
        if not self.player.speech_available:
            return []
        found = self._renderer.known_voices if self._renderer is not None else None
        return None if found is None else _by_name(found)

    def request_voices(self) -> None:
        """Ask for the installed voices in the background; ``voices_ready`` brings them (at
        once, from this call, if they are known already). An empty list: none could be
        found (the worker failed); asking again tries again."""
        known = self.known_voices()
        if known is not None:
            self.voices_ready.emit(known)
            return
        if self._voices_thread is not None and self._voices_thread.is_alive():
            return  # its answer is on the way
        self._voices_thread = threading.Thread(
            target=_find_voices, args=(self._ensure_renderer(), self._results), daemon=True
        )
        self._voices_thread.start()
        self._drain.start()

    def prepare_texts(self, texts: list[str]) -> None:
        """Render ``texts`` (in this order) in the background, replacing any render under way."""
        self.cancel()
        player = self.player
        self.status_changed.emit(player.reason)
        if not player.speech_available:
            return
        renderer = self._ensure_renderer()
        texts = list(dict.fromkeys(texts))
        self._cancel = threading.Event()
        # The settings are taken here, on the GUI thread, as the player has them: the batch
        # renders exactly the files the player will look up, whatever changes after.
        self._thread = threading.Thread(
            target=_render,
            args=(renderer, texts, player.settings, self._cancel, self._results),
            daemon=True,
        )
        self._thread.start()
        self._drain.start()

    def _collect(self) -> None:
        """On the GUI thread: act on what the threads have found so far."""
        while True:
            try:
                item = self._results.get_nowait()
            except queue.Empty:
                break
            if item[0] == "voices":
                self.voices_ready.emit(item[1])
                continue
            _, text, ok, done, total = item
            if ok and self._player is not None:
                self._player.prepare([str(text)])
            self.progress.emit(done, total)
        working = any(t is not None and t.is_alive() for t in (self._thread, self._voices_thread))
        if not working and self._results.empty():  # empty: a result put as a thread ended
            self._drain.stop()

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
        """Stop rendering for good. The worker is killed first, so a render waiting on it
        (even a hung one) fails at once; then the render thread gets a moment to finish."""
        self.cancel()
        if self._renderer is not None:
            self._renderer.close()
        if self._thread is not None:
            self._thread.join(timeout=CLOSE_JOIN_S)


def _render(
    renderer: Renderer,
    texts: list[str],
    settings: VoiceSettings,
    cancel: threading.Event,
    results: queue.SimpleQueue[tuple[object, ...]],
) -> None:
    """The render thread: holds no QObject (see the module's docstring)."""

    def report(p: RenderProgress) -> None:
        results.put(("rendered", p.text, p.ok, p.done, p.total))

    try:
        result = renderer.render(texts, report, cancel, settings)
    except Exception:  # the routine plays on with chimes and text
        log.exception("rendering speech failed")
        return
    if result.failed and not cancel.is_set():  # cancelled: the worker was stopped on purpose
        log.warning("%s", result.explain())


def _find_voices(renderer: Renderer, results: queue.SimpleQueue[tuple[object, ...]]) -> None:
    try:
        found = _by_name(renderer.voices())
    except Exception:  # the list stays "Default voice"; nothing else depends on it
        log.exception("listing the installed voices failed")
        found = []
    results.put(("voices", found))


def _by_name(found: list[dict[str, object]]) -> VoiceList:
    return sorted(
        ((str(v["id"]), str(v.get("name") or v["id"])) for v in found), key=lambda v: v[1]
    )
