from __future__ import annotations

import pytest

from common.errors import ValidationFailed
from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.domain.outcomes import EmployerRecord, check_outcome, counts_for_the_employer

P, A, R, W = OutcomeStatus.PROPOSED, OutcomeStatus.ACCEPTED, OutcomeStatus.REFUSED, OutcomeStatus.WITHDRAWN


def test_the_pathway_of_a_proposal() -> None:
    check_outcome(P, None, None)
    check_outcome(R, RefusalReason.LACKING_SKILLS, P)
    check_outcome(A, None, P)
    check_outcome(W, None, P)


@pytest.mark.parametrize(
    ("status", "reason", "previous"),
    [
        (R, None, P),  # a refusal needs its reason
        (A, RefusalReason.OTHER, P),  # only a refusal takes one
        (A, None, None),  # nothing to accept before a proposal
        (P, None, P),  # proposed twice
        (P, None, R),  # closed for this person
        (R, RefusalReason.NO_ANSWER, A),
    ],
)
def test_inconsistent_outcomes_are_refused(status, reason, previous) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed):
        check_outcome(status, reason, previous)


def test_unanswered_proposals_cost_an_employer_up_to_half_its_score() -> None:
    assert EmployerRecord(proposed=0, unanswered=0).penalty() == 1.0
    assert 0.8 < EmployerRecord(proposed=1, unanswered=1).penalty() < 0.9
    assert 0.5 < EmployerRecord(proposed=100, unanswered=100).penalty() < 0.51


def test_an_employer_sees_no_outcome_count_from_1_to_4() -> None:
    shown, suppressed = counts_for_the_employer({"proposed": 7, "accepted": 0, "refused": 4, "withdrawn": 1})
    assert shown == {"proposed": 7, "accepted": 0, "refused": None, "withdrawn": None} and suppressed
    assert counts_for_the_employer({"proposed": 5, "accepted": 0}) == ({"proposed": 5, "accepted": 0}, False)
