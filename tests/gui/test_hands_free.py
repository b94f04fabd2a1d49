"""runtime.hands_free.HandsFree: what is listened for, when not, and what an answer does.

A real session through a real SessionDriver on a fake clock; the listener, the cue player,
the speech sink and the journal recorder are fakes (the real microphone and recogniser are
exercised in tests/audio/test_hands_free_audio.py). A short hold keeps the tests quick.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from journal_support import builtin_timeline, fake_driver, play_driver
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from routineplayer.core.session import State
from routineplayer.core.voice_answers import Kind, Moment, VoiceAnswer
from routineplayer.runtime.hands_free import ECHO_TAIL_MS, HandsFree
from routineplayer.runtime.session_driver import SessionDriver
from routineplayer.speech.recogniser import Heard

HOLD_S = 0.3


class FakeListener(QObject):
    heard = Signal(object)
    failed = Signal(str)
    listening_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.moment: Moment | None = None
        self.muted = False
        self.mutes: list[bool] = []

    def listen(self, moment: Moment | None) -> None:
        self.moment = moment

    def mute(self, muted: bool) -> None:
        self.muted = muted
        self.mutes.append(muted)

    def say(self, answer: VoiceAnswer | None, *, sure: bool = True, text: str = "") -> None:
        self.heard.emit(Heard(answer, text or str(answer), 0.0, 0.0, 0.5, 0.9, sure))


class FakeCues(QObject):
    cue_started = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.speaking: str | None = None

    def start(self, text: str) -> None:
        self.speaking = text
        self.cue_started.emit(text)


class FakeSink:
    def __init__(self) -> None:
        self.said: list[str] = []

    def play(self, text: str, priority: int, chime: str | None) -> None:
        self.said.append(text)


class FakeRecorder:
    def __init__(self) -> None:
        self.voice: list[tuple[str, str, int | None, int | None]] = []

    def record_voice_answer(
        self, question: str, answer: str, step: int | None = None, set_number: int | None = None
    ) -> None:
        self.voice.append((question, answer, step, set_number))


class Rig:
    def __init__(self) -> None:
        self.driver, self.clock = fake_driver(builtin_timeline())
        self.listener = FakeListener()
        self.cues = FakeCues()
        self.sink = FakeSink()
        self.recorder = FakeRecorder()
        self.hands = HandsFree(
            self.driver,
            self.listener,  # type: ignore[arg-type]
            sink=self.sink,
            cues=self.cues,  # type: ignore[arg-type]
            recorder=self.recorder,  # type: ignore[arg-type]
            hold_s=HOLD_S,
        )
        self.notices: list[str] = []
        self.hands.notice.connect(self.notices.append)

    def to_check(self) -> None:
        play_driver(self.driver, self.clock, until=at_check)
        assert self.driver.session.state is State.CHECKING


def at_check(driver: SessionDriver) -> bool:
    return driver.session.state is State.CHECKING


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.hands.close()


def test_it_listens_for_what_can_be_answered_now(rig: Rig) -> None:
    assert rig.listener.moment is None  # not started: nothing to answer
    rig.driver.start()
    assert rig.listener.moment is Moment.PLAY
    rig.to_check()
    assert rig.listener.moment is Moment.CHECK
    rig.driver.stop()
    assert rig.listener.moment is None


def test_a_spoken_no_is_confirmed_then_taken_and_noted_in_the_journal(
    rig: Rig, qtbot: QtBot
) -> None:
    rig.to_check()
    seg = rig.driver.session.segment
    assert seg is not None
    rig.listener.say(VoiceAnswer(Kind.NO))
    assert rig.sink.said == ["No: carry on."]
    assert rig.driver.session.state is State.CHECKING  # held for the undo window
    qtbot.waitUntil(lambda: rig.driver.session.state is not State.CHECKING, timeout=5000)
    assert rig.recorder.voice == [("check", "no", seg.step_index, seg.set_number)]


def test_a_spoken_yes_leads_to_the_rest_and_reset(rig: Rig, qtbot: QtBot) -> None:
    rig.to_check()
    rig.listener.say(VoiceAnswer(Kind.YES))
    assert rig.sink.said == ["Yes: rest and reset."]
    qtbot.waitUntil(lambda: rig.driver.session.state is State.RESETTING, timeout=5000)


def test_a_key_within_the_hold_undoes_a_spoken_answer(rig: Rig, qtbot: QtBot) -> None:
    rig.to_check()
    rig.listener.say(VoiceAnswer(Kind.YES))
    rig.hands.key_pressed()
    qtbot.wait(int(HOLD_S * 1000) + 200)
    assert rig.driver.session.state is State.CHECKING
    assert rig.recorder.voice == []
    assert rig.notices[-1] == "Not taken: yes."


def test_no_i_said_no_replaces_a_misheard_yes(rig: Rig, qtbot: QtBot) -> None:
    rig.to_check()
    rig.listener.say(VoiceAnswer(Kind.YES))
    rig.listener.say(VoiceAnswer(Kind.NO), text="no i said no")
    assert rig.sink.said == ["Yes: rest and reset.", "No: carry on."]
    qtbot.waitUntil(lambda: rig.driver.session.state is not State.CHECKING, timeout=5000)
    assert rig.driver.session.state is not State.RESETTING
    assert [a for _, a, _, _ in rig.recorder.voice] == ["no"]


def test_carry_on_at_the_check_means_no(rig: Rig, qtbot: QtBot) -> None:
    rig.to_check()
    rig.listener.say(VoiceAnswer(Kind.CARRY_ON))
    assert rig.sink.said == ["No: carry on."]
    assert rig.hands.held == VoiceAnswer(Kind.NO)


def test_unsure_twice_leaves_the_check_to_the_keys(rig: Rig) -> None:
    rig.to_check()
    rig.listener.say(VoiceAnswer(Kind.YES), sure=False)
    assert rig.sink.said == ["Sorry, was that yes or no?"]
    assert rig.listener.moment is Moment.CHECK
    rig.listener.say(VoiceAnswer(Kind.YES), sure=False)
    assert rig.sink.said[-1] == "Please press Y for yes or N for no."
    assert rig.listener.moment is None
    assert rig.driver.session.state is State.CHECKING  # waits for a key, as without a mic


def test_pause_and_carry_on_act_at_once(rig: Rig) -> None:
    rig.driver.start()
    rig.listener.say(VoiceAnswer(Kind.PAUSE))
    assert rig.driver.session.state is State.PAUSED
    assert rig.sink.said == ["Paused."]
    rig.listener.say(VoiceAnswer(Kind.CARRY_ON))
    assert rig.driver.session.state is not State.PAUSED
    assert [a for q, a, _, _ in rig.recorder.voice if q == "play"] == ["pause", "carry on"]


def test_stop_is_held_and_a_key_keeps_the_routine_going(rig: Rig, qtbot: QtBot) -> None:
    rig.driver.start()
    rig.listener.say(VoiceAnswer(Kind.STOP))
    assert rig.sink.said == ["Stopping the routine."]
    rig.hands.key_pressed()
    qtbot.wait(int(HOLD_S * 1000) + 200)
    assert rig.driver.session.state is not State.FINISHED
    rig.listener.say(VoiceAnswer(Kind.STOP))
    qtbot.waitUntil(lambda: rig.driver.session.state is State.FINISHED, timeout=5000)


def test_our_own_voice_mutes_the_listener_until_its_echo_is_gone(rig: Rig, qtbot: QtBot) -> None:
    rig.driver.start()
    rig.cues.start("Halfway.")
    assert rig.listener.muted
    rig.cues.start("One more minute.")  # right behind it
    qtbot.wait(ECHO_TAIL_MS + 200)
    assert rig.listener.muted  # still speaking
    rig.cues.speaking = None
    qtbot.wait(ECHO_TAIL_MS // 2)
    assert rig.listener.muted  # the echo's tail
    qtbot.waitUntil(lambda: not rig.listener.muted, timeout=2000)


def test_a_cue_that_cannot_sound_does_not_leave_the_listener_muted(rig: Rig, qtbot: QtBot) -> None:
    rig.driver.start()
    rig.cues.cue_started.emit("Halfway.")  # visual only: never speaking, never finished
    assert rig.listener.muted
    qtbot.waitUntil(lambda: not rig.listener.muted, timeout=2000)


def test_a_spoken_pain_rating_answers_the_question(rig: Rig, qtbot: QtBot) -> None:
    got: list[VoiceAnswer] = []
    rig.hands.ask_pain(got.append)
    assert rig.listener.moment is Moment.PAIN
    rig.listener.say(VoiceAnswer(Kind.PAIN, 4))
    assert rig.sink.said == ["Pain 4."]
    qtbot.waitUntil(lambda: got == [VoiceAnswer(Kind.PAIN, 4)], timeout=5000)
    assert rig.listener.moment is None
    assert rig.recorder.voice == []  # the player notes it with the rating (PainAnswer.spoken)


def test_a_failed_microphone_leaves_the_keys_and_the_routine_plays_on(rig: Rig) -> None:
    rig.driver.start()
    rig.listener.failed.emit("No microphone was found.")
    assert rig.notices == [
        "Spoken answers are off for now: No microphone was found. Answer with the keys."
    ]
    rig.to_check()
    rig.driver.answer_check(False)
    assert rig.driver.session.state is not State.CHECKING


def test_after_close_a_cue_no_longer_mutes_the_shared_listener(rig: Rig) -> None:
    rig.hands.close()
    rig.cues.start("Well done.")  # the closing words, after the player let go
    assert not rig.listener.muted
