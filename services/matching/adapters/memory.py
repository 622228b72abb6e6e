"""Matching's store in memory: the same repositories and unit of work as adapters/sql.py, for unit tests.

A unit of work works on a copy of the store and writes it back on commit: what is not committed is lost,
as in a rolled-back transaction.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from datetime import datetime

from common.unit_of_work import MemoryOutbox, MemoryUnitOfWork
from contracts.matching import OutcomeStatus, RefusalReason
from contracts.profiles import MatchingView
from services.matching.adapters.proposals_memory import MemoryProposalRepository
from services.matching.domain.occupations import OccupationLink
from services.matching.domain.outcomes import EmployerRecord, Outcome
from services.matching.domain.people import PersonFacts, facts_of
from services.matching.domain.proposals import EmployerProposal
from services.matching.domain.territories import TerritoryGroup, default_groups
from services.matching.ports import Vector
from services.matching.units import Projection


@dataclass
class MemoryMatchingStore:
    """What a database would hold: the projections by person, the outcomes, the outbox."""

    projections: dict[str, Projection] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    proposals: dict[str, EmployerProposal] = field(default_factory=dict)
    outbox: MemoryOutbox = field(default_factory=MemoryOutbox)
    # Seeded like the database (migration 0005_territory_groups): the groups shipped as data.
    territory_groups: dict[str, TerritoryGroup] = field(
        default_factory=lambda: {g.key: g for g in default_groups()}
    )


class MemoryProjectionRepository:
    def __init__(self, projections: dict[str, Projection]) -> None:
        self.stored = projections

    def get(self, profile_id: str) -> Projection | None:
        return self.stored.get(profile_id)

    def version(self, profile_id: str) -> int:
        kept = self.stored.get(profile_id)
        return kept.view.version if kept else 0

    def save(self, view: MatchingView, vector: Vector, occupations: tuple[OccupationLink, ...] = ()) -> None:
        kept = self.stored.get(view.profile_id)
        if kept is not None and kept.view.version >= view.version and len(kept.vector) == len(vector):
            return  # as in SQL: never overwritten by an older version made with the same encoder
        self.stored[view.profile_id] = Projection(view, vector.copy(), occupations)

    def delete(self, profile_id: str) -> None:
        self.stored.pop(profile_id, None)

    def count(self) -> int:
        return len(self.stored)

    def people_facts(self) -> list[PersonFacts]:
        return [facts_of(kept.view, kept.occupations) for kept in self.stored.values()]

    def people_generation(self) -> Hashable:
        # What the people figures are computed from, itself (units of work hold copies: no identity).
        return frozenset(
            (pid, kept.view.model_dump_json(), repr(kept.occupations)) for pid, kept in self.stored.items()
        )


class MemoryTerritoryGroupRepository:
    def __init__(self, groups: dict[str, TerritoryGroup]) -> None:
        self.stored = groups

    def all(self) -> list[TerritoryGroup]:
        return sorted(self.stored.values(), key=lambda g: g.key)

    def save(self, group: TerritoryGroup) -> None:
        self.stored[group.key] = group

    def delete(self, key: str) -> bool:
        return self.stored.pop(key, None) is not None


class MemoryOutcomeRepository:
    def __init__(self, outcomes: list[Outcome]) -> None:
        self.stored = outcomes

    def add(self, outcome: Outcome) -> None:
        self.stored.append(outcome)

    def latest(self, profile_id: str, offer_id: str) -> OutcomeStatus | None:
        found = [o for o in self.history(profile_id) if o.offer_id == offer_id]
        return found[0].status if found else None

    def history(self, profile_id: str) -> list[Outcome]:
        mine = [o for o in self.stored if o.profile_id == profile_id]
        return sorted(mine, key=lambda o: (o.recorded_at, o.id), reverse=True)

    def proposed_by(self, recorded_by: str) -> list[Outcome]:
        pairs = {
            (o.profile_id, o.offer_id)
            for o in self.stored
            if o.recorded_by == recorded_by and o.status == OutcomeStatus.PROPOSED
        }
        return [o for o in self.stored if (o.profile_id, o.offer_id) in pairs]

    def statuses_for(self, profile_id: str) -> dict[str, set[OutcomeStatus]]:
        seen: dict[str, set[OutcomeStatus]] = {}
        for outcome in self.history(profile_id):
            seen.setdefault(outcome.offer_id, set()).add(outcome.status)
        return seen

    def employer_records(self, employer_ids: Collection[str]) -> list[tuple[str, EmployerRecord]]:
        proposed: Counter[str] = Counter()
        unanswered: Counter[str] = Counter()
        for o in self.stored:
            if o.employer_id in employer_ids:
                proposed[o.employer_id] += o.status == OutcomeStatus.PROPOSED
                unanswered[o.employer_id] += o.reason == RefusalReason.NO_ANSWER
        return [(e, EmployerRecord(proposed[e], unanswered[e])) for e in proposed]

    def counts_for_offer(self, offer_id: str) -> dict[str, int]:
        counts = {s.value: 0 for s in OutcomeStatus}
        counts.update(Counter(o.status.value for o in self.stored if o.offer_id == offer_id))
        return counts

    def delete_for_profile(self, profile_id: str) -> int:
        kept = [o for o in self.stored if o.profile_id != profile_id]
        deleted = len(self.stored) - len(kept)
        self.stored[:] = kept
        return deleted

    def of_proposals_by(self, recorders: list[str], since: datetime | None = None) -> list[Outcome]:
        pairs = {
            (o.profile_id, o.offer_id)
            for o in self.stored
            if o.recorded_by in recorders
            and o.status == OutcomeStatus.PROPOSED
            and (since is None or o.recorded_at >= since)
        }
        return [
            o
            for o in self.stored
            if (o.profile_id, o.offer_id) in pairs and (since is None or o.recorded_at >= since)
        ]

    def totals(self) -> tuple[dict[str, int], dict[str, int]]:
        by_status = Counter(o.status.value for o in self.stored)
        by_reason = Counter(o.reason.value for o in self.stored if o.reason is not None)
        return dict(by_status), dict(by_reason)


class MemoryMatchingUnitOfWork(MemoryUnitOfWork):
    def __init__(self, store: MemoryMatchingStore) -> None:
        super().__init__(store.outbox)
        self._store = store

    def _open(self) -> None:
        self.projections = MemoryProjectionRepository(copy.deepcopy(self._store.projections))
        self.outcomes = MemoryOutcomeRepository(list(self._store.outcomes))
        self.proposals = MemoryProposalRepository(dict(self._store.proposals))
        self.territory_groups = MemoryTerritoryGroupRepository(dict(self._store.territory_groups))

    def _keep(self) -> None:
        self._store.projections = copy.deepcopy(self.projections.stored)
        self._store.outcomes = list(self.outcomes.stored)
        self._store.proposals = dict(self.proposals.stored)
        self._store.territory_groups = dict(self.territory_groups.stored)


def memory_units_of_work(store: MemoryMatchingStore) -> Callable[[], MemoryMatchingUnitOfWork]:
    return lambda: MemoryMatchingUnitOfWork(store)
