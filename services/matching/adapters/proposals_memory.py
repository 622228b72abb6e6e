"""Proposals shared with employers, in memory: the same repository as adapters/proposals_sql.py, for
unit tests (adapters/memory.py's unit of work holds it)."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime

from services.matching.domain.proposals import EmployerProposal


class MemoryProposalRepository:
    def __init__(self, proposals: dict[str, EmployerProposal]) -> None:
        self.stored = proposals

    def add(self, proposal: EmployerProposal) -> None:
        self.stored[proposal.id] = copy.copy(proposal)

    save = add

    def get(self, proposal_id: str, for_update: bool = False) -> EmployerProposal | None:
        found = self.stored.get(proposal_id)
        return copy.copy(found) if found else None

    def open_one(self, profile_id: str, offer_id: str) -> EmployerProposal | None:
        for p in self.stored.values():
            if p.profile_id == profile_id and p.offer_id == offer_id and not p.closed:
                return copy.copy(p)
        return None

    def for_employer(self, employer_id: str, limit: int) -> list[EmployerProposal]:
        mine = sorted(
            (p for p in self.stored.values() if p.employer_id == employer_id),
            key=lambda p: (-p.proposed_at.timestamp(), p.id),
        )
        return [copy.copy(p) for p in mine[:limit]]

    def answered_for_referent(self, referent_id: str, limit: int) -> list[EmployerProposal]:
        answered = sorted(
            (p for p in self.stored.values() if p.referent_id == referent_id and p.answered_at),
            key=lambda p: (-(p.answered_at or p.proposed_at).timestamp(), p.id),
        )
        return [copy.copy(p) for p in answered[:limit]]

    def mark_read(self, referent_id: str) -> int:
        unread = [p for p in self.stored.values() if p.referent_id == referent_id and p.unread]
        for p in unread:
            self.stored[p.id] = replace(p, unread=False)
        return len(unread)

    def timings(
        self, employer_ids: Collection[str], latest: int
    ) -> dict[str, list[tuple[datetime, datetime | None]]]:
        found: dict[str, list[tuple[datetime, datetime | None]]] = {e: [] for e in employer_ids}
        for p in sorted(self.stored.values(), key=lambda p: p.proposed_at, reverse=True):
            if p.employer_id in found and len(found[p.employer_id]) < latest:
                found[p.employer_id].append((p.proposed_at, p.first_answered_at))
        return found

    def overdue_by_employer(self, cutoff: datetime, employer_ids: Collection[str]) -> dict[str, int]:
        late = Counter(
            p.employer_id
            for p in self.stored.values()
            if p.employer_id in employer_ids
            and not p.closed
            and p.first_answered_at is None
            and p.proposed_at < cutoff
        )
        return dict(late)

    def delete_for_profile(self, profile_id: str) -> int:
        gone = [key for key, p in self.stored.items() if p.profile_id == profile_id]
        for key in gone:
            del self.stored[key]
        return len(gone)
