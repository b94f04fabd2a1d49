"""``routineplayer play NAME|FILE --audio-only``: a routine by sound, from a terminal.

No window and no display: Qt runs offscreen only for its event loop, timers and audio.
Single keys are read from stdin (cbreak mode, so Ctrl+C still works): space pauses or says
a set is done, s skips, b goes back, y / n answer the check, Enter is the primary action
and q quits. Each session event prints one line.

Pain is asked aloud before and after (core.rating_prompts.PainInterview: a number key, T for
ten, S or Esc to skip), and a rating of 8 or more prints the safety notice and waits for G
(go ahead) or Esc / q (don't start). The session is written to the journal as it plays.

SIGTERM and SIGHUP record the session as stopped, restore the terminal and exit 128 + the
signal's number. Without a terminal on stdin it says so and exits 2: keys from a file or a
pipe would all arrive (and end) before anything had started.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Any, TextIO

from PySide6.QtCore import QCoreApplication, QLoggingCategory, QObject, QSocketNotifier, QTimer

from routineplayer.core.durations import spoken_duration
from routineplayer.core.plan import format_clock
from routineplayer.core.rating_prompts import (
    PainAnswer,
    PainInterview,
    When,
    high_pain_notice_text,
)
from routineplayer.core.safety import notice_needed_before_play, safety_notice
from routineplayer.core.session import STATE_OF_SEGMENT, Event, EventKind, State
from routineplayer.core.timeline import SegmentKind, Timeline
from routineplayer.runtime.commands import dispatch
from routineplayer.runtime.journal_recorder import JournalRecorder
from routineplayer.runtime.keymap import Command
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.runtime.speak import QUESTION_CHIME
from routineplayer.runtime.speak import say as speak
from routineplayer.runtime.summary_text import summary_lines
from routineplayer.runtime.view_text import set_text
from routineplayer.runtime.voice import Voice, opening_texts

KEYS: dict[str, Command] = {
    " ": Command.PAUSE_OR_DONE,
    "s": Command.SKIP,
    "\x1b[C": Command.SKIP,  # →
    "b": Command.BACK,
    "\x1b[D": Command.BACK,  # ←
    "y": Command.YES,
    "n": Command.NO,
    "\r": Command.PRIMARY,
    "\n": Command.PRIMARY,
}
QUIT_KEYS = frozenset({"q", "\x04"})  # q, or Ctrl+D
GO_AHEAD_KEY = "g"
DONT_START_KEYS = frozenset({"\x1b", *QUIT_KEYS})
GO_AHEAD_LINE = "Press g to go ahead gently, or Esc or q not to start."
HELP = "Keys: space pause/done · s skip · b back · y/n answer · Enter carry on · q quit"
EXIT_NO_TERMINAL = 2  # a usage problem, as the CLI's other ones
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # the session ends; the program leaves at once


def split_keys(text: str) -> list[str]:
    """Keys in what one read returned; arrow keys arrive as three-character sequences."""
    keys, i = [], 0
    while i < len(text):
        if text.startswith("\x1b[", i) and i + 2 < len(text):
            keys.append(text[i : i + 3])
            i += 3
        else:
            keys.append(text[i].lower())
            i += 1
    return keys


def event_line(event: Event) -> str | None:
    """One line for an event, or None for the ones that would only repeat another line."""
    seg = event.segment
    match event.kind:
        case EventKind.SEGMENT_STARTED if seg is not None and seg.kind is not SegmentKind.CHECK:
            state = STATE_OF_SEGMENT[seg.kind]
            info = set_text(seg, state)
            length = f" ({spoken_duration(seg.duration)})" if seg.duration else ""
            return f"> {seg.title}{' · ' + info if info else ''}{length}"
        case EventKind.CUE if event.text:
            return f'  "{event.text}"'
        case EventKind.CHECK_ASKED:
            return f"? {event.text} Press y for yes, n for no."
        case EventKind.CHECK_ANSWERED:
            return f"  answer: {event.text}"
        case EventKind.RESET_STARTED:
            return "  Rest and reset, then the set again"
        case EventKind.RESETS_EXHAUSTED:
            return f"! {event.text}"
        case EventKind.PAUSED:
            return "|| Paused: space carries on"
        case EventKind.RESUMED:
            return "> Carrying on"
        case EventKind.FINISHED:
            return "* Finished"
        case EventKind.STOPPED:
            return "* Stopped"
    return None


class KeyReader(QObject):
    """Single key presses from a file descriptor, delivered on the Qt event loop."""

    def __init__(self, fd: int, on_keys: Callable[[list[str]], None]) -> None:
        super().__init__()
        self._fd = fd
        self._on_keys = on_keys
        self._saved: list[Any] | None = None  # termios attributes to restore
        if os.isatty(fd):
            import termios
            import tty

            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)  # keys one at a time, unechoed; Ctrl+C stays a signal
        self._notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._read)

    def _read(self) -> None:
        data = os.read(self._fd, 64)
        if not data:  # end of input: nobody is left to press keys
            self._notifier.setEnabled(False)
            self._on_keys(["\x04"])
            return
        self._on_keys(split_keys(data.decode("utf-8", "replace")))

    def restore(self) -> None:
        self._notifier.setEnabled(False)
        if self._saved is not None:
            import termios

            with suppress(termios.error):
                termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None


class TerminalPlayer(QObject):
    def __init__(
        self,
        driver: SessionDriver,
        timeline: Timeline,
        out: TextIO,
        voice: Voice | None = None,
        recorder: JournalRecorder | None = None,
    ) -> None:
        super().__init__()
        self.driver = driver
        self.timeline = timeline
        self.out = out
        self.voice = voice
        self.recorder = recorder
        self.exit_code = 0
        self._interview: PainInterview | None = None  # a pain question waiting for a key
        self._then: Callable[[PainAnswer], None] = lambda _answer: None
        self._pain_before: PainAnswer | None = None
        self._confirming = False  # the high-pain notice waits for g, or Esc / q
        self._starting = False  # start() runs once
        self._leaving = False  # a signal said to go: no summary, no question after
        if recorder is not None:
            recorder.attach(driver)  # first: the session's end is written before it is told
            recorder.problem.connect(lambda text: self.say(f"! {text}"))
            recorder.caught_up.connect(lambda text: self.say(f"  {text}"))
        driver.event_emitted.connect(self._on_event)
        if voice is not None:
            voice.status_changed.connect(self._voice_status)
            voice.progress.connect(self._voice_progress)

    def _voice_status(self, text: str) -> None:
        if text:
            self.say(f"! {text}")

    def _voice_progress(self, done: int, total: int) -> None:
        if done == total:
            self.say(f"Voice ready: {total} cues")

    def say(self, line: str) -> None:
        try:
            print(line, file=self.out, flush=True)
        except OSError:  # the terminal hung up (EIO): nobody reads, but play is recorded
            self._silence()

    def _silence(self) -> None:
        """Send further lines nowhere, so neither they nor the interpreter's last flush fail."""
        with suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.out.fileno())
            os.close(devnull)

    def speak(self, line: str, text: str, *, question: bool = False) -> None:
        """Print ``line`` and say ``text`` (a prompt, not a cue of the routine)."""
        self.say(line)
        sink = self.voice.player if self.voice is not None else None
        speak(sink, text, chime=QUESTION_CHIME if question else None)

    def introduce(self) -> None:
        routine = self.timeline.routine
        self.say(f"{routine.title} · {format_clock(self.timeline.total)}")
        if routine.position:
            self.say(f"Position: {routine.position}")
        for item in routine.equipment:
            self.say(f"You need: {item}")
        for note in routine.safety:
            self.say(f"Safety: {note}")
        self.say(HELP)
        self.say("Press Enter or space to start, q to quit.")

    def on_keys(self, keys: list[str]) -> None:
        for key in keys:
            # A pain question takes every key first: "s" skips it here, not a step.
            if self._interview is not None and self._answer(key):
                continue
            if self._confirming:
                self._confirm(key)
                continue
            if key in QUIT_KEYS:
                self.quit()
                return
            command = KEYS.get(key)
            if command is None or self._interview is not None:
                continue
            if self.driver.session.state is State.IDLE:
                if command in (Command.PRIMARY, Command.PAUSE_OR_DONE):
                    self.start()
                continue
            dispatch(self.driver, command)

    # -- pain questions -------------------------------------------------------------------------

    def _ask(self, interview: PainInterview, then: Callable[[PainAnswer], None]) -> None:
        """Ask once the question can be said (rendered first: a moment, the first time)."""
        self._interview = interview
        self._then = then
        question = interview.question
        self._when_voice_ready(
            [question], lambda: self.speak(f"? {question}", question, question=True)
        )

    def _answer(self, key: str) -> bool:
        interview = self._interview
        assert interview is not None
        said = interview.press(key)
        if said is None:
            return False
        self.speak(f"  {said}" if interview.done else f"? {said}", said)
        if interview.done:
            self._interview = None
            self._then(interview.answer)
        return True

    def start(self) -> None:
        """Ask the pain before, then play (after the safety notice for a high rating)."""
        if self._starting:  # Enter again while the voice is prepared: already on its way
            return
        self._starting = True
        location = self.recorder.last_location() if self.recorder is not None else None
        self._ask(PainInterview(When.BEFORE, location=location), self._after_pain_before)

    def _after_pain_before(self, pain: PainAnswer) -> None:
        self._pain_before = pain
        if not notice_needed_before_play(pain.level):
            self._play()
            return
        assert pain.level is not None
        self.say(safety_notice(pain.level).as_text())
        self.speak(GO_AHEAD_LINE, high_pain_notice_text(pain.level))
        self._confirming = True

    def _confirm(self, key: str) -> None:
        if key == GO_AHEAD_KEY:
            self._confirming = False
            self.say("Going ahead gently.")
            self._play()
        elif key in DONT_START_KEYS:
            self._confirming = False
            self.say("Not started.")
            self._finish()

    def _play(self) -> None:
        """Start once the first minute's words are rendered (a moment: none becomes a chime)
        and the answer to the pain question has been said (the opening is not cut short)."""
        texts = opening_texts(self.timeline)
        self._when_voice_ready(texts, lambda: self._when_quiet(self._begin))

    def _begin(self) -> None:
        # The journal entry opens only when play really starts: quitting while the voice is
        # prepared leaves no unfinished session behind.
        if self.recorder is not None:
            self.recorder.begin(self.timeline, pain=self._pain_before)
        self.driver.start()

    def _when_voice_ready(self, texts: list[str], then: Callable[[], object]) -> None:
        if self.voice is None:
            then()
            return
        if not self.voice.ready(texts):
            self.say("Preparing the voice...")
        self.voice.when_ready(texts, then)

    def _when_quiet(self, then: Callable[[], object]) -> None:
        if self.voice is None:
            then()
        else:
            self.voice.when_quiet(then)

    def _after_end(self) -> None:
        """The summary, then (once the closing words are heard) the pain after."""
        if self._leaving:
            return
        self._print_summary()
        self._when_quiet(lambda: self._ask(PainInterview(When.AFTER), self._after_pain_after))

    def _after_pain_after(self, pain: PainAnswer) -> None:
        if self.recorder is not None:
            self.recorder.record_pain_after(pain)
        self._when_quiet(self._finish)  # the answer said before the program ends

    def quit(self) -> None:
        """q: stop the routine (its summary and the pain question follow); before it has
        started, or once it has ended, leave."""
        if self.driver.session.state in (State.IDLE, State.FINISHED):
            self._finish()
        else:
            self.driver.stop()

    def terminate(self, signum: int) -> None:
        """SIGTERM or SIGHUP: the session is recorded as stopped (as q records it) and the
        program leaves at once, without the summary or the pain question: nobody may be
        there to answer (a hangup), or the system is shutting down."""
        self._leaving = True
        self.exit_code = 128 + signum
        self.driver.stop()  # nothing when not started or already ended
        self._finish()

    def _on_event(self, event: Event) -> None:
        line = event_line(event)
        if line is not None:
            self.say(line)
        if event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            # After the closing words' own line, which the session emits next.
            QTimer.singleShot(0, self._after_end)

    def _print_summary(self) -> None:
        heading, lines = summary_lines(self.driver.session.summary())
        self.say(heading)
        for text in lines:
            self.say(f"  {text}")

    def _finish(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.exit(self.exit_code)


def no_terminal(fd: int | None) -> str | None:
    """Why keys cannot be read from ``fd`` (stdin when None), or None when it is a terminal."""
    if fd is None:
        try:
            fd = sys.stdin.fileno()  # sys.stdin is None when fd 0 was closed at start-up
        except (AttributeError, OSError, ValueError):
            return "standard input is closed"
    try:
        if os.isatty(fd):
            return None
    except OSError:
        return "standard input is closed"
    return "standard input is not a terminal (a file or a pipe)"


def _on_signals(actions: dict[int, Callable[[], object]]) -> dict[int, Any]:
    """Run ``actions[signum]`` from the event loop on each signal; the previous handlers."""

    def handle(signum: int, _frame: object) -> None:
        # Not here: a handler runs between any two bytecodes, maybe in the middle of a
        # driver command or a journal write. The event loop runs it once that has returned.
        QTimer.singleShot(0, actions[signum])

    return {signum: signal.signal(signum, handle) for signum in actions}


def run(
    timeline: Timeline,
    *,
    speech: bool = True,
    stdin_fd: int | None = None,
    out: TextIO | None = None,
) -> int:
    """Play ``timeline`` in this terminal; returns the exit code."""
    why = no_terminal(stdin_fd)
    if why is not None:
        print(
            "routineplayer: play --audio-only needs a terminal on standard input for its keys, "
            f"but {why}; run it in a terminal without redirecting its input",
            file=sys.stderr,
        )
        return EXIT_NO_TERMINAL
    fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
    # QtMultimedia reports its backend on start-up; that is noise between the printed cues.
    QLoggingCategory.setFilterRules(
        "qt.multimedia.*.info=false\nqt.multimedia.symbolsresolver.warning=false"
    )
    app = QCoreApplication.instance() or QCoreApplication([sys.argv[0]])
    out = out or sys.stdout
    voice = Voice() if speech else None
    driver = SessionDriver.for_timeline(timeline, voice.player if voice is not None else None)
    recorder = JournalRecorder.open()
    if recorder.message:
        print(f"! {recorder.message}", file=out, flush=True)
    player = TerminalPlayer(driver, timeline, out, voice, recorder)
    # Before the terminal's mode changes: from then on a signal must not kill us outright.
    actions: dict[int, Callable[[], object]] = {signal.SIGINT: player.quit}
    actions |= {signum: partial(player.terminate, signum) for signum in STOP_SIGNALS}
    previous = _on_signals(actions)
    # Python runs signal handlers only between bytecodes: a timer lets the signals through.
    wake = QTimer()
    wake.start(200)
    wake.timeout.connect(lambda: None)
    reader: KeyReader | None = None
    try:
        reader = KeyReader(fd, player.on_keys)
        player.introduce()
        if voice is not None:
            voice.prepare(timeline)
        return app.exec()
    finally:
        if reader is not None:
            reader.restore()  # first: whatever happened, the terminal is as it was
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        recorder.close()
        if voice is not None:
            voice.close()
