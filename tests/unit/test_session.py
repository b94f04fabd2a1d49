"""The session state machine's commands, on a fake clock."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from session_support import (
    T0,
    FakeClock,
    every_kind_timeline,
    ms,
    play,
    session_of,
    timeline_of,
)

from routineplayer.core.clocks import session_clock
from routineplayer.core.model import Check, Routine, Step, StepKind
from routineplayer.core.session import (
    BACK_AGAIN_WITHIN,
    CUE_STALE_AFTER,
    SLEEP_JUMP,
    STATE_OF_SEGMENT,
    Event,
    EventKind,
    Session,
    State,
)
from routineplayer.core.summary import SetOutcome
from routineplayer.core.timeline import (
    TEXT_PAUSED,
    TEXT_PAUSED_AFTER_SLEEP,
    TEXT_RESUMED,
    TEXT_STOPPED,
    SegmentKind,
    Timeline,
    expand,
    resets_exhausted_text,
)


def kinds(events: list[Event]) -> list[EventKind]:
    return [e.kind for e in events]


def cue_texts(events: list[Event]) -> list[str]:
    return [e.text for e in events if e.kind is EventKind.CUE]


def reach(state: State) -> tuple[Session, FakeClock]:
    """A session of every_kind_timeline() that has just reached ``state``.

    RESETTING comes from a "yes" to the first check; PAUSED pauses in the middle of the first
    timed work; FINISHED plays to the end.
    """
    session, clock = session_of(every_kind_timeline())
    if state is State.IDLE:
        return session, clock
    if state is State.RESETTING:
        play(session, clock, until=lambda s: s.state is State.CHECKING)
        session.answer_check(True)
    elif state is State.PAUSED:
        play(session, clock, until=lambda s: s.state is State.WORKING)
        clock.advance(2.0)
        session.pause()
    else:
        play(session, clock, until=lambda s: s.state is state)
    assert session.state is state
    return session, clock


STATES = [
    State.IDLE,
    State.LEAD_IN,
    State.WORKING,
    State.WAITING_DONE,
    State.RESTING,
    State.CHECKING,
    State.RESETTING,
    State.PAUSED,
    State.FINISHED,
]


# -- start, pause, resume ---------------------------------------------------------------------


def test_start_announces_the_routine_at_once() -> None:
    session, _ = session_of(every_kind_timeline())
    events = session.start()
    assert kinds(events) == [EventKind.SEGMENT_STARTED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert [e.at for e in events] == [T0] * 3
    assert session.state is State.LEAD_IN
    assert session.remaining() == session.segments[0].duration
    assert session.start() == []  # a second start does nothing


def test_pause_and_resume_keep_the_remaining_time_exact() -> None:
    session, clock = reach(State.WORKING)  # Plank: 12 s per side
    assert session.remaining() == 12.0
    clock.advance(4.375)
    session.tick()
    events = session.pause()
    assert kinds(events) == [EventKind.PAUSED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert events[2].text == TEXT_PAUSED and events[1].state is State.PAUSED
    assert session.remaining() == 12.0 - 4.375
    for _ in range(50):  # a long pause, ticked and with gaps: time stands still
        clock.advance(7.0)
        assert session.tick() == []
        assert session.remaining() == 12.0 - 4.375
    resumed_at = clock.t
    events = session.resume()
    assert kinds(events) == [EventKind.RESUMED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert events[1].state is State.WORKING and events[2].text == TEXT_RESUMED
    assert session.remaining() == 12.0 - 4.375
    # The side ends exactly the frozen remainder after resuming; the "3" comes 3 s before.
    rest = play(session, clock, until=lambda s: s.segment_index > 0 and s.segment.side == "right")
    started = [e for e in rest if e.kind is EventKind.SEGMENT_STARTED]
    assert ms(started[0].at - resumed_at) == ms(12.0 - 4.375)
    three = next(e for e in rest if e.text == "3")
    assert ms(three.at - resumed_at) == ms(9.0 - 4.375)
    assert ms(session.summary().paused) == ms(50 * 7.0)


def test_toggle_pause_and_primary_pause_and_resume() -> None:
    session, _ = reach(State.LEAD_IN)
    assert session.toggle_pause()[0].kind is EventKind.PAUSED
    assert session.toggle_pause()[0].kind is EventKind.RESUMED
    assert session.primary()[0].kind is EventKind.PAUSED
    assert session.primary()[0].kind is EventKind.RESUMED
    assert session.resume() == []  # not paused: nothing to resume
    session.pause()
    assert session.pause() == []  # already paused


def test_pausing_a_check_changes_nothing_but_the_state() -> None:
    session, clock = reach(State.CHECKING)
    session.pause()
    assert session.state is State.PAUSED and session.resume_state is State.CHECKING
    clock.advance(5.0)
    events = session.answer_check(False)  # an answer resumes first
    assert kinds(events)[:2] == [EventKind.RESUMED, EventKind.STATE_CHANGED]
    assert EventKind.CHECK_ANSWERED in kinds(events)
    assert session.state is State.RESTING


# -- skip ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_skip_from_every_state(state: State) -> None:
    session, clock = reach(state)
    clock.advance(0.5)
    session.tick()
    before = session.segment_index
    seg = session.segment
    events = session.skip()
    if state in (State.IDLE, State.FINISHED):
        assert events == []
        return
    assert seg is not None
    started = [e for e in events if e.kind is EventKind.SEGMENT_STARTED]
    # The set skipped at WAITING_DONE has a check: it is passed over, never asked.
    after = before + (2 if state is State.WAITING_DONE else 1)
    assert started[0].segment_index == after and started[0].at == clock.t
    if state is State.PAUSED:
        assert session.state is State.PAUSED
        assert session.remaining() == session.segment.duration  # the next segment, untouched
        assert cue_texts(events) == []  # its cues wait for resume
        events = session.resume()
        assert session.segment.cues[0].text in cue_texts(events)
    else:
        assert session.state is STATE_OF_SEGMENT[session.segment.kind]
    if state is State.CHECKING:
        (ended,) = [e.result for e in events if e.kind is EventKind.SET_ENDED]
        assert ended is not None
        assert ended.outcome is SetOutcome.SKIPPED and ended.check_answer is None
        assert session.summary().checks == ()  # no answer is ever assumed
        assert session.summary().steps_skipped == (0,)


def test_a_skipped_set_is_not_checked() -> None:
    session, _ = reach(State.WAITING_DONE)
    events = session.skip()
    assert EventKind.CHECK_ASKED not in kinds(events)
    assert session.state is State.RESTING  # past the check, to the rest between sets
    (ended,) = [e.result for e in events if e.kind is EventKind.SET_ENDED]
    assert ended is not None and ended.outcome is SetOutcome.SKIPPED and ended.check_answer is None
    assert session.answer_check(False) == []  # nothing to answer: "no" is never assumed
    assert session.summary().checks == ()


def test_skipping_one_side_leaves_the_set_unchecked() -> None:
    timeline = timeline_of(
        Step(StepKind.TIMED, title="Sweeps", duration=10.0, sides=("left", "right"), check=Check()),
        Step(StepKind.TIMED, title="Next one", duration=10.0),
    )
    session, clock = session_of(timeline)
    play(session, clock, until=lambda s: s.state is State.WORKING)
    session.skip()  # the left side
    assert session.segment.side == "right"
    upcoming = [cue.text for _, _, cue in session.upcoming_cues(clock.t + 30.0)]
    assert not [text for text in upcoming if "belly" in text]  # the driver plays none ahead
    events = play(session, clock, until=lambda s: s.state is not State.WORKING)
    assert EventKind.CHECK_ASKED not in kinds(events)
    assert session.segment.title == "Next one"
    (result,) = session.summary().sets
    assert result.outcome is SetOutcome.SKIPPED and result.check_answer is None


def test_skip_everything_reaches_the_end_with_every_set_skipped() -> None:
    session, clock = session_of(every_kind_timeline())
    session.start()
    for _ in range(len(session.segments)):
        clock.advance(0.1)
        session.skip()
    assert session.state is State.FINISHED
    summary = session.summary()
    assert {r.outcome for r in summary.sets} == {SetOutcome.SKIPPED}
    assert [(r.step_index, r.set_number) for r in summary.sets] == [(0, 1), (0, 2), (2, 1), (2, 2)]
    assert summary.steps_skipped == (0, 1, 2)  # the rest step too


# -- back ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_back_from_every_state(state: State) -> None:
    session, clock = reach(state)
    clock.advance(0.5)
    session.tick()
    seg = session.segment
    events = session.back()
    if state in (State.IDLE, State.FINISHED):
        assert events == []
        return
    assert seg is not None
    first = session.segment
    assert first is not None and first.step_index == seg.step_index
    # The step starts again from its lead-in (a rest step from its rest).
    expected_kind = SegmentKind.REST if seg.step_index == 1 else SegmentKind.LEAD_IN
    assert first.kind is expected_kind
    assert session.segment_index == min(
        i for i, s in enumerate(session.segments) if s.step_index == seg.step_index
    )
    assert session.segments == every_kind_timeline().segments  # inserted resets are gone
    started = [e for e in events if e.kind is EventKind.SEGMENT_STARTED]
    assert started[-1].at == clock.t
    assert session.resume_state is STATE_OF_SEGMENT[first.kind]
    assert session.remaining() == first.duration


def test_a_second_back_within_3_s_goes_to_the_previous_step() -> None:
    session, clock = reach(State.WORKING)  # Plank (step 2)
    session.back()
    assert (session.segment.step_index, session.segment.kind) == (2, SegmentKind.LEAD_IN)
    clock.advance(BACK_AGAIN_WITHIN - 0.5)
    session.back()
    assert (session.segment.step_index, session.segment.kind) == (1, SegmentKind.REST)
    clock.advance(1.0)
    session.back()
    assert (session.segment.step_index, session.segment.kind) == (0, SegmentKind.LEAD_IN)
    clock.advance(1.0)
    session.back()
    assert session.segment_index == 0  # the opening: nothing before it
    clock.advance(1.0)
    session.back()
    assert session.segment_index == 0


def test_a_back_after_3_s_restarts_the_same_step_again() -> None:
    session, clock = reach(State.WORKING)
    session.back()
    clock.advance(BACK_AGAIN_WITHIN + 0.01)
    session.tick()
    session.back()
    assert (session.segment.step_index, session.segment.kind) == (2, SegmentKind.LEAD_IN)


def test_back_keeps_the_reset_count_of_a_set() -> None:
    session, clock = reach(State.RESETTING)
    session.back()
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    session.answer_check(True)
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    events = session.answer_check(True)  # the third yes on this set: max_resets is 2
    assert EventKind.RESETS_EXHAUSTED in kinds(events)


# -- done, primary ------------------------------------------------------------------------------


def test_done_ends_a_rep_set_only() -> None:
    session, clock = reach(State.WAITING_DONE)
    assert session.remaining() is None
    clock.advance(33.0)
    assert session.tick() == []  # it waits as long as it takes
    assert session.elapsed_in_segment() == 33.0
    events = session.done()
    assert kinds(events)[:3] == [
        EventKind.SEGMENT_STARTED,
        EventKind.STATE_CHANGED,
        EventKind.CHECK_ASKED,
    ]
    assert session.state is State.CHECKING
    assert session.done() == []  # done is no answer to a check
    session.answer_check(False)
    assert session.state is State.RESTING
    assert session.done() == []


@pytest.mark.parametrize(
    ("state", "then"),
    [
        (State.IDLE, State.LEAD_IN),
        (State.LEAD_IN, State.PAUSED),
        (State.WORKING, State.PAUSED),
        (State.RESTING, State.PAUSED),
        (State.CHECKING, State.PAUSED),
        (State.RESETTING, State.PAUSED),
        (State.WAITING_DONE, State.CHECKING),
        (State.PAUSED, State.WORKING),
        (State.FINISHED, State.FINISHED),
    ],
)
def test_primary_does_the_one_obvious_thing(state: State, then: State) -> None:
    session, _ = reach(state)
    session.primary()
    assert session.state is then


# -- the check ----------------------------------------------------------------------------------


def slides() -> Timeline:
    return timeline_of(
        Step(StepKind.TIMED, title="Slides", duration=30.0, sets=2, check=Check()),
        Step(StepKind.TIMED, title="Next one", duration=10.0),
    )


def test_yes_twice_on_the_same_set() -> None:
    session, clock = session_of(slides())
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    check_index = session.segment_index
    for attempt in (1, 2):
        asked_at = clock.t
        events = session.answer_check(True)
        assert kinds(events)[:4] == [
            EventKind.CHECK_ANSWERED,
            EventKind.RESET_STARTED,
            EventKind.SEGMENT_STARTED,
            EventKind.STATE_CHANGED,
        ]
        assert session.state is State.RESETTING and session.remaining() == 120.0
        assert events[4].cue is not None and events[4].cue.text == events[1].text  # reset cue
        reset = play(session, clock, until=lambda s: s.state is State.CHECKING)
        get_ready = next(e for e in reset if e.text == "Get ready to try again.")
        assert ms(get_ready.at - asked_at) == 115_000
        replay = [e for e in reset if e.kind is EventKind.SEGMENT_STARTED]
        assert [ms(e.at - asked_at) for e in replay] == [120_000, 150_000]
        assert [e.segment.kind for e in replay] == [SegmentKind.WORK, SegmentKind.CHECK]
        assert replay[0].segment.set_number == 1
        assert session.segment_index == check_index + 3 * attempt
    session.answer_check(False)
    assert session.state is State.WORKING and session.segment.set_number == 2
    summary = session.summary()
    assert [(c.attempt, c.yes) for c in summary.checks] == [(1, True), (2, True), (3, False)]
    assert summary.sets[0].outcome is SetOutcome.COMPLETED and summary.sets[0].resets == 2
    assert summary.resets_taken == 2


def test_a_yes_too_many_waits_for_the_user_to_move_on() -> None:
    session, clock = session_of(slides())
    for _ in range(2):
        play(session, clock, until=lambda s: s.state is State.CHECKING)
        session.answer_check(True)
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    events = session.answer_check(True)
    check = session.segment
    assert check is not None and check.check is not None
    text = resets_exhausted_text(check.check)
    assert kinds(events) == [
        EventKind.CHECK_ANSWERED,
        EventKind.SET_ENDED,
        EventKind.RESETS_EXHAUSTED,
        EventKind.CUE,
    ]
    assert events[2].text == text and events[3].cue.text == text
    assert session.resets_exhausted and session.state is State.CHECKING
    for _ in range(360):  # an hour: it never moves on by itself
        clock.advance(10.0)
        assert session.tick() == []
    assert session.answer_check(True) == []
    events = session.primary()
    assert session.segment.title == "Next one" and session.state is State.LEAD_IN
    sets = session.summary().sets
    assert [(r.set_number, r.outcome, r.resets) for r in sets] == [
        (1, SetOutcome.RESETS_EXHAUSTED, 2),
        (2, SetOutcome.SKIPPED, 0),
    ]


@pytest.mark.parametrize("command", ["skip", "done", "no"])
def test_other_ways_to_move_on_after_resets_run_out(command: str) -> None:
    timeline = timeline_of(
        Step(StepKind.TIMED, title="Slides", duration=5.0, check=Check(max_resets=0)),
        Step(StepKind.TIMED, title="Next one", duration=10.0),
    )
    session, clock = session_of(timeline)
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    session.answer_check(True)
    assert session.resets_exhausted
    actions: dict[str, Callable[[], list[Event]]] = {
        "skip": session.skip,
        "done": session.done,
        "no": lambda: session.answer_check(False),
    }
    actions[command]()
    assert session.segment.title == "Next one" and not session.resets_exhausted


def test_a_check_answered_after_ten_minutes() -> None:
    session, clock = session_of(slides())
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    asked = clock.t
    for _ in range(6000):  # ticked every 100 ms by a driver
        clock.advance(0.1)
        assert session.tick() == []
        assert session.remaining() is None and session.state is State.CHECKING
    clock.t = asked + 600.0
    events = session.answer_check(False)
    assert events[0].at == asked + 600.0
    assert session.state is State.WORKING and session.remaining() == 30.0  # set 2, untouched
    assert ms(session.summary().checks[0].waited) == 600_000


def test_a_check_waits_through_a_long_gap_without_pausing() -> None:
    session, clock = session_of(slides())
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    clock.advance(600.0)  # nobody ticked: nothing was pending, so this is no "sleep"
    assert session.tick() == []
    assert session.state is State.CHECKING


def test_answers_outside_a_check_are_ignored() -> None:
    session, _ = reach(State.WORKING)
    assert session.answer_check(True) == [] and session.answer_check(False) == []


# -- stop, finish, summary ----------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_stop_from_every_state(state: State) -> None:
    session, clock = reach(state)
    clock.advance(1.0)
    events = session.stop()
    if state in (State.IDLE, State.FINISHED):
        assert events == []
        return
    assert kinds(events)[-3:] == [EventKind.STOPPED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert events[-1].text == TEXT_STOPPED and session.state is State.FINISHED
    summary = session.summary()
    assert summary.stopped and not summary.finished
    assert summary.stopped_at_step == session.segment.step_index
    for command in (session.skip, session.back, session.primary, session.done, session.tick):
        assert command() == []


def test_stopping_during_a_set_records_it_as_stopped() -> None:
    session, _ = reach(State.RESETTING)
    events = session.stop()
    (ended,) = [e.result for e in events if e.kind is EventKind.SET_ENDED]
    assert ended is not None and ended.outcome is SetOutcome.STOPPED and ended.resets == 1


def test_finishing_says_the_closing_text_and_summarises() -> None:
    session, clock = session_of(every_kind_timeline())
    events = play(session, clock)
    assert kinds(events)[-3:] == [EventKind.FINISHED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert events[-1].text == session.timeline.closing_text
    assert events[-1].segment_index == len(session.segments) and events[-1].segment is None
    summary = session.summary()
    assert summary.finished and not summary.stopped
    assert summary.sets_completed == 4 and summary.steps_skipped == ()
    assert ms(summary.time_spent) == ms(session.timeline.total)
    assert session.progress() == 1.0 and session.remaining() is None


def test_progress_moves_through_the_plan_and_holds_during_a_reset() -> None:
    session, clock = reach(State.RESETTING)
    held = session.progress()
    clock.advance(10.0)
    session.tick()
    assert session.progress() == held
    session.back()
    seen = [session.progress()]
    while session.state is not State.FINISHED:
        clock.advance(0.5)
        session.tick()
        if session.state is State.CHECKING:
            session.answer_check(False)
        if session.state is State.WAITING_DONE and session.elapsed_in_segment() > 20:
            session.done()
        seen.append(session.progress())
    assert seen == sorted(seen) and seen[-1] == 1.0


# -- clock trouble ------------------------------------------------------------------------------


def test_a_jump_of_an_hour_pauses_where_time_was_last_known() -> None:
    session, clock = reach(State.WORKING)
    clock.advance(5.0)
    session.tick()
    last_good = clock.t
    clock.advance(3600.0)
    events = session.tick()
    assert kinds(events) == [EventKind.PAUSED, EventKind.STATE_CHANGED, EventKind.CUE]
    assert events[0].at == last_good and events[2].at == clock.t  # said now, not back then
    assert events[2].text == TEXT_PAUSED_AFTER_SLEEP  # and why
    assert session.state is State.PAUSED and session.remaining() == 12.0 - 5.0
    assert ms(session.summary().paused) == 3_600_000
    session.resume()
    assert session.remaining() == 7.0


def test_a_key_after_a_sleep_only_reveals_the_pause() -> None:
    session, clock = reach(State.WORKING)
    clock.advance(SLEEP_JUMP + 1.0)
    events = session.toggle_pause()
    assert kinds(events)[0] is EventKind.PAUSED and session.state is State.PAUSED
    assert session.toggle_pause()[0].kind is EventKind.RESUMED


def test_a_short_stall_drops_stale_cues_but_keeps_every_transition() -> None:
    session, clock = reach(State.WORKING)  # Plank left 12 s, then right 12 s
    left_started = clock.t
    clock.advance(21.5)
    events = session.tick()
    assert [e.text for e in events if e.kind is EventKind.CUE_DROPPED] == [
        "3",
        "2",
        "1",
        "Switch sides: right.",
    ]
    assert [e.text for e in events if e.kind is EventKind.CUE] == ["3"]  # 0.5 s late: said
    started = [e for e in events if e.kind is EventKind.SEGMENT_STARTED]
    assert [e.at - left_started for e in started] == [12.0]
    assert session.segment.side == "right" and session.remaining() == 2.5
    assert all(clock.t - e.at <= CUE_STALE_AFTER for e in events if e.kind is EventKind.CUE)


def test_a_stalled_check_question_is_still_asked() -> None:
    session, clock = session_of(timeline_of(Step(StepKind.TIMED, duration=4.0, check=Check())))
    play(session, clock, until=lambda s: s.state is State.WORKING)
    clock.advance(9.0)  # the check came due 5 s ago
    events = session.tick()
    asked = [e for e in events if e.segment and e.segment.kind is SegmentKind.CHECK]
    assert kinds(asked) == [
        EventKind.SEGMENT_STARTED,
        EventKind.STATE_CHANGED,
        EventKind.CHECK_ASKED,
        EventKind.CUE,
    ]


def test_a_clock_that_steps_back_never_makes_negative_time() -> None:
    session, clock = reach(State.WORKING)
    clock.advance(3.0)
    session.tick()
    clock.advance(-2.0)
    assert session.tick() == []
    assert 0.0 <= session.remaining() <= 12.0
    assert session.elapsed_in_segment() >= 0.0


def test_an_empty_timeline_finishes_at_once() -> None:
    session, _ = session_of(timeline_of())
    assert kinds(session.start())[0] is EventKind.FINISHED
    assert session.state is State.FINISHED


def test_the_default_clock_counts_a_suspend() -> None:
    # time.monotonic() stops while Linux sleeps, so a sleep would never look like a jump.
    timeline = expand(Routine("T", (Step(StepKind.REST, duration=5.0),)), lambda name: None)
    assert Session(timeline)._clock is session_clock  # SessionDriver.for_timeline's default too
    assert abs(session_clock() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 0.5
