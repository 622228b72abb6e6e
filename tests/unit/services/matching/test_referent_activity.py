"""The follow-up of référents in counts: each proposal credited to whoever made it, its first outcome
counted as its answer (whoever recorded it), and the median time from one to the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.domain.outcomes import Outcome
from services.matching.domain.referent_activity import ReferentCounts, referent_counts

START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def step(person: str, offer: str, status: OutcomeStatus, by: str, days: float) -> Outcome:
    reason = RefusalReason.NO_ANSWER if status == OutcomeStatus.REFUSED else None
    return Outcome(person, offer, "emp", status, reason, by, START + timedelta(days=days))


def test_counts_per_referent_with_the_median_time_to_an_outcome() -> None:
    outcomes = [
        step("p1", "o1", OutcomeStatus.PROPOSED, "r1", 0),
        step("p1", "o1", OutcomeStatus.ACCEPTED, "r1", 4),
        step("p2", "o1", OutcomeStatus.PROPOSED, "r1", 1),
        step("p2", "o1", OutcomeStatus.REFUSED, "employer-x", 3),  # answered by someone else: still r1's
        step("p3", "o2", OutcomeStatus.PROPOSED, "r1", 2),  # no answer yet
        step("p4", "o2", OutcomeStatus.PROPOSED, "r2", 0),
        step("p4", "o2", OutcomeStatus.WITHDRAWN, "r2", 10),
    ]
    assert referent_counts(reversed(outcomes), ["r1", "r2", "r3"]) == [
        ReferentCounts("r1", proposals=3, answered=2, accepted=1, median_days_to_outcome=3.0),
        ReferentCounts("r2", proposals=1, answered=1, accepted=0, median_days_to_outcome=10.0),
        ReferentCounts("r3", proposals=0, answered=0, accepted=0, median_days_to_outcome=None),
    ]


def test_only_the_first_outcome_after_a_proposal_counts() -> None:
    outcomes = [
        step("p1", "o1", OutcomeStatus.PROPOSED, "r1", 0),
        step("p1", "o1", OutcomeStatus.ACCEPTED, "r1", 1),
        step("p1", "o1", OutcomeStatus.WITHDRAWN, "r1", 6),
        step("p9", "o9", OutcomeStatus.ACCEPTED, "r1", 1),  # no proposal before it: not an answer
    ]
    [counts] = referent_counts(outcomes, ["r1"])
    assert (counts.proposals, counts.answered, counts.accepted, counts.median_days_to_outcome) == (
        1,
        1,
        1,
        1.0,
    )


def test_over_a_period_only_the_proposals_made_in_it_count_with_their_later_answers() -> None:
    outcomes = [
        step("p1", "o1", OutcomeStatus.PROPOSED, "r1", 0),  # before the period
        step("p1", "o1", OutcomeStatus.REFUSED, "r1", 2),
        step("p2", "o1", OutcomeStatus.PROPOSED, "r1", 5),  # in it, answered later
        step("p2", "o1", OutcomeStatus.ACCEPTED, "r1", 40),
        step("p1", "o1", OutcomeStatus.PROPOSED, "r1", 6),  # proposed again in it: no answer yet
    ]
    since = START + timedelta(days=5)
    assert referent_counts(outcomes, ["r1"], since) == [
        ReferentCounts("r1", proposals=2, answered=1, accepted=1, median_days_to_outcome=35.0)
    ]
    assert referent_counts(outcomes, ["r1"])[0].proposals == 2  # whole history: p1's first proposal, p2's
