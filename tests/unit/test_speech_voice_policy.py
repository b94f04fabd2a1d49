"""Who speaks when two cues want the voice, and the Mix that carries voice and chimes."""

from __future__ import annotations

import itertools
import math
from array import array

import pytest

from routineplayer.speech.mixer import IDLE_MS, PRIME_S, TICK_MS, Mix, _Feeder
from routineplayer.speech.voice_policy import Action, VoiceTiming, decide, too_late

T = VoiceTiming(wait_s=0.3, fade_s=0.06, max_late_s=1.0)


def test_free_voice_starts_now() -> None:
    assert decide(10.0, 1, None, None, T).action is Action.START
    assert decide(10.0, 1, 2, 9.9, T).action is Action.START  # the other one already ended


def test_higher_priority_waits_for_a_voice_about_to_end() -> None:
    d = decide(10.0, 2, 1, 10.2, T)
    assert d.action is Action.AFTER_CURRENT
    assert d.start_at == pytest.approx(10.2)


def test_higher_priority_cuts_a_long_voice_with_a_fade() -> None:
    d = decide(10.0, 3, 1, 12.0, T)
    assert d.action is Action.CUT
    assert d.start_at == pytest.approx(10.06)


@pytest.mark.parametrize("priority", [0, 1])
def test_equal_or_lower_priority_queues_behind(priority: int) -> None:
    d = decide(10.0, priority, 1, 11.5, T)
    assert d.action is Action.QUEUE
    assert d.start_at == pytest.approx(11.5)


def test_queued_cue_more_than_max_late_is_dropped() -> None:
    assert not too_late(10.0, 10.9, T)
    assert too_late(10.0, 11.1, T)


def test_a_notice_is_never_too_late() -> None:
    # "Sound is back." (priority -1) is as true ten seconds later as it was then.
    assert not too_late(10.0, 20.0, T, priority=-1)
    assert too_late(10.0, 20.0, T, priority=0)


def ramp(n: int, value: int = 1000) -> array:
    return array("h", [value] * n)


def test_mix_is_silent_when_idle_and_plays_a_voice_once() -> None:
    mix = Mix(rate=1000)
    assert mix.pull(10) is None
    token = mix.start_voice(ramp(15), 1.0)
    assert mix.voice_token == token
    assert list(mix.pull(10) or []) == [1000] * 10
    assert list(mix.pull(10) or []) == [1000] * 5
    assert mix.voice_token is None
    assert mix.pull(10) is None


def test_new_voice_replaces_the_old_one_and_chimes_add_with_clipping() -> None:
    mix = Mix(rate=1000)
    mix.start_voice(ramp(10, 1000), 1.0)
    mix.start_voice(ramp(10, 2000), 0.5)  # the player decides; the mix obeys
    mix.add_chime(ramp(4, 32000), 1.0)
    out = list(mix.pull(6) or [])
    assert out == [32767] * 4 + [1000] * 2


def test_fade_reaches_silence_then_the_voice_is_gone() -> None:
    mix = Mix(rate=1000)
    token = mix.start_voice(ramp(100, 10000), 1.0)
    mix.pull(10)
    mix.fade_voice(token, 0.02)  # 20 samples at 1000 Hz
    out = list(mix.pull(50) or [])
    assert len(out) == 20
    assert out[0] == 10000
    assert all(a >= b for a, b in itertools.pairwise(out))
    assert out[-1] <= 500
    assert mix.voice_token is None


def test_a_player_can_only_touch_its_own_sounds() -> None:
    """The mix is shared by every player in the process; an old player's timers must not
    stop or fade the voice a newer one is speaking, nor clear its chimes."""
    mix = Mix(rate=1000)
    old = mix.start_voice(ramp(10), 1.0, owner=1)
    new = mix.start_voice(ramp(10), 1.0, owner=2)
    mix.add_chime(ramp(5), 1.0, owner=2)
    mix.stop_voice(old)
    mix.fade_voice(old, 0.01)
    mix.clear(owner=1)
    assert mix.voice_token == new
    assert list(mix.pull(3) or []) == [2000] * 3
    mix.clear(owner=2)
    assert mix.pull(3) is None


# -- sounds placed ahead, to the sample -------------------------------------------------------


def test_a_voice_asked_for_ahead_starts_on_the_sample_heard_at_its_moment() -> None:
    mix = Mix(rate=1000)  # a sample per millisecond
    mix.start_voice(ramp(5, 7), 1.0, at=10.025)
    assert mix.pull(20, hear_at=10.0) is None  # not in this chunk: nothing to write
    out = list(mix.pull(20, hear_at=10.020) or [])
    assert out == [0] * 5 + [7] * 5 + [0] * 0  # 5 ms of silence, then the voice
    assert mix.voice_token is None


def test_a_voice_placed_ahead_replaces_the_one_speaking_at_its_first_sample() -> None:
    mix = Mix(rate=1000)
    mix.start_voice(ramp(100, 1), 1.0)
    mix.start_voice(ramp(10, 9), 1.0, at=5.006)
    out = list(mix.pull(10, hear_at=5.0) or [])
    assert out == [1] * 6 + [9] * 4


def test_a_voice_asked_for_too_late_starts_at_once() -> None:
    mix = Mix(rate=1000)
    mix.start_voice(ramp(3, 4), 1.0, at=1.0)
    assert list(mix.pull(10, hear_at=2.0) or []) == [4] * 3


def test_a_chime_ahead_is_placed_too_and_cancelling_takes_back_only_what_waits() -> None:
    mix = Mix(rate=1000)
    mix.start_voice(ramp(50, 1), 1.0, owner=1)
    mix.add_chime(ramp(2, 100), 1.0, owner=1, at=3.004)
    mix.start_voice(ramp(5, 9), 1.0, owner=1, at=3.030)
    mix.clear(1, waiting_only=True)  # the session changed course: the voice goes on
    assert list(mix.pull(40, hear_at=3.0) or []) == [1] * 40
    mix.add_chime(ramp(2, 100), 1.0, owner=1, at=3.044)
    assert list(mix.pull(10, hear_at=3.040) or []) == [1] * 4 + [101] * 2 + [1] * 4


def test_what_waits_keeps_the_stream_running_only_when_it_is_due() -> None:
    mix = Mix(rate=1000)
    mix.start_voice(ramp(5, 7), 1.0, at=10.0)
    assert not mix.sounding_or_due(9.5)
    assert mix.sounding_or_due(10.0)


def test_sounds_added_together_are_written_from_the_same_sample() -> None:
    # The output wakes on the first sound added; a voice and its chime must still start
    # together, not one pull (~120 ms of stream) apart.
    mix = Mix(rate=1000)
    woken: list[int] = []
    mix.on_new = lambda: woken.append(1)
    with mix.together():
        mix.start_voice(ramp(4, 100), 1.0)
        assert not mix.sounding_or_due(0.0)
        assert mix.pull(4) is None  # what the output would write between the two: nothing
        mix.add_chime(ramp(4, 20), 1.0)
        assert woken == []
    assert woken == [1]  # one wake, once both are in
    assert list(mix.pull(4) or []) == [120] * 4


def test_the_next_sound_due_is_now_for_one_sounding_and_its_moment_for_one_waiting() -> None:
    mix = Mix(rate=1000)
    assert mix.next_due() is None
    mix.start_voice(ramp(5, 7), 1.0, at=10.0)
    mix.add_chime(ramp(2, 1), 1.0, at=12.0)
    assert mix.next_due() == 10.0
    with mix.together():
        mix.add_chime(ramp(2, 1), 1.0)
        assert mix.next_due() == 10.0  # held until the block ends
    assert mix.next_due() == -math.inf


def test_the_output_wakes_at_its_pace_and_for_a_waiting_sound_only_to_prime_the_stream() -> None:
    mix = Mix(rate=1000)
    feeder = _Feeder(mix)
    feeder._hear_at = 100.0  # a sample written now is heard then
    assert feeder._pace() == IDLE_MS  # nothing at all: only the stream's health
    mix.start_voice(ramp(5, 7), 1.0, at=100.0 + PRIME_S + 0.07)
    assert feeder._pace() == 70  # asleep until the stream must run on silence before it
    mix.start_voice(ramp(5, 7), 1.0, at=100.0 + PRIME_S + 5.0)
    assert feeder._pace() == 70  # the first one waiting decides
    mix.clear()
    mix.start_voice(ramp(5, 7), 1.0, at=100.0 + PRIME_S + 5.0)
    assert feeder._pace() == IDLE_MS  # a far one: the usual look at the stream comes first
    mix.start_voice(ramp(5, 7), 1.0, at=100.0)  # due already
    assert feeder._pace() == TICK_MS
    mix.start_voice(ramp(5, 7), 1.0)  # sounding now
    assert feeder._pace() == TICK_MS
