"""What a référent is waiting on, from the outcomes of their proposals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.domain.follow_up import follow_ups
from services.matching.domain.outcomes import Outcome

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


def step(profile: str, offer: str, status: OutcomeStatus, day: int, by: str = "r1") -> Outcome:
    reason = RefusalReason.NO_ANSWER if status == OutcomeStatus.REFUSED else None
    return Outcome(profile, offer, "e1", status, reason, by, T0 + timedelta(days=day))


def test_awaiting_are_the_proposals_whose_latest_step_is_the_proposal() -> None:
    outcomes = [
        step("p1", "o1", OutcomeStatus.PROPOSED, 0),
        step("p1", "o2", OutcomeStatus.PROPOSED, 2),
        step("p1", "o2", OutcomeStatus.REFUSED, 5),
        step("p2", "o1", OutcomeStatus.PROPOSED, 3),
        step("p2", "o3", OutcomeStatus.PROPOSED, 1),
    ]
    p1, p2 = follow_ups(outcomes, "r1")
    assert (p1.profile_id, p1.last_proposed_at, [a.offer_id for a in p1.awaiting]) == (
        "p1",
        T0 + timedelta(days=2),
        ["o1"],
    )
    assert (p2.profile_id, [a.offer_id for a in p2.awaiting]) == ("p2", ["o3", "o1"])  # the oldest first


def test_a_person_with_nothing_awaiting_still_has_their_last_proposal_and_comes_after() -> None:
    outcomes = [
        step("p1", "o1", OutcomeStatus.PROPOSED, 0),
        step("p1", "o1", OutcomeStatus.ACCEPTED, 1),
        step("p2", "o1", OutcomeStatus.PROPOSED, 4),
    ]
    listed = follow_ups(outcomes, "r1")
    assert [(p.profile_id, len(p.awaiting)) for p in listed] == [("p2", 1), ("p1", 0)]
    assert listed[1].last_proposed_at == T0


def test_only_the_proposers_own_proposals_count() -> None:
    outcomes = [
        step("p1", "o1", OutcomeStatus.PROPOSED, 0, by="r2"),
        step("p2", "o1", OutcomeStatus.PROPOSED, 0),
    ]
    assert [p.profile_id for p in follow_ups(outcomes, "r1")] == ["p2"]
