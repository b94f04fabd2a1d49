"""``routineplayer play NAME|FILE --audio-only``: a routine by sound, from a terminal.

No window and no display: Qt runs offscreen only for its event loop, timers and audio.
Single keys are read from stdin (cbreak mode, so Ctrl+C still works): space pauses or says
a set is done, s skips, b goes back, y / n answer the check, Enter is the primary action
and q stops (asking first while the routine plays, as Esc does in the window: y or Enter
stops, n or Esc carries on). Each session event prints one line.

The flow around the session is runtime.session_flow.SessionFlow, the one the window runs
too; TerminalPlayer is its front-end here. Pain is asked aloud before and after
(core.rating_prompts.PainInterview: a number key, T for ten, S or Esc to skip), and a rating
of 8 or more prints the safety notice and waits for G (go ahead) or Esc / q (don't start).
The session is written to the journal as it plays.

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
from typing import TYPE_CHECKING, Any, TextIO

from PySide6.QtCore import QCoreApplication, QLoggingCategory, QObject, QSocketNotifier, QTimer

from routineplayer.core.durations import spoken_duration
from routineplayer.core.pain import PainLocation
from routineplayer.core.plan import format_clock
from routineplayer.core.rating_prompts import (
    PainAnswer,
    PainInterview,
    When,
    high_pain_notice_text,
    key_for_rating,
)
from routineplayer.core.safety import safety_notice
from routineplayer.core.session import STATE_OF_SEGMENT, Event, EventKind, State
from routineplayer.core.timeline import SegmentKind, Timeline
from routineplayer.core.voice_answers import VoiceAnswer
from routineplayer.runtime.commands import dispatch
from routineplayer.runtime.hands_free import HandsFree
from routineplayer.runtime.journal_recorder import JournalRecorder
from routineplayer.runtime.keymap import Command
from routineplayer.runtime.main_thread_gc import collect_on_this_thread, freeze_what_lives
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.runtime.session_flow import SessionFlow, Stage
from routineplayer.runtime.speak import QUESTION_CHIME
from routineplayer.runtime.speak import say as speak
from routineplayer.runtime.view_text import set_text
from routineplayer.runtime.voice import Voice

if TYPE_CHECKING:
    from routineplayer.runtime.voice_listener import VoiceListener

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
QUIT_KEYS = frozenset({"q", "\x04"})  # q, or Ctrl+D (end of input: nobody left to ask)
ASK_STOP_KEY = "q"
STOP_KEYS = frozenset({"y", "\r", "\n", "q"})  # at "Stop the routine?"; a second q too
CARRY_ON_KEYS = frozenset({"n", "\x1b"})
STOP_QUESTION = "Stop the routine? Press y to stop, or n to carry on."
CARRYING_ON = "Carrying on."
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
    """Keys in, lines and speech out; the front-end of the routine's SessionFlow."""

    def __init__(
        self,
        driver: SessionDriver,
        timeline: Timeline,
        out: TextIO,
        voice: Voice | None = None,
        recorder: JournalRecorder | None = None,
        listener: VoiceListener | None = None,
    ) -> None:
        super().__init__()
        self.driver = driver
        self.timeline = timeline
        self.out = out
        self.voice = voice
        self.recorder = recorder
        self.exit_code = 0
        # First: the flow attaches the recorder, so the session's end is written before
        # anything here is told of it.
        self.flow = SessionFlow(driver, timeline, self, recorder=recorder, voice=voice)
        self._interview: PainInterview | None = None  # a pain question waiting for a key
        self._then: Callable[[PainAnswer], None] = lambda _answer: None
        self._confirm: Callable[[bool], None] | None = None  # the safety notice: g, or Esc / q
        self._asking_stop = False  # "Stop the routine?" waits for y or n
        self._early: list[str] = []  # keys typed after the end, before the question after
        if recorder is not None:
            recorder.problem.connect(lambda text: self.say(f"! {text}"))
            recorder.caught_up.connect(lambda text: self.say(f"  {text}"))
        driver.event_emitted.connect(self._on_event)
        if voice is not None:
            voice.status_changed.connect(self._voice_status)
            voice.progress.connect(self._voice_progress)
        # --listen: spoken answers (runtime.hands_free), besides every key.
        self.hands_free: HandsFree | None = None
        if listener is not None:
            self.hands_free = HandsFree(
                driver,
                listener,
                sink=voice.player if voice is not None else None,
                cues=voice.player if voice is not None else None,
                recorder=recorder,
                parent=self,
            )
            self.hands_free.notice.connect(lambda text: self.say(f"  (voice) {text}"))

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
        if keys and self.hands_free is not None:
            self.hands_free.key_pressed()  # a key cancels a spoken answer still held
        for key in keys:
            # A pain question takes every key first: "s" skips it here, not a step.
            if self._interview is not None and self._answer(key):
                continue
            if self._confirm is not None:
                self._confirm_key(key)
                continue
            if self._asking_stop:
                self._stop_key(key)
                continue
            if self._waiting_for_question_after() and key not in QUIT_KEYS:
                self._early.append(key)  # a rating typed during the closing words counts
                continue
            if key == ASK_STOP_KEY and self._playing():
                self._asking_stop = True
                self.speak(f"? {STOP_QUESTION}", STOP_QUESTION, question=True)
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

    def start(self) -> None:
        """The flow: the pain before, then play (after the safety notice for a high rating).
        Enter again while the voice is prepared does nothing: play is already on its way."""
        self.flow.start()

    # -- the flow's front-end (runtime.session_flow.FlowFrontEnd) --------------------------------

    @property
    def audio_only(self) -> bool:
        return True  # by ear, always

    def ask_pain(
        self, when: When, location: PainLocation | None, answer: Callable[[PainAnswer], None]
    ) -> None:
        """Ask once the question can be said (rendered first: a moment, the first time)."""
        interview = PainInterview(when, location=location)
        self._interview = interview
        self._then = answer
        question = interview.question

        def ask() -> None:
            self.speak(f"? {question}", question, question=True)
            early, self._early = self._early, []
            self.on_keys(early)
            if self._interview is interview and self.hands_free is not None:
                self.hands_free.ask_pain(self._spoken_rating)

        self._when_voice_ready([question], ask)

    def confirm_safety(self, pain_before: int, answer: Callable[[bool], None]) -> None:
        self.say(safety_notice(pain_before).as_text())
        self.speak(GO_AHEAD_LINE, high_pain_notice_text(pain_before))
        self._confirm = answer

    def about_to_play(self, voice_pending: bool) -> None:
        if voice_pending:
            self.say("Preparing the voice...")

    def show_summary(self, heading: str, lines: list[str]) -> None:
        self.say(heading)
        for text in lines:
            self.say(f"  {text}")

    def leave(self, played: bool) -> None:
        if played:
            self.flow.when_quiet(self._finish)  # the last answer said before the program ends
        else:
            self._finish()

    # -- keys for the flow's questions -----------------------------------------------------------

    def _answer(self, key: str) -> bool:
        interview = self._interview
        assert interview is not None
        said = interview.press(key)
        if said is None:
            return False
        self.speak(f"  {said}" if interview.done else f"? {said}", said)
        if interview.done:
            self._interview = None
            if self.hands_free is not None:
                self.hands_free.end_pain()
            self._then(interview.answer)
        return True

    def _spoken_rating(self, answer: VoiceAnswer) -> None:
        """A rating said aloud (and not undone): taken as the key it stands for."""
        if self._interview is None:
            return
        self._interview.spoken = True
        self._answer(key_for_rating(answer.pain))  # where it hurts, if asked next: by key

    def _confirm_key(self, key: str) -> None:
        answer = self._confirm
        assert answer is not None
        if key == GO_AHEAD_KEY:
            self._confirm = None
            self.say("Going ahead gently.")
            answer(True)
        elif key in DONT_START_KEYS:
            self._confirm = None
            self.say("Not started.")
            answer(False)

    def _stop_key(self, key: str) -> None:
        if key in STOP_KEYS:
            self._asking_stop = False
            self.driver.stop()  # nothing if the routine ended meanwhile
        elif key in CARRY_ON_KEYS:
            self._asking_stop = False
            self.speak("  Carrying on.", CARRYING_ON)

    def _playing(self) -> bool:
        return self.driver.session.state not in (State.IDLE, State.FINISHED)

    def _waiting_for_question_after(self) -> bool:
        """The routine has ended and the pain question after it is not asked yet."""
        ended = self.driver.session.state is State.FINISHED
        return (
            ended
            and self._interview is None
            and self.flow.stage
            in (
                Stage.PLAYING,
                Stage.AFTER,
            )
        )

    def _when_voice_ready(self, texts: list[str], then: Callable[[], object]) -> None:
        if self.voice is None:
            then()
            return
        if not self.voice.ready(texts):
            self.say("Preparing the voice...")
        self.voice.when_ready(texts, then)

    # -- leaving --------------------------------------------------------------------------------

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
        self.flow.abandon()
        self.exit_code = 128 + signum
        self.driver.stop()  # nothing when not started or already ended
        self._finish()

    def _on_event(self, event: Event) -> None:
        if event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            self._asking_stop = False  # nothing left to stop
        line = event_line(event)
        if line is not None:
            self.say(line)

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
    listen: bool = False,
    device: str = "",
) -> int:
    """Play ``timeline`` in this terminal; returns the exit code. ``listen``: spoken
    answers too, from the input device whose description contains ``device`` (else the
    default)."""
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
    collect_on_this_thread(app)  # before any thread starts: cycles are collected here only
    out = out or sys.stdout
    voice = Voice() if speech else None
    driver = SessionDriver.for_timeline(timeline, voice.player if voice is not None else None)
    recorder = JournalRecorder.open()
    if recorder.message:
        print(f"! {recorder.message}", file=out, flush=True)
    listener = _listener(device, out) if listen else None
    player = TerminalPlayer(driver, timeline, out, voice, recorder, listener)
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
            voice.prepare(timeline, also=(STOP_QUESTION, CARRYING_ON))
        freeze_what_lives()  # set up: full collections skip all of this from now on
        return app.exec()
    finally:
        if reader is not None:
            reader.restore()  # first: whatever happened, the terminal is as it was
        for number, handler in previous.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)
        recorder.close()
        if listener is not None:
            listener.close()
        if voice is not None:
            voice.close()


def _listener(device: str, out: TextIO) -> VoiceListener:
    """The microphone and its recogniser, for --listen. A missing microphone is said in
    one line when it fails (runtime.hands_free), and the keys work as always."""
    # Imported here: pocketsphinx and QtMultimedia's input side cost nothing without --listen.
    from routineplayer.runtime.microphone import Microphone, device_matching
    from routineplayer.runtime.voice_listener import VoiceListener

    print("  Listening for spoken answers (offline; no audio is kept).", file=out, flush=True)
    return VoiceListener(Microphone(device_matching(device)))
