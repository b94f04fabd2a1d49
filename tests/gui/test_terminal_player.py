"""`routineplayer play NAME --audio-only` in a real pseudo-terminal, keys pressed one by one."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pexpect
import pytest
from journal_support import LOCKER, builtin_timeline, fake_driver
from pytestqt.qtbot import QtBot

from routineplayer.core import paths
from routineplayer.core.journal import Journal, Outcome
from routineplayer.core.pain import PainLocation
from routineplayer.core.session import State
from routineplayer.runtime.journal_recorder import JournalRecorder
from routineplayer.terminal_player import TerminalPlayer, event_line, split_keys

ROUTINEPLAYER = Path(sys.executable).parent / "routineplayer"


def spawn(*args: str) -> pexpect.spawn:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the terminal player must need no display of any kind
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    child = pexpect.spawn(
        str(ROUTINEPLAYER), list(args), env=env, encoding="utf-8", timeout=60, dimensions=(40, 200)
    )
    return child


# A short set with the check after it: a skipped set is not checked, so the tests wait
# the set out (lead-ins can be skipped).
QUICK_CHECK = """\
format: 1
title: Quick check
position: On hands and knees
lead_in: 3s
steps:
  - title: Short slides
    duration: 2s
    sets: 2
    rest_between_sets: 5s
    check: true
"""


def quick_check(tmp_path: Path) -> str:
    routine = tmp_path / "quick-check.yaml"
    routine.write_text(QUICK_CHECK, encoding="utf-8")
    return str(routine)


def test_start_answer_a_check_and_quit(tmp_path: Path) -> None:
    child = spawn("play", quick_check(tmp_path), "--audio-only")
    try:
        child.expect("Position: On hands and knees")
        child.expect("Press Enter or space to start")
        child.send("\r")
        child.expect(r"\? Before we start: how is your pain right now")
        child.send("s")  # skips the question (not a step: nothing plays yet)
        child.expect("Skipped. No rating recorded.")
        child.expect(r"> Quick check · Get ready")
        child.send("s")  # past the opening
        child.expect(r"> Short slides · Get ready")
        child.send("s")  # past the step's lead-in
        child.expect(r"> Short slides · Set 1 of 2")
        child.send(" ")
        child.expect(r"\|\| Paused")
        child.send(" ")
        child.expect("> Carrying on")
        child.expect(r"\? Did your lower belly disconnect\? Press y for yes, n for no\.")
        child.send("y")
        child.expect("answer: yes")
        child.expect(r"> Rest and reset · Set 1 of 2 \(2 minutes\)")
        child.send("q")
        child.expect(r"\? Stop the routine\? Press y to stop, or n to carry on\.")
        child.send("y")
        child.expect(r"\* Stopped")
        child.expect("Rest-and-resets taken: 1")
        child.expect(r"\? How is your pain now, after the routine")
        child.send("q")  # leaves without a rating
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before


def test_pain_rated_by_number_keys_is_in_the_journal(tmp_path: Path) -> None:
    child = spawn("play", quick_check(tmp_path), "--audio-only")
    try:
        child.expect("Press Enter or space to start")
        child.send("\r")
        child.expect(r"\? Before we start")
        child.send("4")
        child.expect(r"\? Pain 4 noted. Where is the pain\?")
        child.send("l")
        child.expect("  Lower back.")
        child.expect(r"> Quick check · Get ready")
        child.send("ss")  # past the opening and the step's lead-in
        child.expect(r"> Short slides · Set 1 of 2")
        child.expect(r"\? Did your lower belly disconnect\?")
        child.send("n")
        child.expect("answer: no")
        child.send("q")
        child.expect(r"\? Stop the routine\?")
        child.send("\r")
        child.expect(r"\* Stopped")
        child.expect(r"\? How is your pain now, after the routine")
        child.send("2")
        child.expect("  Pain 2 noted.")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before

    with Journal.open(paths.journal_path()) as journal:
        (session,) = journal.sessions()
        sets = journal.sets(session.id)
    assert session.routine_title == "Quick check"
    assert (session.pain_before, session.pain_before_location) == (4, PainLocation.LOWER_BACK)
    assert session.pain_after == 2
    assert session.outcome is Outcome.STOPPED
    first = sets[0]
    assert (first.step_title, first.set_number, first.check_answer) == ("Short slides", 1, False)


def test_high_pain_shows_the_notice_and_q_does_not_start() -> None:
    child = spawn("play", "warm-up", "--audio-only")
    try:
        child.expect("Press Enter or space to start")
        child.send("\r")
        child.expect(r"\? Before we start")
        child.send("9o")  # 9, somewhere else
        child.expect("When to see a doctor")
        child.expect("You rated your pain 9 out of 10")
        child.expect("not a medical device")
        child.expect("Press g to go ahead gently, or Esc or q not to start.")
        child.send("q")
        child.expect("Not started.")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    with Journal.open(paths.journal_path()) as journal:
        assert journal.sessions() == []


def test_unknown_routine_says_what_it_might_be() -> None:
    child = spawn("play", "warm-upp", "--audio-only")
    child.expect("did you mean 'warm-up'")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2


def lflag(child: pexpect.spawn) -> int:
    """The pty's local modes, read on our side: a pty's two ends share one termios."""
    return int(termios.tcgetattr(child.child_fd)[3])


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_restores_the_terminal_and_records_the_stop(signum: signal.Signals) -> None:
    child = spawn("play", "upper-back-slides", "--audio-only")
    try:
        child.expect("Press Enter or space to start")
        assert not lflag(child) & (termios.ICANON | termios.ECHO)  # keys one at a time, unechoed
        child.send("\r")
        child.expect(r"\? Before we start")
        child.send("s")
        child.expect(r"> Upper-back slides · Get ready")
        child.kill(signum)
        child.expect(pexpect.EOF)
        child.wait()
        modes = lflag(child)  # before close(): the pty is still ours to read
    finally:
        child.close(force=True)
    assert modes & termios.ICANON and modes & termios.ECHO, "the terminal was left in cbreak"
    assert child.exitstatus == 128 + signum, (child.exitstatus, child.signalstatus)

    with Journal.open(paths.journal_path()) as journal:
        (session,) = journal.sessions()
    assert session.outcome is Outcome.STOPPED
    assert session.ended_at is not None


NO_TERMINAL = "play --audio-only needs a terminal on standard input"


@pytest.mark.parametrize(
    "shell",
    ['"$0" PLAY 0<&-', '"$0" PLAY </dev/null', 'printf "\\rsq" | "$0" PLAY'],
    ids=["closed", "dev-null", "pipe"],
)
def test_no_terminal_on_stdin_says_so_in_one_line(shell: str) -> None:
    """Keys need a terminal: a pipe's keys would all arrive before anything had started."""
    script = shell.replace("PLAY", "play upper-back-slides --audio-only")
    done = subprocess.run(
        ["bash", "-c", script, ROUTINEPLAYER],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done
    assert NO_TERMINAL in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr


# -- in this process, on a fake clock: keys as one read delivers them ---------------------------


def terminal_player(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[TerminalPlayer, io.StringIO, list[bool]]:
    """A TerminalPlayer without speech, its routine started (no pain rating before)."""
    timeline = builtin_timeline()
    driver, _clock = fake_driver(timeline)
    out = io.StringIO()
    player = TerminalPlayer(driver, timeline, out, None, JournalRecorder.open(tmp_path / "j.db"))
    left: list[bool] = []
    monkeypatch.setattr(player, "_finish", lambda: left.append(True))  # not the test's app
    player.on_keys(["\r", "s"])
    assert driver.session.state is State.LEAD_IN
    return player, out, left


def test_q_asks_before_stopping(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    player, out, _ = terminal_player(tmp_path, monkeypatch)
    session = player.driver.session
    player.on_keys(["q"])
    assert "Stop the routine? Press y to stop, or n to carry on." in out.getvalue()
    player.on_keys(["s"])  # anything else waits for the answer
    assert session.state is State.LEAD_IN and session.segment_index == 0
    player.on_keys(["n"])
    assert session.state is State.LEAD_IN
    assert out.getvalue().rstrip().endswith("Carrying on.")
    player.on_keys(["q", "\x1b"])  # Esc carries on too
    assert session.state is State.LEAD_IN
    player.on_keys(["q", "y"])
    assert session.state is State.FINISHED and session.summary().stopped


def test_a_rating_typed_before_the_question_after_is_kept(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    player, out, left = terminal_player(tmp_path, monkeypatch)
    player.on_keys(["q", "\r", "2"])  # stop (Enter says yes), then the rating at once
    qtbot.waitUntil(lambda: bool(left))
    assert "Pain 2 noted." in out.getvalue()
    recorder = player.recorder
    assert recorder is not None and recorder.flush() and recorder.journal is not None
    (session,) = recorder.journal.sessions()
    assert session.pain_after == 2


def test_keys_and_lines() -> None:
    assert split_keys("sY\x1b[C \x1b[D\r") == ["s", "y", "\x1b[C", " ", "\x1b[D", "\r"]
    from routineplayer.core.session import Event, EventKind

    paused = Event(EventKind.PAUSED, 0.0, 0, None)
    assert event_line(paused) == "|| Paused: space carries on"
    assert event_line(Event(EventKind.STATE_CHANGED, 0.0, 0, None)) is None


def test_a_rate_of_infinity_in_the_settings_does_not_stop_play() -> None:
    # Settings are untrusted input: this crashed with OverflowError before play began.
    paths.settings_path().write_text(
        '{"voice": {"rate": Infinity, "volume": NaN}}', encoding="utf-8"
    )
    child = spawn("play", "upper-back-slides", "--audio-only")
    try:
        child.expect("Press Enter or space to start")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before


# -- a journal held locked by another program ---------------------------------------------------

LOCKED_ROUTINE = """\
format: 1
title: Lock test
lead_in: 3s
steps:
  - title: Holds
    duration: 8s
    sets: 4
    rest_between_sets: 2s
"""
# 30 s: from just after the start until the third of four sets; sets 1 and 2 end meanwhile.
HOLD_S = 30.0
LATE_S = 1.0  # loose: a stall would be seconds (the old busy wait was 5 s per write)


def planned_cues(path: Path) -> list[tuple[float, str]]:
    """(planned second, words) of each spoken cue, in order: what the terminal prints."""
    from routineplayer.core.library import Library
    from routineplayer.core.loader import load_routine
    from routineplayer.core.timeline import expand

    timeline = expand(load_routine(path), Library().resolve)
    cues = [
        (seg.start + cue.offset, cue.text)
        for seg in timeline.segments
        for cue in seg.cues
        if cue.text
    ]
    return [*cues, (timeline.total, timeline.closing_text)]


@pytest.mark.slow
def test_a_journal_locked_by_another_program_delays_nothing_and_loses_nothing(
    tmp_path: Path,
) -> None:
    routine = tmp_path / "lock-test.yaml"
    routine.write_text(LOCKED_ROUTINE, encoding="utf-8")
    Journal.open(paths.journal_path()).close()  # the file exists, in WAL mode, to be locked
    child = spawn("play", str(routine), "--audio-only")
    locker: subprocess.Popen[str] | None = None
    lines: list[tuple[float, str]] = []  # (arrival, line) of everything printed once playing
    try:
        child.expect("Press Enter or space to start")
        child.send("\r")
        child.expect(r"\? Before we start")
        child.send("s")  # no rating
        child.expect(r"> Lock test · Get ready")
        started = time.monotonic()  # the session has started, and its start was written
        locker = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(paths.journal_path()), str(HOLD_S)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert locker.stdout is not None
        assert locker.stdout.readline() == "locked\n"
        assert time.monotonic() - started < 1.0, "locked before the first set ended"
        while True:
            try:
                line = child.readline()
            except pexpect.EOF:
                break
            if not line:
                break
            lines.append((time.monotonic(), line.rstrip("\r\n")))
            if "How is your pain now" in line:
                child.send("s")
        child.expect(pexpect.EOF)
        assert locker.wait(timeout=HOLD_S) == 0
        assert locker.stdout.readline() == "released\n"
    finally:
        child.close(force=True)
        if locker is not None:
            if locker.poll() is None:
                locker.kill()
            locker.communicate()  # and closes its pipe
    printed = [text for _, text in lines]
    assert child.exitstatus == 0, printed

    # Every cue printed at its planned time (from the start): no stall while locked.
    cues = [(t, text[3:-1]) for t, text in lines if text.startswith('  "')]
    plan = planned_cues(routine)
    assert [words for _, words in cues] == [words for _, words in plan], printed
    late = [
        (words, round(t - started - planned, 3))
        for (t, words), (planned, _) in zip(cues, plan, strict=True)
    ]
    assert max(abs(d) for _, d in late) < LATE_S, late

    # One message while the writes were held up and one when they caught up, never one
    # per set; SQLite's own words are for the log, not the player.
    notes = [text for text in printed if "journal" in text.lower()]
    assert len(notes) == 2 and notes[0].startswith("! "), notes
    assert not notes[1].startswith("! "), "caught up: good news, not a problem"
    assert not [text for text in printed if "database is locked" in text], printed
    assert not [text for text in printed if "journal write failed" in text], printed

    with Journal.open(paths.journal_path()) as journal:
        (session,) = journal.sessions()
        sets = journal.sets(session.id)
    assert session.outcome is Outcome.FINISHED
    assert [(s.step_title, s.set_number, s.skipped) for s in sets] == [
        ("Holds", n, False) for n in range(1, 5)
    ]
