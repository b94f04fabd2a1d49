"""``routineplayer --smoke-test``: prove an installed or frozen app works, without a person.

It does what the app needs at its first start, each step through the app's own code:
load and expand every built-in routine (core.library, core.timeline); start the app's
QApplication with its icon; render one cue with the speech renderer in its worker process
(in the frozen app that is the executable started again with a flag: a missing hidden
import or driver fails here); load that cue and every chime into the cue player
(QtMultimedia; nothing is played); load the recogniser of spoken answers with its model;
show the main window and let Qt process its events.
Each step prints one line; the first failure prints why and exits 1.

Speech is required: the app works without it, but a bundle that cannot speak is broken.
A missing sound output is reported, not failed: build machines have none. Works without a
display: with none, Qt's offscreen platform is used.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from routineplayer.core import paths
from routineplayer.core.library import Library
from routineplayer.core.loader import include_problems
from routineplayer.core.problems import RoutineError
from routineplayer.core.timeline import IncludeError, Timeline, expand, speech_seconds

EXIT_OK = 0
EXIT_FAILED = 1
WINDOW_TIMEOUT_S = 30.0  # for the window to be shown and exposed on a slow, busy machine
# A rendered cue shorter than this share of the time the timeline plans for its words was cut
# off (e.g. read before the engine finished writing it). Voices and rates vary, never by half.
MIN_SPOKEN_SHARE = 0.5


class SmokeTestFailure(RuntimeError):
    """One step failed; the message says which and why."""


def _say(message: str) -> None:
    print(f"smoke-test: {message}", flush=True)


def load_builtin_routines() -> dict[str, Timeline]:
    """Every built-in routine, loaded, include-checked and expanded, by name."""
    try:
        library = Library()
    except paths.DataNotFoundError as exc:
        raise SmokeTestFailure(str(exc)) from exc
    names = [entry.name for entry in library.entries() if entry.builtin]
    if not names:
        raise SmokeTestFailure(f"no built-in routines in {library.builtin_dir}")
    timelines: dict[str, Timeline] = {}
    for name in names:
        try:
            routine = library.resolve(name)
            problems = include_problems(routine, library)
            if problems:
                raise RoutineError(problems)
            timelines[name] = expand(routine, library.resolve)
        except (RoutineError, LookupError, IncludeError) as exc:
            raise SmokeTestFailure(f"built-in routine '{name}' does not load: {exc}") from exc
        if not timelines[name].segments:
            raise SmokeTestFailure(f"built-in routine '{name}' expands to nothing")
    return timelines


def render_one_cue(text: str, cache_dir: Path) -> str:
    """Render ``text`` through the speech worker into ``cache_dir``; describe the result.

    An empty cache, because a cached file would skip the worker, which is what is tested.
    """
    from routineplayer.speech.availability import detect_engine
    from routineplayer.speech.cache import SpeechCache
    from routineplayer.speech.renderer import Renderer
    from routineplayer.speech.wavtools import AudioFormatError, read_audio

    engine = detect_engine()
    if not engine.available:
        raise SmokeTestFailure(f"speech is unavailable: {engine.reason}")
    renderer = Renderer(engine=engine, cache=SpeechCache(engine.identity, cache_dir))
    try:
        report = renderer.render([text])
    finally:
        renderer.close()
    if report.unavailable:
        raise SmokeTestFailure(f"speech is unavailable: {report.unavailable}")
    if report.failed or report.rendered != 1:
        raise SmokeTestFailure(f"rendering a cue failed: {report.explain()}")
    wav = renderer.cache.path(text, renderer.settings)
    try:
        seconds = read_audio(wav).seconds
    except (OSError, AudioFormatError) as exc:
        raise SmokeTestFailure(f"the rendered cue {wav.name} cannot be read: {exc}") from exc
    expected = speech_seconds(text)
    if seconds < MIN_SPOKEN_SHARE * expected:
        raise SmokeTestFailure(
            f"the rendered cue lasts {seconds:.1f} s, but its {len(text.split())} words take "
            f"about {expected:.1f} s: the speech was cut off"
        )
    return f"{seconds:.1f} s of speech in {report.seconds:.1f} s with {engine.identity}"


def load_into_cue_player(text: str, cache_dir: Path) -> str:
    """The cue player (QtMultimedia) loads the rendered cue and every chime; plays nothing."""
    from routineplayer.speech.availability import detect_engine
    from routineplayer.speech.cache import SpeechCache
    from routineplayer.speech.chimes import CHIME_NAMES, chime_path
    from routineplayer.speech.player import CuePlayer, PlayerState
    from routineplayer.speech.wavtools import CUE_RATE, AudioFormatError, load_clip

    for name in CHIME_NAMES:
        try:
            load_clip(chime_path(name), CUE_RATE)
        except (OSError, AudioFormatError) as exc:
            raise SmokeTestFailure(f"the '{name}' chime does not load: {exc}") from exc
    engine = detect_engine()
    player = CuePlayer(engine=engine, cache=SpeechCache(engine.identity, cache_dir))
    try:
        if player.prepare([text]) != 1:
            raise SmokeTestFailure("the cue player could not load the rendered cue")
        sound = (
            "sound output ready"
            if player.state is PlayerState.READY
            else f"{player.state} here: {player.reason}"
        )
    finally:
        player.stop()
        player.deleteLater()
    return f"loaded the cue and {len(CHIME_NAMES)} chimes; {sound}"


def load_recogniser() -> str:
    """The recogniser of spoken answers with its model (a bundle can miss the model files),
    fed a second of silence: nothing is heard, nothing fails."""
    try:
        from routineplayer.core.voice_answers import Moment
        from routineplayer.speech.recogniser import SAMPLE_RATE, Recogniser

        started = time.monotonic()
        recogniser = Recogniser(Moment.CHECK)
        try:
            heard = recogniser.feed(bytes(2 * SAMPLE_RATE)) + recogniser.flush()
        finally:
            recogniser.close()
    except Exception as exc:  # an ImportError, or pocketsphinx failing to read its model
        raise SmokeTestFailure(f"the recogniser of spoken answers did not load: {exc}") from exc
    if any(h.answer is not None for h in heard):
        raise SmokeTestFailure(f"the recogniser heard an answer in silence: {heard}")
    return f"loaded with its model in {time.monotonic() - started:.1f} s"


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return True


def start_application() -> str:
    """The app's own QApplication (gui/app.py), offscreen when there is no display."""
    if sys.platform.startswith("linux") and not any(
        os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from routineplayer.gui.app import create_application

    app = create_application()
    if app.windowIcon().isNull():
        raise SmokeTestFailure("the app icon did not load (assets/icons missing?)")
    return f"{app.desktopFileName()} on the {app.platformName()} platform, with its icon"


def show_main_window() -> str:
    """Show the main window as the app does, let Qt process its events, close it."""
    from PySide6.QtWidgets import QApplication

    from routineplayer.gui.main_window import MainWindow

    window = MainWindow()
    window.show()

    def exposed() -> bool:
        handle = window.windowHandle()
        return window.isVisible() and handle is not None and handle.isExposed()

    if not _wait_until(exposed, WINDOW_TIMEOUT_S):
        raise SmokeTestFailure(f"the main window was not shown within {WINDOW_TIMEOUT_S:.0f} s")
    title = window.windowTitle()
    window.close()
    QApplication.processEvents()
    return f"'{title}' shown and closed"


def run() -> int:
    try:
        timelines = load_builtin_routines()
        cues = sum(len(t.cue_texts()) for t in timelines.values())
        _say(
            f"ok: {len(timelines)} built-in routines loaded and expanded "
            f"({', '.join(timelines)}; {cues} cue texts)"
        )
        _say(f"ok: application {start_application()}")
        first = next(iter(timelines.values())).cue_texts()[0]
        with tempfile.TemporaryDirectory(prefix="routineplayer-smoke-") as tmp:
            _say(f"ok: rendered the cue {first!r}: {render_one_cue(first, Path(tmp))}")
            _say(f"ok: cue player {load_into_cue_player(first, Path(tmp))}")
        _say(f"ok: recogniser {load_recogniser()}")
        _say(f"ok: main window {show_main_window()}")
    except SmokeTestFailure as exc:
        print(f"smoke-test: FAILED: {exc}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    _say("passed")
    return EXIT_OK
