"""The follow-up of référents, in counts: how many offers each proposed, how many of those came to an
outcome, how many were accepted, and how long an outcome took (median, in days). No person is named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from contracts.matching import OutcomeStatus
from services.matching.domain.outcomes import Outcome


@dataclass(frozen=True)
class ReferentCounts:
    referent: str
    proposals: int
    answered: int
    accepted: int
    median_days_to_outcome: float | None


def referent_counts(
    outcomes: Iterable[Outcome], referents: Iterable[str], since: datetime | None = None
) -> list[ReferentCounts]:
    """Each proposal is credited to the référent who made it; its outcome (the first step after it, by
    whoever recorded it) counts as its answer. With `since`, only the proposals made from then on count
    (with their answers, whenever they came)."""
    proposals: dict[tuple[str, str], Outcome] = {}
    answers: dict[tuple[str, str], Outcome] = {}
    for outcome in sorted(outcomes, key=lambda o: (o.recorded_at, o.id)):
        pair = (outcome.profile_id, outcome.offer_id)
        if outcome.status == OutcomeStatus.PROPOSED:
            if since is None or outcome.recorded_at >= since:
                proposals.setdefault(pair, outcome)
        elif pair in proposals:
            answers.setdefault(pair, outcome)
    counts = []
    for referent in referents:
        made = [pair for pair, proposal in proposals.items() if proposal.recorded_by == referent]
        answered = [pair for pair in made if pair in answers]
        days = [
            (answers[p].recorded_at - proposals[p].recorded_at).total_seconds() / 86_400 for p in answered
        ]
        counts.append(
            ReferentCounts(
                referent=referent,
                proposals=len(made),
                answered=len(answered),
                accepted=sum(answers[p].status == OutcomeStatus.ACCEPTED for p in answered),
                median_days_to_outcome=round(median(days), 1) if days else None,
            )
        )
    return counts
