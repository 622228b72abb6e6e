"""What happened to a suggestion: proposed to the person, perhaps an interview, then accepted, refused
(and why) or withdrawn.

Outcomes feed back into ranking: an offer refused or already accepted is not suggested again to that
person, and employers who leave proposals unanswered drift down for everyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from common.clock import utcnow
from common.errors import ValidationFailed
from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.domain.disclosure import hidden

# Once an offer reached one of these for a person, it is never suggested to that person again.
CLOSED_FOR_PERSON = {OutcomeStatus.ACCEPTED, OutcomeStatus.REFUSED, OutcomeStatus.WITHDRAWN}


def check_outcome(
    status: OutcomeStatus, reason: RefusalReason | None, previous: OutcomeStatus | None
) -> None:
    if status == OutcomeStatus.REFUSED and reason is None:
        raise ValidationFailed(
            [{"field": "reason", "message": "A refusal needs a reason."}], code="outcome.refusal_needs_reason"
        )
    if status != OutcomeStatus.REFUSED and reason is not None:
        raise ValidationFailed(
            [{"field": "reason", "message": "Only a refusal takes a reason."}],
            code="outcome.reason_only_on_refusal",
        )
    if status != OutcomeStatus.PROPOSED and previous is None:
        raise ValidationFailed(
            [{"field": "status", "message": "Record the proposal first, then what came of it."}],
            code="outcome.proposal_first",
        )
    if previous in CLOSED_FOR_PERSON:
        raise ValidationFailed(
            [{"field": "status", "message": f"This proposal is already {previous}."}],
            code="outcome.already_closed",
        )
    if status == OutcomeStatus.PROPOSED and previous is not None:  # proposed, or at the interview
        raise ValidationFailed(
            [{"field": "status", "message": "This offer was already proposed."}],
            code="outcome.already_proposed",
        )
    if status == OutcomeStatus.INTERVIEW and previous == OutcomeStatus.INTERVIEW:
        raise ValidationFailed(
            [{"field": "status", "message": "An interview is already planned."}],
            code="outcome.already_interview",
        )


@dataclass(frozen=True)
class Outcome:
    """One step of a proposal as recorded: who recorded what, when. Ids and codes only, no free text."""

    profile_id: str
    offer_id: str
    employer_id: str
    status: OutcomeStatus
    reason: RefusalReason | None
    recorded_by: str
    recorded_at: datetime = field(default_factory=utcnow)  # aware, in UTC
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


def outcome_dict(outcome: Outcome) -> dict[str, object]:
    """An outcome as the API shows it."""
    return {
        "id": outcome.id,
        "offer_id": outcome.offer_id,
        "status": outcome.status.value,
        "reason": outcome.reason.value if outcome.reason else None,
        "recorded_by": outcome.recorded_by,
        "recorded_at": outcome.recorded_at.isoformat(),
    }


@dataclass(frozen=True)
class EmployerRecord:
    proposed: int
    unanswered: int

    def penalty(self) -> float:
        """Multiplier in (0.5, 1]: an employer who leaves most proposals unanswered keeps about half
        its score. Smoothed (+2) so that one unanswered proposal does not sink a small employer."""
        return 1.0 - 0.5 * self.unanswered / (self.proposed + 2)


def employer_penalties(records: Iterable[tuple[str, EmployerRecord]]) -> dict[str, float]:
    return {employer: record.penalty() for employer, record in records if record.unanswered}


def counts_for_the_employer(counts: Mapping[str, int]) -> tuple[dict[str, int | None], bool]:
    """An offer's outcome counts as its employer may see them: each count from 1 to 4 hidden (None),
    since an employer who knows whom they interviewed could tell who refused; and whether any was."""
    shown: dict[str, int | None] = {k: None if hidden(v) else v for k, v in counts.items()}
    return shown, any(v is None for v in shown.values())
