"""What the players show, from the session: time left, what is next, the rep, the summary."""

from __future__ import annotations

from session_support import builtin_timeline, play, session_of, timeline_of

from routineplayer.core.model import Step, StepKind
from routineplayer.core.session import State
from routineplayer.core.timeline import SegmentKind, set_segments
from routineplayer.runtime.summary_text import summary_lines
from routineplayer.runtime.view_text import next_step_text, rep_text, time_left


def test_time_left_counts_the_rest_and_reset_and_the_set_again() -> None:
    session, clock = session_of(builtin_timeline("upper-back-slides"))
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    before = time_left(session)
    assert abs(before - (session.timeline.total - session.segment.start)) < 1e-6
    check = session.segment.check
    assert check is not None
    the_set = sum(s.planned for s in set_segments(session.timeline, session.segment_index))
    session.answer_check(True)
    assert abs(time_left(session) - (before + check.reset + the_set)) < 1e-6
    clock.advance(30.0)
    session.tick()
    assert abs(time_left(session) - (before + check.reset + the_set - 30.0)) < 1e-6


def test_next_after_a_yes_is_the_same_set_again() -> None:
    session, clock = session_of(builtin_timeline("upper-back-slides"))
    play(session, clock, until=lambda s: s.state is State.CHECKING)
    assert next_step_text(session.segments, session.segment_index) == "Next: One-arm sweep slides"
    session.answer_check(True)
    assert session.state is State.RESETTING
    assert next_step_text(session.segments, session.segment_index) == "Next: the same set again"


def test_next_during_a_rest_between_sets_is_the_next_set() -> None:
    session, clock = session_of(builtin_timeline("upper-back-slides"))
    play(
        session, clock, until=lambda s: s.segment is not None and s.segment.kind is SegmentKind.REST
    )
    rest = session.segment
    following = next(
        s for s in session.segments[session.segment_index + 1 :] if s.kind is SegmentKind.WORK
    )
    assert following.step_index == rest.step_index and following.set_number == 2
    assert next_step_text(session.segments, session.segment_index) == (
        f"Next: {following.title}, set 2 of {following.set_count}"
    )


def test_the_rep_shown_is_the_rep_counted_aloud() -> None:
    timeline = timeline_of(Step(StepKind.REPS, title="Slides", reps=6, tempo=5.0))
    work = next(s for s in timeline.segments if s.kind is SegmentKind.WORK)
    assert rep_text(timeline, work, 0.0) == "Rep 1 of 6"
    assert rep_text(timeline, work, 12.0) == "Rep 3 of 6"
    assert rep_text(timeline, work, 30.0) == "Rep 6 of 6"
    counted = [c for c in work.cues if c.text.isdigit()]
    assert len(counted) == 5
    for cue in counted:
        assert rep_text(timeline, work, cue.offset) == f"Rep {cue.text} of 6"
        assert rep_text(timeline, work, cue.offset - 0.01) == f"Rep {int(cue.text) - 1} of 6"
    lead_in = timeline.segments[1]
    assert rep_text(timeline, lead_in, 0.0) == ""


def test_no_rep_for_timed_work_or_reps_at_your_own_pace() -> None:
    timeline = timeline_of(
        Step(StepKind.TIMED, title="Hold", duration=20.0),
        Step(StepKind.REPS, title="Bridges", reps=8),
    )
    for seg in timeline.segments:
        assert rep_text(timeline, seg, 1.0) == ""


def test_a_stopped_warm_up_counts_its_exercises() -> None:
    session, clock = session_of(builtin_timeline("warm-up"))
    play(session, clock, until=lambda s: s.segment.title == "Arm circles")
    session.stop()
    _, lines = summary_lines(session.summary())
    assert "Exercises done: 1 of 6" in lines


def test_a_stopped_routine_of_sets_counts_every_set_it_has() -> None:
    session, clock = session_of(builtin_timeline("upper-back-slides"))
    play(session, clock, until=lambda s: s.state is State.WORKING)
    session.stop()
    _, lines = summary_lines(session.summary())
    assert "Sets done: 0 of 4" in lines
