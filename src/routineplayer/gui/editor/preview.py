"""Hearing a step's cue from the editor: rendered by the speech worker, then played.

Rendering runs in a background thread (the renderer blocks while its worker process
speaks into a file), and the finished file is played on the GUI thread. Without speech the
editor still works: ``say`` returns a line saying why, with the cue's words.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QSoundEffect

from routineplayer.core.library import Library
from routineplayer.core.model import Routine, Step
from routineplayer.core.problems import RoutineError
from routineplayer.core.timeline import IncludeError, expand
from routineplayer.speech.renderer import Renderer


def cue_text(routine: Routine, step: Step, library: Library) -> str:
    """What the player says as ``step`` begins: its announcement, from the shared timeline."""
    alone = Routine(routine.title, (step,), lead_in=routine.lead_in)
    try:
        timeline = expand(alone, library.resolve)
    except (IncludeError, LookupError, RoutineError):
        return step.say or step.display_title
    for segment in timeline.segments:
        if segment.step_index == 0:
            for cue in segment.cues:
                if cue.text:
                    return cue.text
    return step.say or step.display_title


class CuePreview(QObject):
    """Speaks one text at a time; a new request replaces the one still playing."""

    rendered = Signal(str, str)  # text, WAV path ("" when it could not be rendered)
    finished = Signal(str)  # a line for the status bar

    def __init__(
        self, parent: QObject | None = None, make_renderer: Callable[[], Renderer] = Renderer
    ) -> None:
        super().__init__(parent)
        self._make_renderer = make_renderer
        self._renderer: Renderer | None = None
        self._effect: QSoundEffect | None = None
        self._wanted = ""
        self.rendered.connect(self._play)

    def say(self, text: str) -> str:
        """Start speaking ``text``; returns what to show meanwhile."""
        if self._renderer is None:
            self._renderer = self._make_renderer()
        if not self._renderer.engine.available:
            return f"{self._renderer.engine.reason} The cue says: “{text}”"
        self._wanted = text
        renderer = self._renderer
        threading.Thread(target=self._render, args=(renderer, text), daemon=True).start()
        return f"Speaking: “{text}”"

    def _render(self, renderer: Renderer, text: str) -> None:
        report = renderer.render([text])
        path = renderer.cache.lookup(text, renderer.settings)
        if report.failed or path is None:
            self.rendered.emit(text, "")
        else:
            self.rendered.emit(text, str(path))

    def _play(self, text: str, path: str) -> None:
        if text != self._wanted:
            return  # a newer request came meanwhile
        if not path:
            self.finished.emit(f"Could not render the cue. It says: “{text}”")
            return
        self.stop()
        self._effect = QSoundEffect(self)
        self._effect.setSource(QUrl.fromLocalFile(str(Path(path))))
        self._effect.play()
        self.finished.emit(f"Playing: “{text}”")

    def stop(self) -> None:
        if self._effect is not None:
            self._effect.stop()
            self._effect.deleteLater()
            self._effect = None
        if self._renderer is not None and not self._wanted:
            self._renderer.close()
