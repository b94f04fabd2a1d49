"""CuePlayer: plays rendered cues and chimes when the session says so.

Every sound is decoded into memory ahead (``prepare()``) and played through the one
always-open output stream of mixer.py, which starts it 35-45 ms after ``play()``; see there
for why neither QSoundEffect nor a stream per sound would do.

One "voice" carries speech: two voices never sound at once (voice_policy.py decides who
waits, who is cut with a short fade, who is dropped). Chimes mix over speech freely. When
speech or sound is unavailable the player degrades instead of failing: no speech engine ->
chimes and on-screen text; no audio output -> visual only. ``status_changed`` carries the
line the window shows in its banner, and ``cue_started`` fires for every cue, sounded or
not, so the GUI can show its text.
"""

from __future__ import annotations

import itertools
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtMultimedia import QMediaDevices

from routineplayer.speech.availability import SpeechEngine, detect_engine
from routineplayer.speech.cache import SpeechCache, VoiceSettings
from routineplayer.speech.chimes import CHIME_NAMES, FALLBACK, chime_path
from routineplayer.speech.mixer import NOW_DELAY_S, RATE, AudioOutput, shared_output
from routineplayer.speech.voice_policy import Action, VoiceTiming, decide, too_late
from routineplayer.speech.wavtools import AudioFormatError, load_clip

END_GRACE_MS = 20  # the voice is free this long after its clip should have been heard
CHIME_LEVEL = 0.8  # relative to the voice

SOUND_LOST_REASON = (
    "The sound stopped: the sound server or the speakers went away. The routine goes on, "
    "with every cue on screen, and the sound comes back by itself when they do."
)
SOUND_BACK = "Sound is back."  # said when it is: someone on the floor hears that it works
SOUND_BACK_PRIORITY = -1
# A stream reopened after a fault can stall again at once (measured: twice in 1.5 s when a
# sink came back); "Sound is back." waits until it has kept playing this long.
BACK_SETTLE_MS = 1000
NO_OUTPUT_REASON = (
    "No sound output found: cues are shown on screen only. Check that speakers or headphones "
    "are connected and the sound server (PulseAudio or PipeWire) is running."
)


_owners = itertools.count(1)


class PlayerState(StrEnum):
    READY = "ready"  # speech and chimes
    CHIMES_ONLY = "chimes-only"  # no speech engine: chimes, and the text on screen
    VISUAL_ONLY = "visual-only"  # no audio output at all


@dataclass
class _Request:
    text: str
    priority: int
    requested_at: float  # when it is to be heard, on the player's clock
    ahead: bool = False  # asked for ahead of that moment: placed to the sample by the mixer


@dataclass
class _Voice:
    text: str
    priority: int
    token: int
    end: float  # when it will have been heard, on the player's clock
    fading: bool = False
    ahead: bool = False  # placed in the mixer ahead of its moment


class CuePlayer(QObject):
    status_changed = Signal(str)  # banner text; "" when speech and sound are fine
    cue_started = Signal(str)  # a cue's text, as its voice starts (or at once if it cannot sound)
    cue_finished = Signal(str)  # its voice ended or was cut
    cue_dropped = Signal(str)  # waited too long behind other voices; not spoken
    cue_failed = Signal(str, str)  # text, reason: no audio for it (once per text); chime instead

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        *,
        engine: SpeechEngine | None = None,
        cache: SpeechCache | None = None,
        timing: VoiceTiming | None = None,
        output: AudioOutput | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine or detect_engine()
        self._settings = settings or VoiceSettings()
        self._cache = cache
        if self._cache is None and self._engine.available:
            self._cache = SpeechCache(self._engine.identity)
        self.timing = timing or VoiceTiming()
        self._clock = clock
        self._clips: dict[str, array[int]] = {}  # cue text -> its rendered voice
        self._chimes: dict[str, array[int]] = {}
        self._current: _Voice | None = None
        self._queue: list[_Request] = []
        self._reported: set[str] = set()
        self._owner = next(_owners)  # the output is shared: this player's sounds are tagged

        # Precise: Qt's default coarse timer may fire 5% early, which cut the last 0.4 s off
        # an 18 s cue (and _voice_heard checks the clock all the same).
        self._end_timer = QTimer(self)  # the current voice has been heard
        self._end_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._end_timer.setSingleShot(True)
        self._end_timer.timeout.connect(self._voice_heard)
        self._preempt_timer = QTimer(self)
        self._preempt_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._preempt_timer.setSingleShot(True)
        self._preempt_timer.timeout.connect(self._preempt_if_still_speaking)
        # Asked for ahead while a voice will still be speaking: decided at their moment.
        self._deferred: list[_Request] = []
        self._defer_timer = QTimer(self)
        self._defer_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._defer_timer.setSingleShot(True)
        self._defer_timer.timeout.connect(self._play_deferred)

        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._outputs_changed)
        for name in CHIME_NAMES:
            try:
                self._chimes[name] = load_clip(chime_path(name), RATE)
            except (OSError, AudioFormatError):
                continue  # a broken install loses that chime, not the routine
        self._state, self._reason = self._evaluate()
        self._output = output or shared_output()
        self._output.device_changed()  # the output may have changed while no player listened
        self._mix = self._output.mix
        self._down = False  # sound stopped reaching the output after it had worked
        self._owe_back = False  # it did: "Sound is back." is owed once it plays again
        self._back_timer = QTimer(self)
        self._back_timer.setSingleShot(True)
        self._back_timer.setInterval(BACK_SETTLE_MS)
        self._back_timer.timeout.connect(self._say_sound_back)
        self._output.down_changed.connect(self._sound_down)

    # -- state the GUI shows ------------------------------------------------------------

    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def reason(self) -> str:
        """One line for a banner: why sound or speech is off and how to fix it; "" if fine."""
        if self._down and self._state is not PlayerState.VISUAL_ONLY:
            return SOUND_LOST_REASON
        return self._reason

    @property
    def available(self) -> bool:
        """Any sound at all (speech or chimes)."""
        return self._state is not PlayerState.VISUAL_ONLY

    @property
    def speech_available(self) -> bool:
        return self._state is PlayerState.READY

    @property
    def speaking(self) -> str | None:
        return self._current.text if self._current else None

    def _evaluate(self) -> tuple[PlayerState, str]:
        if not QMediaDevices.audioOutputs():
            return PlayerState.VISUAL_ONLY, NO_OUTPUT_REASON
        if not self._engine.available:
            return PlayerState.CHIMES_ONLY, self._engine.reason
        return PlayerState.READY, ""

    def _sound_down(self, down: bool) -> None:
        """The output lost its stream, or has it again: say so in the banner, and out loud
        once it is back. Qt may report the outputs gone first (the banner then says there
        is no output); either way "Sound is back." is said only when the stream plays again."""
        if down == self._down:
            return
        self._down = down
        self._owe_back = self._owe_back or down
        self.status_changed.emit(self.reason)
        self._settle_then_say_back()

    def _settle_then_say_back(self) -> None:
        # The stream playing again and Qt listing the outputs again reach this thread in
        # either order after a server restart: the wait starts after the later of the two.
        if self._owe_back and not self._down and self._state is not PlayerState.VISUAL_ONLY:
            self._back_timer.start()
        else:
            self._back_timer.stop()

    def _say_sound_back(self) -> None:
        if self._owe_back and not self._down and self._state is not PlayerState.VISUAL_ONLY:
            self._owe_back = False
            # The lowest priority: any cue of the routine cuts it rather than waiting for it.
            self.play(SOUND_BACK, SOUND_BACK_PRIORITY)

    @property
    def sound_down(self) -> bool:
        """Sound stopped reaching the output (the banner says so, or that there is none)."""
        return self._down

    def _outputs_changed(self) -> None:
        self._output.device_changed()
        state, reason = self._evaluate()
        if (state, reason) != (self._state, self._reason):
            self._state, self._reason = state, reason
            self.status_changed.emit(self.reason)
            self._settle_then_say_back()

    # -- settings ------------------------------------------------------------------------

    @property
    def settings(self) -> VoiceSettings:
        return self._settings

    def set_settings(self, settings: VoiceSettings) -> None:
        """A new voice or rate means other files: forget the loaded ones. Volume applies now."""
        if settings.key_fields() != self._settings.key_fields():
            self.stop()
            self._clips.clear()
            self._reported.clear()
        self._settings = settings
        if self._current and not self._current.fading:
            self._mix.set_voice_gain(self._current.token, settings.volume)

    # -- loading ---------------------------------------------------------------------------

    def _clip_for(self, text: str) -> array[int] | None:
        clip = self._clips.get(text)
        if clip is not None:
            return clip
        path = self._cache.lookup(text, self._settings) if self._cache else None
        if path is None:
            return None
        try:
            clip = load_clip(path, RATE)
        except (OSError, AudioFormatError):
            return None
        self._clips[text] = clip
        return clip

    def prepare(self, texts: Iterable[str]) -> int:
        """Load the rendered files of ``texts`` now, so that playing them later is immediate.

        Call again as background rendering completes; returns how many are loaded.
        """
        for text in texts:
            if text:
                self._clip_for(text)
        return len(self._clips)

    def is_ready(self, text: str) -> bool:
        return self._clip_for(text) is not None

    # -- playing ---------------------------------------------------------------------------

    def play_chime(self, name: str, at: float | None = None) -> None:
        clip = self._chimes.get(name) or self._chimes.get(FALLBACK)
        if self._state is not PlayerState.VISUAL_ONLY and clip is not None:
            level = CHIME_LEVEL * self._settings.volume
            self._mix.add_chime(clip, level, self._owner, None if at is None else at)

    def play(
        self, text: str, priority: int = 0, chime: str | None = None, after_s: float | None = None
    ) -> None:
        """Speak ``text`` (as the voice rules allow) and sound ``chime``: now, or to be heard
        ``after_s`` seconds from now. Asked for ahead by more than the output's delay, the
        mixer starts them on the sample heard at that moment; ``cancel_ahead()`` takes them
        back if something changes before then."""
        with self._mix.together():  # a voice and its chime start on the same sample
            self._play(text, priority, chime, after_s)

    def _play(self, text: str, priority: int, chime: str | None, after_s: float | None) -> None:
        now = self._clock()
        ahead = after_s is not None and after_s > 0
        when = now + after_s if after_s is not None and ahead else now
        # Only clips loaded ahead (prepare/is_ready): no hashing or file reads on the tick.
        if text and self._state is PlayerState.READY and text in self._clips:
            self._request(_Request(text, priority, when, ahead))
            if chime:
                self.play_chime(chime, when if ahead else None)
            return
        if chime:
            self.play_chime(chime, when if ahead else None)
        if not text:
            return
        if self._state is not PlayerState.VISUAL_ONLY:
            self._report(text)
            if not chime:
                self.play_chime(FALLBACK)
        self.cue_started.emit(text)

    def _report(self, text: str) -> None:
        if text in self._reported:
            return
        self._reported.add(text)
        if not self._engine.available:
            reason = self._engine.reason
        else:
            reason = "this cue could not be rendered; a chime stands in for it"
        self.cue_failed.emit(text, reason)

    def _request(self, request: _Request) -> None:
        current = self._current
        if request.ahead and current is not None and current.end > request.requested_at:
            # The voice will still be speaking then: the voice rules decide at that moment.
            request.ahead = False
            self._deferred.append(request)
            self._arm_deferred()
            return
        decision = decide(
            request.requested_at,
            request.priority,
            current.priority if current else None,
            current.end if current else None,
            self.timing,
        )
        if decision.action is Action.START:
            if current is not None:  # heard by then, but its end timer has not fired yet
                # Placed ahead, the new voice replaces it in the mixer at its first sample.
                self._end_voice(current, silence=not request.ahead)
            self._start(request)
            return
        self._queue.append(request)
        self._queue.sort(key=lambda r: (-r.priority, r.requested_at))
        if decision.action is Action.CUT:
            self._fade_out()
        elif decision.action is Action.AFTER_CURRENT:
            wait_ms = max(0, round((decision.start_at - self._clock()) * 1000))
            self._preempt_timer.start(wait_ms + END_GRACE_MS)

    def _start(self, request: _Request) -> None:
        clip = self._clip_for(request.text)
        if clip is None:  # its file vanished (cache cleared) since the request
            self._report(request.text)
            self.cue_started.emit(request.text)
            self._next()
            return
        seconds = len(clip) / RATE
        if request.ahead:
            at = request.requested_at
            token = self._mix.start_voice(clip, self._settings.volume, self._owner, at)
            end = at + seconds
        else:
            token = self._mix.start_voice(clip, self._settings.volume, self._owner)
            end = self._clock() + seconds + NOW_DELAY_S
        self._current = _Voice(request.text, request.priority, token, end, ahead=request.ahead)
        self._end_timer.start(max(0, round((end - self._clock()) * 1000)) + END_GRACE_MS)
        self.cue_started.emit(request.text)

    def _next(self) -> None:
        while self._queue:
            request = self._queue.pop(0)
            if too_late(request.requested_at, self._clock(), self.timing, request.priority):
                self.cue_dropped.emit(request.text)
                continue
            self._start(request)
            return

    def _end_voice(self, voice: _Voice, *, silence: bool = True) -> None:
        if self._current is not voice:
            return
        self._current = None
        self._end_timer.stop()
        self._preempt_timer.stop()
        if silence:
            self._mix.stop_voice(voice.token)
        self.cue_finished.emit(voice.text)

    def _voice_heard(self) -> None:
        current = self._current
        if current is None:
            return
        # The voice is heard to its end on the clock (its clip plus the output's latency),
        # never before: a timer that fires early (Qt's coarse ones may, by 5%) waits again.
        # Time, not the mixer's progress, decides: a stream whose server died takes no sound,
        # and must not hold up the cues after it.
        early = current.end - self._clock()
        if early > 0:
            self._end_timer.start(max(1, round(early * 1000)))
            return
        self._end_voice(current)
        self._next()

    def _preempt_if_still_speaking(self) -> None:
        current = self._current
        if current and self._queue and self._queue[0].priority > current.priority:
            self._fade_out()

    def _fade_out(self) -> None:
        """Fade the current voice out; the next one starts when the fade has been heard."""
        current = self._current
        if current is None or current.fading:
            return
        current.fading = True
        self._mix.fade_voice(current.token, self.timing.fade_s)
        current.end = self._clock() + self.timing.fade_s
        self._end_timer.start(round(self.timing.fade_s * 1000))

    def _play_deferred(self) -> None:
        now = self._clock()
        due = [r for r in self._deferred if r.requested_at <= now]
        self._deferred = [r for r in self._deferred if r.requested_at > now]
        for request in due:
            self._request(request)
        self._arm_deferred()

    def _arm_deferred(self) -> None:
        if self._deferred:
            wait = min(r.requested_at for r in self._deferred) - self._clock()
            self._defer_timer.start(max(0, round(wait * 1000)))

    def cancel_ahead(self) -> None:
        """Take back what was asked for ahead and has not sounded yet: the session changed
        course (a pause, a skip, an answer) before its moment."""
        self._deferred.clear()
        self._defer_timer.stop()
        self._mix.clear(self._owner, waiting_only=True)
        current = self._current
        # A voice that was still waiting for its moment is gone now.
        if current is not None and current.ahead and self._mix.voice_token != current.token:
            self._current = None
            self._end_timer.stop()

    def stop(self) -> None:
        """Stop speaking and forget queued cues (the routine was stopped or skipped)."""
        self._deferred.clear()
        self._defer_timer.stop()
        self._queue.clear()
        if self._current is not None:
            self._end_voice(self._current)
        self._mix.clear(self._owner)
