"""The audio output: one always-open stream, fed by a small mixer on a thread of its own.

Why not a QSoundEffect or a QAudioSink per sound: opening a stream takes 1-15 ms here when
the machine is idle but 150-1200 ms under load (measured: the first one always ~180 ms), and
QSoundEffect stays silent for good once the PulseAudio server restarts. One stream opened
ahead and kept open starts a sound 35-45 ms after it is asked for, every time. It is fed in
push mode by a 5 ms timer on its own thread, only ~120 ms ahead of the speakers, so a GUI
thread busy painting cannot starve it, and a fade or a cut takes effect within that margin.
When nothing is playing, nothing is written: the stream drains, and the next sound starts at
the stream's minimum latency instead of behind a queue of silence. Nor does the thread wake
every tick then: it looks at the stream's health every IDLE_MS, and a sound added to the mix
wakes it at once (``Mix.on_new``), so an idle routine costs no per-tick Python work; a sound
placed ahead wakes it only when the stream must be primed for it (PRIME_S before). After
SUSPEND_AFTER_S of silence the stream is suspended (corked): a running stream, even empty,
wakes Qt's PulseAudio thread and the server ~100 times a second. A sound resumes it.

The stream is rebuilt when it fails (the sink vanished) or when the default output
changes; a broken stream still "plays" (positions advance on the clock), so the routine's
timing never depends on the sound server.

A PulseAudio server that dies is the dangerous case. Qt 6.11 says nothing: the old stream
keeps "ActiveState, NoError" and just stops taking data. Its context manager
(qpulseaudio_contextmanager.cpp, onContextFailed) drops its pa_context at once and tries a
new one every 3 s; until one connects, opening any QAudioSink calls pa_context_get_state()
on a null context and libpulse aborts the process ("Assertion 'c' failed at
pulse/context.c"; measured: from 0.25 s after the kill until Qt's next 3 s retry after the
server is back). So a stream that holds sound but takes none for STALL_S counts as lost,
and a new one is opened only once the server lists a client with this process's pid
(`pactl list clients`, polled every PROBE_S while lost): that client is Qt's new context,
which exists before it connects, so opening is safe again. Without pactl (pulseaudio-utils,
which packaging asks for) the sound stays off until the app starts again: a guess
(the server's socket answering, then Qt's 3 s retry) aborted the process in testing.
``down_changed`` tells the players when sound stops reaching the output and when it is
back, whatever the cause.

``Mix`` is the pure part (no Qt): it is unit-tested on its own.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import math
import os
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PySide6.QtCore import (
    QIODevice,
    QMetaObject,
    QObject,
    QProcess,
    Qt,
    QThread,
    QTimer,
    Signal,
    SignalInstance,
    Slot,
)
from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices, QtAudio

from routineplayer.speech.wavtools import CUE_RATE

RATE = CUE_RATE  # no resampling for espeak-ng's cues and the chimes
# While something sounds: the stream is topped up to AHEAD_S this often. Qt's PulseAudio
# stream takes data in ~12 ms pieces (518 bytes at RATE, measured), so most ticks find no
# room; but at 10 ms an 18 s cue came out shifted mid-way in 2 plays of 20 (bench_speech's
# long cue, its start heard whole), and at 20 ms it lost sound. A sound added wakes the
# thread at once.
TICK_MS = 5
IDLE_MS = 500  # with nothing to write: only the stream's health is looked at, this often
# Drained and silent this long: the stream is suspended (corked). Between breath cues a
# running stream cost the feeder and Qt's PulseAudio thread ~0.2 % of a core at 1 s.
SUSPEND_AFTER_S = 0.3
AHEAD_S = 0.12  # how far ahead of the speakers the stream is kept filled
PRIME_S = 0.25  # the stream runs on silence this long before a sound that waits its moment
RETRY_S = 1.0  # a broken stream is rebuilt at most this often
STALL_S = 0.5  # a stream that holds sound and takes none of it for this long is lost
PROBE_S = 1.0  # while lost: how often to ask the server whether Qt has reconnected
# From a sample leaving the stream's buffer to its sound at the sink, measured with a
# PulseAudio null sink recorded by parec (bench_runtime prints what is left over).
OUTPUT_DELAY_S = float(os.environ.get("ROUTINEPLAYER_OUTPUT_DELAY_S", "0.031"))
WAKE_S = 0.005  # a sound asked for now: the output thread wakes and writes it within this
NOW_DELAY_S = WAKE_S + OUTPUT_DELAY_S


@dataclass
class _Source:
    samples: array[int]  # mono int16 at RATE
    gain: float
    owner: int = 0  # the player that started it: a player clears only its own sounds
    pos: int = 0
    fade_end: int | None = None  # sample index at which a fade-out reaches silence
    fade_len: int = 0
    token: int = 0
    start_at: float | None = None  # when its first sample is to be heard; None: started
    held: bool = False  # added inside ``Mix.together()``: not written until the block ends

    def lead(self, n: int, hear_at: float, rate: int) -> int | None:
        """Samples of silence before this source in a chunk of ``n`` heard from ``hear_at``;
        None if it starts after the chunk. A source asked for too late starts at once."""
        if self.start_at is None:
            return 0
        offset = max(0, round((self.start_at - hear_at) * rate))
        return None if offset >= n else offset

    def take(self, n: int) -> array[int]:
        """The next ``n`` samples (fewer at the end), with gain and any fade applied."""
        start, end = self.pos, min(len(self.samples), self.pos + n)
        if self.fade_end is not None:
            end = min(end, self.fade_end)
        chunk = self.samples[start:end]
        self.pos = end
        if self.fade_end is not None:
            base = self.fade_end
            length = max(1, self.fade_len)
            g = self.gain
            chunk = array(
                "h", (int(v * g * max(0, base - (start + i)) / length) for i, v in enumerate(chunk))
            )
        elif self.gain != 1.0:
            g = self.gain
            chunk = array("h", (int(v * g) for v in chunk))
        return chunk

    @property
    def finished(self) -> bool:
        return self.pos >= (len(self.samples) if self.fade_end is None else self.fade_end)


class Mix:
    """The voice (one at a time) plus any number of chimes, mixed to int16. Thread-safe.

    Shared by every player in the process (one output stream), so each voice has a token
    and each sound an owner: a player can only fade, stop or clear what it started.
    """

    def __init__(self, rate: int = RATE) -> None:
        self.rate = rate
        self._lock = threading.Lock()
        self._voice: _Source | None = None
        self._waiting: list[_Source] = []  # voices with a start time, in order of it
        self._chimes: list[_Source] = []
        self._tokens = itertools.count(1)
        self._depth = 0  # nesting of ``together()``
        self._woken = False  # a sound was added inside it: wake the output at its end
        # Called (on the caller's thread, outside the lock) when a sound is added: the output
        # sleeps while nothing sounds and must wake for it at once.
        self.on_new: Callable[[], None] | None = None

    def _added(self) -> None:
        with self._lock:
            if self._depth:
                self._woken = True
                return
        if self.on_new is not None:
            self.on_new()

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Sounds added inside start on the same sample: a voice and its chime. Otherwise the
        output, woken by the first, may write it ~120 ms (AHEAD_S) before the second is in."""
        with self._lock:
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                wake = self._depth == 0 and self._woken
                if self._depth == 0:
                    self._woken = False
                    for source in (self._voice, *self._waiting, *self._chimes):
                        if source is not None:
                            source.held = False
            if wake and self.on_new is not None:
                self.on_new()

    def start_voice(
        self, samples: array[int], gain: float, owner: int = 0, at: float | None = None
    ) -> int:
        """Replace the voice with ``samples``, now or, given ``at`` (the output's clock), at
        the sample heard then: the voice before goes on until that moment. Returns its token."""
        with self._lock:
            token = next(self._tokens)
            source = _Source(samples, gain, owner, token=token, start_at=at, held=self._depth > 0)
            if at is None:
                self._voice = source
            else:
                self._waiting.append(source)
                self._waiting.sort(key=lambda v: v.start_at or 0.0)
        self._added()
        return token

    def _voice_with(self, token: int) -> _Source | None:
        for v in (self._voice, *self._waiting):
            if v is not None and v.token == token:
                return v
        return None

    def fade_voice(self, token: int, seconds: float) -> None:
        """Fade the voice out over ``seconds`` from what is written next, then drop it."""
        with self._lock:
            v = self._voice_with(token)
            if v is not None and v.fade_end is None:
                v.fade_len = max(1, int(seconds * self.rate))
                v.fade_end = min(len(v.samples), v.pos + v.fade_len)

    def set_voice_gain(self, token: int, gain: float) -> None:
        with self._lock:
            v = self._voice_with(token)
            if v is not None:
                v.gain = gain

    def stop_voice(self, token: int) -> None:
        with self._lock:
            if self._voice is not None and self._voice.token == token:
                self._voice = None
            self._waiting = [v for v in self._waiting if v.token != token]

    def add_chime(
        self, samples: array[int], gain: float, owner: int = 0, at: float | None = None
    ) -> None:
        """Sound ``samples`` over whatever plays, now or at ``at`` (the output's clock)."""
        with self._lock:
            self._chimes.append(_Source(samples, gain, owner, start_at=at, held=self._depth > 0))
        self._added()

    def clear(self, owner: int = 0, *, waiting_only: bool = False) -> None:
        """Silence everything ``owner`` started (``waiting_only``: what has not started yet)."""
        with self._lock:
            if not waiting_only and self._voice is not None and self._voice.owner == owner:
                self._voice = None
            self._waiting = [v for v in self._waiting if v.owner != owner]
            self._chimes = [
                c for c in self._chimes if c.owner != owner or (waiting_only and c.start_at is None)
            ]

    @property
    def voice_token(self) -> int | None:
        """The token of the voice still being written, or None."""
        v = self._voice
        return v.token if v is not None else None

    @property
    def active(self) -> bool:
        """Something sounds now, or is waiting for its moment."""
        return self._voice is not None or bool(self._waiting) or bool(self._chimes)

    def next_due(self) -> float | None:
        """When the next sound to write starts (the output's clock): -inf for one sounding
        now, None for none (sounds held by ``together()`` wait for its end)."""
        with self._lock:
            if self._voice is not None and not self._voice.held:
                return -math.inf
            starts = [s.start_at for s in (*self._waiting, *self._chimes) if not s.held]
        if not starts:
            return None
        return min(-math.inf if at is None else at for at in starts)

    def sounding_or_due(self, by: float) -> bool:
        """Something sounds, or is to start by ``by`` (the output's clock): worth writing."""
        due = self.next_due()
        return due is not None and due <= by

    def pull(self, n: int, hear_at: float = 0.0) -> array[int] | None:
        """Up to ``n`` mixed samples, the first heard at ``hear_at`` on the output's clock
        (which places what waits for its moment); None when nothing sounds in them (write
        nothing then)."""
        with self._lock:
            parts: list[array[int]] = []
            cut, incoming = n, None  # a waiting voice replaces the voice at its first sample
            if self._waiting and not self._waiting[0].held:
                lead = self._waiting[0].lead(n, hear_at, self.rate)
                if lead is not None:
                    incoming, cut = self._waiting.pop(0), lead
            if self._voice is not None and not self._voice.held and cut > 0:
                parts.append(self._voice.take(cut))
                if self._voice.finished:
                    self._voice = None
            if incoming is not None:
                incoming.start_at = None
                self._voice = incoming
                parts.append(_silence(cut) + incoming.take(n - cut))
                if incoming.finished:
                    self._voice = None
            for chime in self._chimes:
                if chime.held:
                    continue
                lead = chime.lead(n, hear_at, self.rate)
                if lead is not None:
                    chime.start_at = None
                    parts.append(_silence(lead) + chime.take(n - lead))
            self._chimes = [c for c in self._chimes if not c.finished]
        parts = [p for p in parts if p]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        out = _silence(max(len(p) for p in parts))
        for part in parts:
            for i, v in enumerate(part):
                s = out[i] + v
                out[i] = 32767 if s > 32767 else -32768 if s < -32768 else s
        return out


def _silence(n: int) -> array[int]:
    return array("h", bytes(2 * n))


def stream_format(rate: int = RATE) -> QAudioFormat:
    fmt = QAudioFormat()
    fmt.setSampleRate(rate)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    return fmt


class _Feeder(QObject):
    """Lives on the output thread: owns the QAudioSink and tops it up from the Mix."""

    # True when sound stops reaching any output (the server died, the stream broke), False
    # when it does again. Queued to the players on the GUI thread.
    down_changed = Signal(bool)

    def __init__(self, mix: Mix) -> None:
        super().__init__()
        self._down = False
        self.mix = mix
        self._sink: QAudioSink | None = None
        self._io: QIODevice | None = None
        self._device_id = b""
        self._last_try = -RETRY_S
        self._rebuild = threading.Event()
        self._clock_pos = 0.0  # when the stream is broken: the time up to which we "played"
        self._timer: QTimer | None = None
        self._lost = False  # the server died under the stream: open nothing until Qt is back
        self._free = -1  # the stream's last bytesFree(), and when it last changed
        self._moved = 0.0
        self._probe: QProcess | None = None
        self._last_probe = -PROBE_S
        self._suspended = False  # corked while silent: no callbacks, no wake-ups
        self._quiet_since: float | None = None
        self._size = 0  # the open stream's buffer, in bytes
        self._hear_at = 0.0  # when a sample written at the last tick would be heard

    @Slot()
    def begin(self) -> None:
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._open()
        self._timer.start()

    @Slot()
    def end(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._probe is not None:
            self._probe.kill()
            self._probe.waitForFinished(1000)
        self._close()

    def request_rebuild(self) -> None:
        self._rebuild.set()

    @Slot()
    def wake(self) -> None:
        """A sound was added: the stream running again, the playing pace, and a write now."""
        self._quiet_since = None
        if self._suspended and self._sink is not None:
            self._suspended = False
            self._sink.resume()
            self._free, self._moved = -1, time.monotonic()
        if self._timer is not None:
            self._timer.start(TICK_MS)
        self._tick()

    def _close(self) -> None:
        if self._sink is not None:
            self._sink.stop()
            self._sink.deleteLater()
        self._sink, self._io = None, None

    def _open(self) -> None:
        self._last_try = time.monotonic()
        self._suspended, self._quiet_since = False, None
        self._close()
        device = QMediaDevices.defaultAudioOutput()
        if device.isNull():
            return
        sink = QAudioSink(device, stream_format(self.mix.rate))
        io = sink.start()
        if io is None or sink.error() is not QtAudio.Error.NoError:
            sink.deleteLater()
            return
        self._sink, self._io, self._device_id = sink, io, bytes(device.id().data())
        self._size = sink.bufferSize()
        self._clock_pos = 0.0
        self._free, self._moved = -1, time.monotonic()

    def _stalled(self, sink: QAudioSink, now: float) -> bool:
        """The stream holds sound but has taken none of it for STALL_S: its server is gone."""
        free = sink.bytesFree()
        if free != self._free:
            self._free, self._moved = free, now
            return False
        return free < self._size and now - self._moved > STALL_S

    def _probe_server(self, now: float) -> None:
        """While lost: ask the server (asynchronously) whether Qt has reconnected."""
        if self._probe is not None or now - self._last_probe < PROBE_S:
            return
        self._last_probe = now
        probe = QProcess(self)
        probe.finished.connect(lambda code, _status: self._probed(probe, code))
        probe.errorOccurred.connect(lambda error: self._probe_failed(probe, error))
        self._probe = probe
        probe.start("pactl", ["list", "clients"])

    def _probe_failed(self, probe: QProcess, error: QProcess.ProcessError) -> None:
        # No pactl (pulseaudio-utils): nothing tells when opening is safe again, and guessing
        # aborts the process (tried: the server's socket plus Qt's 3 s retry was not enough).
        # Stay silent and keep time; the banner says the sound has stopped.
        if error is QProcess.ProcessError.FailedToStart:
            self._probe = None
            probe.deleteLater()

    def _probed(self, probe: QProcess, code: int) -> None:
        out = bytes(probe.readAllStandardOutput().data()).decode(errors="replace")
        self._probe = None
        probe.deleteLater()
        if code == 0 and f'application.process.id = "{os.getpid()}"' in out:
            self._lost = False
            self._open()

    def _broken(self) -> bool:
        sink = self._sink
        return (
            sink is None
            or sink.error() in (QtAudio.Error.OpenError, QtAudio.Error.FatalError)
            or sink.state() is QtAudio.State.StoppedState
        )

    def _tick(self) -> None:
        broken = self._feed()
        down = self._lost or broken
        if down != self._down:
            self._down = down
            self.down_changed.emit(down)
        pace = self._pace()
        if self._timer is not None and self._timer.interval() != pace:
            self._timer.setInterval(pace)
        self._suspend_when_quiet(down)

    def _pace(self) -> int:
        """Milliseconds to the next tick: TICK_MS while writing; while a sound waits for its
        moment, until the stream must be primed for it; with nothing at all, IDLE_MS (only
        the stream's health then). ``wake`` brings the pace back the moment a sound is added."""
        due = self.mix.next_due()
        if due is None:
            return IDLE_MS
        if due == -math.inf:
            return TICK_MS
        until = round((due - PRIME_S - self._hear_at) * 1000)
        return min(max(until, TICK_MS), IDLE_MS)

    def _suspend_when_quiet(self, down: bool) -> None:
        """A running stream wakes Qt's and the server's threads ~100 times a second even
        with nothing in it: once drained and silent for SUSPEND_AFTER_S, cork it."""
        sink = self._sink
        if self._suspended or sink is None or down or self.mix.active:
            self._quiet_since = None
            return
        if sink.bytesFree() < self._size:
            self._quiet_since = None  # still playing what was written
            return
        now = time.monotonic()
        if self._quiet_since is None:
            self._quiet_since = now
        elif now - self._quiet_since >= SUSPEND_AFTER_S:
            self._suspended = True
            sink.suspend()

    def _feed(self) -> bool:
        """Top the stream up; True when there is no working stream."""
        now = time.monotonic()
        self._hear_at = now + OUTPUT_DELAY_S
        if self._lost:
            self._rebuild.clear()  # opening a stream now could abort the process (see top)
            self._probe_server(now)
        elif self._sink is not None and self._stalled(self._sink, now):
            self._lost = True
            self._close()  # measured: closing a stream of a dead server is safe
            self._clock_pos = now
        elif self._rebuild.is_set():
            self._rebuild.clear()
            device = QMediaDevices.defaultAudioOutput()
            if self._broken() or bytes(device.id().data()) != self._device_id:
                self._open()
        elif now - self._last_try >= RETRY_S and self._broken():
            self._open()
        if self._broken():
            # No stream: consume sound at the speed it would have played, so that what is
            # heard when the stream returns is what should be playing by then.
            if not self.mix.active:
                self._clock_pos = now
                return True
            since = max(self._clock_pos, now - 0.5)
            n = int((now - since) * self.mix.rate)
            self._clock_pos = now
            if n > 0:
                self.mix.pull(n, since)
            return True
        assert self._sink is not None and self._io is not None
        free = self._sink.bytesFree()
        buffered = self._size - free
        # When the next sample written will be heard: after what is queued, and the path
        # beyond the stream (the sound server and the device); sounds that wait for their
        # moment are placed by it, to the sample.
        hear_at = self._hear_at = now + buffered / 2 / self.mix.rate + OUTPUT_DELAY_S
        if not self.mix.sounding_or_due(hear_at + PRIME_S):
            return False
        n = min(free, int(AHEAD_S * self.mix.rate) * 2 - buffered) // 2
        if n <= 0:
            return False
        chunk = self.mix.pull(n, hear_at)
        # Silence before a sound that waits for its moment: a stream that has drained
        # starts again a variable 20-35 ms after a write, a running one a steady 31 ms.
        self._io.write(chunk.tobytes() if chunk is not None else bytes(2 * n))
        return False


class AudioOutput:
    """The output thread and its stream; ``mix`` is what players talk to.

    One per process (``shared_output()``): a QThread must be stopped before it is destroyed,
    so its lifetime is tied to the process (atexit), not to whichever player made it.
    """

    def __init__(self) -> None:
        self.mix = Mix()
        self._thread = QThread()
        self._thread.setObjectName("routineplayer-audio")
        self._feeder = _Feeder(self.mix)
        feeder = self._feeder

        def wake_feeder() -> None:  # from any thread: queued to the output thread
            QMetaObject.invokeMethod(feeder, "wake", Qt.ConnectionType.QueuedConnection)

        self.mix.on_new = wake_feeder
        self._feeder.moveToThread(self._thread)
        self._thread.started.connect(self._feeder.begin)
        self._thread.start()

    @property
    def down_changed(self) -> SignalInstance:
        """bool: sound stopped reaching the output (True), or reaches it again (False)."""
        return self._feeder.down_changed

    def device_changed(self) -> None:
        """The outputs changed: follow the new default device (or rebuild a dead stream)."""
        self._feeder.request_rebuild()

    def close(self) -> None:
        if self._thread.isRunning():
            QMetaObject.invokeMethod(
                self._feeder, "end", Qt.ConnectionType.BlockingQueuedConnection
            )
            self._thread.quit()
            self._thread.wait(2000)


_shared: AudioOutput | None = None


def shared_output() -> AudioOutput:
    global _shared
    if _shared is None:
        _shared = AudioOutput()
        atexit.register(_close_shared)
    return _shared


def _close_shared() -> None:
    global _shared
    if _shared is not None:
        _shared.close()
        _shared = None
