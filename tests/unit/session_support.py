"""A fake clock and a scripted player for the session engine's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from routineplayer.core.library import Library
from routineplayer.core.model import Check, Routine, Step, StepKind
from routineplayer.core.session import Event, EventKind, Session, State
from routineplayer.core.timeline import Segment, Timeline, expand

T0 = 1000.0  # sessions start here, not at 0, so absolute and relative times differ
ROUTINES_DIR = Path(__file__).resolve().parents[2] / "routines"


class FakeClock:
    def __init__(self, t: float = T0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def no_includes(name: str) -> Routine:
    raise LookupError(name)


def timeline_of(*steps: Step, title: str = "Test", lead_in: float = 5.0) -> Timeline:
    return expand(Routine(title=title, steps=steps, lead_in=lead_in), no_includes)


def builtin_timeline(name: str) -> Timeline:
    library = Library(builtin_dir=ROUTINES_DIR)
    return expand(library.resolve(name), library.resolve)


def builtin_names() -> list[str]:
    return sorted(p.stem for p in ROUTINES_DIR.glob("*.yaml"))


def every_kind_timeline() -> Timeline:
    """One of everything: lead-ins, wait-done sets with a check, rests, timed work, a rest step."""
    return timeline_of(
        Step(
            StepKind.REPS,
            title="Bridges",
            reps=5,
            sets=2,
            rest_between_sets=10.0,
            check=Check(reset=20.0, max_resets=2),
        ),
        Step(StepKind.REST, title="Breather", duration=8.0),
        Step(StepKind.TIMED, title="Plank", duration=12.0, sets=2, sides=("left", "right")),
    )


def session_of(timeline: Timeline) -> tuple[Session, FakeClock]:
    clock = FakeClock()
    return Session(timeline, clock), clock


def segment_started_at(events: Iterable[Event]) -> float:
    return [e.at for e in events if e.kind is EventKind.SEGMENT_STARTED][-1]


Answer = Callable[[Session], bool]


def play(
    session: Session,
    clock: FakeClock,
    *,
    answer: Answer = lambda s: False,
    step: float = 10.0,
    until: Callable[[Session], bool] = lambda s: s.state is State.FINISHED,
    limit: int = 200_000,
) -> list[Event]:
    """Play like a person who does what the plan assumes, until ``until`` holds.

    The clock moves to each due time, and at least every ``step`` seconds like a ticking
    driver (a jump over SLEEP_JUMP would pause the session). A wait-done set is ended after
    its planned time; a check is answered at once with ``answer(session)``; "move on" is
    pressed when resets run out.
    """
    events = session.start() if session.state is State.IDLE else []
    history = list(events)
    for _ in range(limit):
        if until(session) or session.state is State.FINISHED:
            return events
        seg = session.segment
        assert seg is not None
        if session.state is State.CHECKING:
            new = (
                session.primary()
                if session.resets_exhausted
                else session.answer_check(answer(session))
            )
        elif session.state is State.PAUSED:
            new = session.resume()
        else:
            targets = [session.next_due()]
            if session.state is State.WAITING_DONE:
                done_at = segment_started_at(history) + seg.planned
                if clock.t >= done_at:
                    new = session.done()
                    events += new
                    history += new
                    continue
                targets.append(done_at)
            targets.append(clock.t + step)
            clock.t = min(t for t in targets if t is not None)
            new = session.tick()
        events += new
        history += new
    raise AssertionError("the session never finished")


def ms(seconds: float) -> int:
    return round(seconds * 1000)


Row = tuple[str, int, int, str]


def rows(events: Iterable[Event], t0: float = T0) -> list[Row]:
    """Events as (kind, ms since t0, segment index, detail) for whole-timeline comparisons."""
    out = []
    for e in events:
        if e.kind is EventKind.STATE_CHANGED:
            detail = str(e.state)
        elif e.kind is EventKind.SET_ENDED:
            assert e.result is not None
            detail = f"{e.result.set_number}:{e.result.outcome}:{e.result.resets}"
        else:
            detail = e.text
        out.append((str(e.kind), ms(e.at - t0), e.segment_index, detail))
    return out


def segment_kinds(segments: Iterable[Segment]) -> list[str]:
    return [str(s.kind) for s in segments]
