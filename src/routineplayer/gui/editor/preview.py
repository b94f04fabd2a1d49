"""Hearing a step's cue from the editor, through the same speech path the player uses.

The step is expanded alone by the shared timeline, so the words are exactly what the player
would say as the step begins; runtime.voice.Voice renders them off the GUI thread and its
CuePlayer plays them. Without speech or sound the editor still works: ``say`` returns the
reason (with the words) for the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from routineplayer.core.library import Library
from routineplayer.core.model import Routine, Step
from routineplayer.core.problems import RoutineError
from routineplayer.core.timeline import CueKind, IncludeError, Timeline, expand
from routineplayer.runtime.voice import Voice


def step_timeline(routine: Routine, step: Step, library: Library) -> Timeline | None:
    """The timeline of ``step`` played on its own (None if its include cannot be found)."""
    alone = Routine(routine.title, (step,), lead_in=routine.lead_in)
    try:
        return expand(alone, library.resolve)
    except (IncludeError, LookupError, RoutineError):
        return None


def cue_text(timeline: Timeline | None, step: Step) -> str:
    """What the player says as the step begins: its announcement from the timeline."""
    for segment in timeline.segments if timeline else ():
        if segment.step_index == 0:
            for cue in segment.cues:
                if cue.text:
                    return cue.text
    return step.say or step.display_title


class CuePreview(QObject):
    """Speaks one step's cue at a time; a new request replaces the one waiting to render."""

    spoken = Signal(str)  # the text, once it starts playing

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._voice: Voice | None = None
        self._waiting = ""

    @property
    def voice(self) -> Voice:
        if self._voice is None:  # QtMultimedia and the worker only when first asked
            self._voice = Voice(self)
            self._voice.progress.connect(self._rendered)
        return self._voice

    def say(self, routine: Routine, step: Step, library: Library) -> str:
        """Start speaking the step's cue; returns a line for the status bar."""
        timeline = step_timeline(routine, step, library)
        text = cue_text(timeline, step)
        player = self.voice.player
        if not player.speech_available:
            return f"{player.reason} The cue says: “{text}”"
        self._waiting = text
        if player.is_ready(text):
            self._play()
        elif timeline is not None:
            self.voice.prepare(timeline)
        return f"Cue: “{text}”"

    def _rendered(self, _done: int, _total: int) -> None:
        if self._waiting and self.voice.player.is_ready(self._waiting):
            self._play()

    def _play(self) -> None:
        text, self._waiting = self._waiting, ""
        self.voice.player.stop()
        self.voice.player.play(text, CueKind.ANNOUNCE.priority)
        self.spoken.emit(text)

    def stop(self) -> None:
        self._waiting = ""
        if self._voice is not None:
            self._voice.stop()
            self._voice.close()
