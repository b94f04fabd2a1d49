"""core.cue_spacing: the rule for claims on the one voice, by hand and on random claims."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from routineplayer.core.cue_spacing import GAP, MAX_MOVE, Claim, place

EPS = 1e-9


def tied(start: float, seconds: float) -> Claim:
    return Claim(start, seconds, tied=True)


def free(start: float, seconds: float, rank: int = 1) -> Claim:
    return Claim(start, seconds, tied=False, rank=rank)


def test_claims_that_do_not_overlap_keep_their_times() -> None:
    claims = [tied(0.0, 2.0), free(2.0, 1.0), tied(3.0, 0.4), free(3.4, 0.4, rank=0)]
    assert place(claims, 10.0) == [0.0, 2.0, 3.0, 3.4]  # touching is not overlapping


def test_a_free_claim_moves_after_the_tied_one_with_a_gap_on_a_tenth() -> None:
    # The slides: "5" (0.4 s) and "Next: One-arm sweep slides." (1.6 s) both at 20 s.
    claims = [tied(15.0, 0.4), tied(20.0, 0.4), free(20.0, 1.6), tied(25.0, 0.4)]
    assert place(claims, 30.0) == [15.0, 20.0, pytest.approx(20.0 + 0.4 + GAP), 25.0]


def test_the_nearest_quiet_start_wins_even_when_it_is_earlier() -> None:
    # After "2" at 5 s there is no room before "1" at 6 s; before it there is.
    claims = [tied(5.0, 0.4), tied(6.0, 0.4), free(5.0, 1.0)]
    assert place(claims, 7.0) == [5.0, 6.0, pytest.approx(5.0 - GAP - 1.0)]


def test_of_two_starts_as_near_the_later_wins() -> None:
    claims = [tied(10.0, 1.0), free(10.0, 1.0)]
    # 8.7 and 11.3 are both 1.3 s away.
    assert place(claims, 20.0) == [10.0, pytest.approx(11.0 + GAP)]


def test_a_tied_claim_over_an_earlier_one_is_left_unsaid() -> None:
    # "Set 1 of 2. Left arm. Begin." (2.8 s) and a rep count at 2 s: the count goes unsaid.
    claims = [tied(0.0, 2.8), tied(2.0, 0.4), tied(4.0, 0.4)]
    assert place(claims, 6.0) == [0.0, None, 4.0]


def test_a_free_claim_with_no_room_near_enough_is_left_unsaid() -> None:
    claims = [tied(0.0, 20.0), free(1.0, 1.0)]
    assert place(claims, 30.0) == [0.0, None]  # the first quiet moment is 19.3 s away
    claims = [tied(0.0, 2.0), free(1.0, 1.0)]
    assert place(claims, 2.5) == [0.0, None]  # room only after the segment's end


def test_higher_rank_goes_first_then_time() -> None:
    # "Halfway." (rank 0) was written first in time but the announcement keeps its time.
    claims = [tied(0.0, 3.0), free(3.0, 1.0, rank=0), free(3.5, 1.0, rank=1)]
    assert place(claims, 30.0) == [0.0, pytest.approx(4.5 + GAP), 3.5]


def test_an_open_ended_segment_has_room_to_the_end() -> None:
    claims = [tied(0.0, 4.0), free(0.0, 2.0)]
    assert place(claims, None) == [0.0, pytest.approx(4.0 + GAP)]


# -- random claims --------------------------------------------------------------------------

halves = st.integers(0, 120).map(lambda n: n / 2)
lengths = st.integers(0, 30).map(lambda n: n * 0.4)  # whole words at 2.5 words a second
claim_lists = st.lists(
    st.builds(Claim, halves, lengths, st.booleans(), st.integers(0, 3)), max_size=12
)


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] - EPS and b[0] < a[1] - EPS


def claims_before(y: Claim, x: Claim) -> bool:
    """Whether ``y`` takes the voice before ``x`` by the rule (the module docstring)."""
    if x.tied:
        return y.tied and y.start <= x.start
    return y.tied or (y.rank, -y.start) >= (x.rank, -x.start)


@settings(max_examples=500, deadline=None)
@given(claims=claim_lists, length=st.none() | halves.map(lambda t: t + 0.5))
def test_random_claims_never_overlap_and_give_way_only_to_who_goes_first(
    claims: list[Claim], length: float | None
) -> None:
    starts = place(claims, length)
    assert len(starts) == len(claims)
    kept = [(c, t) for c, t in zip(claims, starts, strict=True) if t is not None]
    spans = [(t, t + c.seconds) for c, t in kept]
    for i, a in enumerate(spans):
        assert not any(overlap(a, b) for b in spans[i + 1 :]), (claims, starts)
    limit = float("inf") if length is None else length
    for claim, at in zip(claims, starts, strict=True):
        if at == claim.start:
            continue
        assert at is None or not claim.tied, "a tied claim keeps its time or is unsaid"
        if at is not None:
            assert abs(at - claim.start) <= MAX_MOVE + EPS
            assert at >= 0.0 and at + claim.seconds <= limit + EPS
            assert round(at * 10) == pytest.approx(at * 10), "moved starts fall on a tenth"
            for other, t in kept:  # quiet from GAP before it to GAP after it
                if other is not claim:
                    assert not overlap((at - GAP, at + claim.seconds + GAP), (t, t + other.seconds))
        # It gave way: where it was, someone who goes before it holds the voice (or the
        # quiet kept around a moved claim).
        where = (claim.start, claim.start + claim.seconds)
        assert any(
            claims_before(other, claim) and overlap(where, held(other, t))
            for other, t in kept
            if other is not claim
        ), (claim, claims, starts)


def held(claim: Claim, at: float) -> tuple[float, float]:
    pad = GAP if at != claim.start else 0.0
    return at - pad, at + claim.seconds + pad
