"""runtime.session_flow.SessionFlow: the order of its steps, with a fake front-end.

A real session through a real SessionDriver on a fake clock; the front-end, the voice and
the journal recorder are fakes that write what they are asked into one log, so each test
reads as the sequence both players go through. (Here rather than in tests/unit: the end of
a session reaches the flow through Qt's event loop.)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from journal_support import builtin_timeline, fake_driver, play_driver
from pytestqt.qtbot import QtBot

from routineplayer.core.pain import PainLocation
from routineplayer.core.rating_prompts import PainAnswer, When
from routineplayer.core.session import Event, EventKind, State
from routineplayer.core.timeline import Timeline
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.runtime.session_flow import SessionFlow, Stage

TITLE = "Upper-back slides"


class FakeVoice:
    """Keeps what it is asked to wait for until ``run_pending``: as if rendering took a while
    and the answer to the question was still being said."""

    def __init__(self, log: list[str], *, rendered: bool = False) -> None:
        self.log = log
        self.rendered = rendered
        self.pending: list[Callable[[], object]] = []

    def ready(self, texts: list[str]) -> bool:
        return self.rendered

    def when_ready(self, texts: list[str], then: Callable[[], object]) -> None:
        assert texts, "waits for the opening's words"
        self.log.append("voice: when ready")
        self.pending.append(then)

    def when_quiet(self, then: Callable[[], object]) -> None:
        self.log.append("voice: when quiet")
        self.pending.append(then)

    def cancel(self) -> None:
        self.log.append("voice: cancel")

    def run_pending(self) -> None:
        while self.pending:
            self.pending.pop(0)()


class FakeRecorder:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def attach(self, driver: SessionDriver) -> None:
        self.log.append("journal: attach")

    def last_location(self) -> PainLocation | None:
        return PainLocation.LOWER_BACK

    def begin(self, timeline: Timeline, *, pain: PainAnswer | None = None) -> None:
        self.log.append(f"journal: begin, pain {pain.level if pain else '-'}")

    def record_pain_after(self, pain: PainAnswer) -> None:
        self.log.append(f"journal: pain after {pain.level}")


class FakeFront:
    """Answers at once (as the window's modal dialogs do), or keeps the answer for later
    (as the terminal's keys do) when ``later`` is set."""

    def __init__(self, log: list[str], *, audio_only: bool = True, later: bool = False) -> None:
        self.log = log
        self.audio_only = audio_only
        self.later = later
        self.pain = {When.BEFORE: PainAnswer(3, PainLocation.LOWER_BACK), When.AFTER: PainAnswer(2)}
        self.go_ahead = True
        self.waiting: Callable[[], None] | None = None  # an answer kept for later

    def _answer(self, give: Callable[[], None]) -> None:
        if self.later:
            self.waiting = give
        else:
            give()

    def ask_pain(
        self, when: When, location: PainLocation | None, answer: Callable[[PainAnswer], None]
    ) -> None:
        self.log.append(f"ask pain {when.value}" + (f" (at {location})" if location else ""))
        self._answer(lambda: answer(self.pain[when]))

    def confirm_safety(self, pain_before: int, answer: Callable[[bool], None]) -> None:
        self.log.append(f"safety notice for {pain_before}")
        self._answer(lambda: answer(self.go_ahead))

    def about_to_play(self, voice_pending: bool) -> None:
        self.log.append("about to play" + (" (voice pending)" if voice_pending else ""))

    def show_summary(self, heading: str, lines: list[str]) -> None:
        self.log.append(f"summary: {heading}")

    def leave(self, played: bool) -> None:
        self.log.append("leave" + (" (played)" if played else " (not started)"))

    def answer_now(self) -> None:
        give, self.waiting = self.waiting, None
        assert give is not None, "nothing was asked"
        give()


def log_driver(driver: SessionDriver, log: list[str]) -> None:
    """Log the driver's start and the session's end, in order with the rest."""
    start = driver.start

    def logged_start() -> list[Event]:
        log.append("driver: start")
        return start()

    driver.start = logged_start  # type: ignore[method-assign]

    def on_event(event: Event) -> None:
        if event.kind in (EventKind.FINISHED, EventKind.STOPPED):
            log.append(f"session: {event.kind.name.lower()}")

    driver.event_emitted.connect(on_event)


class Setup:
    def __init__(self, **front: bool) -> None:
        self.log: list[str] = []
        self.timeline = builtin_timeline()
        self.driver, self.clock = fake_driver(self.timeline)
        log_driver(self.driver, self.log)
        self.front = FakeFront(self.log, **front)
        self.voice = FakeVoice(self.log)
        self.recorder = FakeRecorder(self.log)
        self.flow = SessionFlow(
            self.driver,
            self.timeline,
            self.front,
            recorder=self.recorder,  # type: ignore[arg-type]
            voice=self.voice,  # type: ignore[arg-type]
        )
        self.stages: list[Stage] = []
        self.flow.stage_changed.connect(self.stages.append)

    def play_to_the_end(self, qtbot: QtBot) -> None:
        play_driver(self.driver, self.clock)
        # The flow hears of the end on the event loop, after the closing words.
        qtbot.waitUntil(lambda: self.flow.stage is not Stage.PLAYING, timeout=2000)


@pytest.mark.parametrize("later", [False, True], ids=["answered-at-once", "answered-later"])
def test_by_ear_the_whole_flow_in_order(qtbot: QtBot, later: bool) -> None:
    s = Setup(audio_only=True, later=later)
    s.flow.start()
    if later:
        s.front.answer_now()
    assert s.driver.session.state is State.IDLE, "nothing plays before the voice is ready"
    s.voice.run_pending()
    assert s.driver.session.state is not State.IDLE
    s.play_to_the_end(qtbot)
    s.voice.run_pending()  # the closing words heard
    if later:
        s.front.answer_now()
    assert s.log == [
        "journal: attach",
        "ask pain before (at lower back)",
        "about to play (voice pending)",
        "voice: when ready",
        "voice: when quiet",  # the answer to the question said
        "journal: begin, pain 3",
        "driver: start",
        "session: finished",
        f"summary: Well done: {TITLE}",
        "voice: when quiet",
        "ask pain after",
        "journal: pain after 2",
        "leave (played)",
    ]
    assert s.stages == [
        Stage.PAIN_BEFORE,
        Stage.VOICE,
        Stage.PLAYING,
        Stage.AFTER,
        Stage.DONE,
    ]


def test_on_screen_the_question_after_follows_the_summary_at_once(qtbot: QtBot) -> None:
    s = Setup(audio_only=False)
    s.voice.rendered = True
    s.flow.start()
    s.voice.run_pending()
    s.play_to_the_end(qtbot)
    assert s.log[1:] == [
        "ask pain before (at lower back)",
        "about to play",  # rendered already: only the quiet is waited for
        "voice: when ready",
        "voice: when quiet",
        "journal: begin, pain 3",
        "driver: start",
        "session: finished",
        f"summary: Well done: {TITLE}",
        "ask pain after",
        "journal: pain after 2",
        "leave (played)",
    ]


def test_high_pain_asks_the_safety_notice_and_no_means_nothing_starts(qtbot: QtBot) -> None:
    s = Setup()
    s.front.pain[When.BEFORE] = PainAnswer(9, PainLocation.OTHER)
    s.front.go_ahead = False
    s.flow.start()
    assert s.log == [
        "journal: attach",
        "ask pain before (at lower back)",
        "safety notice for 9",
        "voice: cancel",
        "leave (not started)",
    ]
    assert s.stages == [Stage.PAIN_BEFORE, Stage.SAFETY, Stage.DONE]
    assert s.driver.session.state is State.IDLE


def test_high_pain_and_go_ahead_plays_with_the_rating_recorded(qtbot: QtBot) -> None:
    s = Setup()
    s.front.pain[When.BEFORE] = PainAnswer(8, PainLocation.OTHER)
    s.flow.start()
    s.voice.run_pending()
    assert s.log[2:6] == [
        "safety notice for 8",
        "about to play (voice pending)",
        "voice: when ready",
        "voice: when quiet",
    ]
    assert "journal: begin, pain 8" in s.log
    assert s.driver.session.state is not State.IDLE


def test_without_a_voice_or_a_journal_play_starts_at_once(qtbot: QtBot) -> None:
    log: list[str] = []
    timeline = builtin_timeline()
    driver, clock = fake_driver(timeline)
    log_driver(driver, log)
    front = FakeFront(log)
    flow = SessionFlow(driver, timeline, front)
    flow.start()
    assert log == ["ask pain before", "about to play", "driver: start"]
    play_driver(driver, clock)
    qtbot.waitUntil(lambda: flow.stage is Stage.DONE, timeout=2000)
    assert log[3:] == [
        "session: finished",
        f"summary: Well done: {TITLE}",
        "ask pain after",
        "leave (played)",
    ]


def test_start_twice_asks_once(qtbot: QtBot) -> None:
    s = Setup(later=True)
    s.flow.start()
    s.flow.start()  # Enter pressed again while the question is asked
    assert s.log.count("ask pain before (at lower back)") == 1


def test_given_up_while_the_voice_is_prepared_nothing_plays_or_is_recorded(
    qtbot: QtBot,
) -> None:
    s = Setup()
    s.flow.start()
    s.flow.abandon()  # the window closed, or the routine was stopped before it began
    s.voice.run_pending()
    assert s.driver.session.state is State.IDLE
    assert not [line for line in s.log if line.startswith(("journal: begin", "driver"))]
    assert s.stages[-1] is Stage.DONE


def test_given_up_while_playing_the_stop_brings_no_summary_or_question(qtbot: QtBot) -> None:
    s = Setup()
    s.flow.start()
    s.voice.run_pending()
    s.flow.abandon()  # a signal, or the window closing
    s.driver.stop()
    qtbot.wait(50)  # the event loop runs: the flow would have heard of the end by now
    assert s.log[-1] == "session: stopped"
    assert "leave (played)" not in s.log


def test_a_stop_ends_the_flow_as_a_finish_does(qtbot: QtBot) -> None:
    s = Setup(audio_only=False)
    s.flow.start()
    s.voice.run_pending()
    s.driver.stop()
    qtbot.waitUntil(lambda: s.flow.stage is Stage.DONE, timeout=2000)
    assert s.log[-5:] == [
        "session: stopped",
        f"summary: Stopped: {TITLE}",
        "ask pain after",
        "journal: pain after 2",
        "leave (played)",
    ]
