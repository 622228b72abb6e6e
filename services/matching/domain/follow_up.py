"""What a référent is waiting on: per person they proposed offers to, the latest proposal and the
proposals still without an answer. Ids and dates only."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from contracts.matching import OutcomeStatus
from services.matching.domain.outcomes import Outcome


@dataclass(frozen=True)
class Awaiting:
    offer_id: str
    proposed_at: datetime


@dataclass(frozen=True)
class PersonFollowUp:
    profile_id: str
    last_proposed_at: datetime
    awaiting: tuple[Awaiting, ...]  # the oldest first


def follow_ups(outcomes: Iterable[Outcome], proposer: str) -> list[PersonFollowUp]:
    """For every person `proposer` proposed an offer to: when they last did, and which of their proposals
    has had no answer yet (the latest step of that offer for that person is still the proposal). The
    people with a proposal awaiting come first, waited on longest first; then the others, by their
    latest proposal."""
    steps: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        steps.setdefault((outcome.profile_id, outcome.offer_id), []).append(outcome)
    last: dict[str, datetime] = {}
    awaiting: dict[str, list[Awaiting]] = {}
    for (profile_id, offer_id), history in steps.items():
        history.sort(key=lambda o: (o.recorded_at, o.id))
        proposals = [o for o in history if o.status == OutcomeStatus.PROPOSED and o.recorded_by == proposer]
        if not proposals:
            continue
        proposed_at = proposals[-1].recorded_at
        last[profile_id] = max(proposed_at, last.get(profile_id, proposed_at))
        awaiting.setdefault(profile_id, [])
        if history[-1].status == OutcomeStatus.PROPOSED:
            awaiting[profile_id].append(Awaiting(offer_id, proposed_at))
    people = [
        PersonFollowUp(pid, last[pid], tuple(sorted(waits, key=lambda a: (a.proposed_at, a.offer_id))))
        for pid, waits in awaiting.items()
    ]
    people.sort(
        key=lambda p: (
            not p.awaiting,
            p.awaiting[0].proposed_at if p.awaiting else p.last_proposed_at,
            p.profile_id,
        )
    )
    return people
