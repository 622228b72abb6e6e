"""Matching's own store as its use cases see it: the profile projections and the outcomes of proposals,
in a unit of work with the outbox. SQL: adapters/sql.py (and adapters/outcomes_sql.py); in memory:
adapters/memory.py.

Kept out of ports.py, which the domain imports: the unit of work brings in the outbox, and with it the ORM."""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from common.unit_of_work import UnitOfWork
from contracts.matching import OutcomeStatus
from contracts.profiles import MatchingView
from services.matching.domain.occupations import OccupationLink
from services.matching.domain.outcomes import EmployerRecord, Outcome
from services.matching.domain.people import PersonFacts
from services.matching.domain.proposals import EmployerProposal
from services.matching.domain.territories import TerritoryGroup
from services.matching.ports import Vector


@dataclass(frozen=True)
class Projection:
    """What matching keeps of a person: their criteria, their query vector, their métiers in the ROME."""

    view: MatchingView
    vector: Vector
    occupations: tuple[OccupationLink, ...]


class ProjectionRepository(Protocol):
    def get(self, profile_id: str) -> Projection | None: ...

    def version(self, profile_id: str) -> int:
        """The projected version of the person's profile; 0 when none is kept."""
        ...

    def save(self, view: MatchingView, vector: Vector, occupations: tuple[OccupationLink, ...] = ()) -> None:
        """Keep the projection unless a newer (or the same) version made with a vector of the same size is
        kept already: redelivered or late events never overwrite a newer projection."""
        ...

    def delete(self, profile_id: str) -> None: ...

    def count(self) -> int: ...

    def people_facts(self) -> list[PersonFacts]:
        """What demand analytics may know of each projected person, without their id."""
        ...

    def people_generation(self) -> Hashable:
        """A value that changes whenever a projection is written or deleted (what the people figures
        computed from `people_facts` are cached under)."""
        ...


class TerritoryGroupRepository(Protocol):
    """The named groups of EPCI and communes of the dashboard (seeded from services/matching/data)."""

    def all(self) -> list[TerritoryGroup]: ...

    def save(self, group: TerritoryGroup) -> None: ...

    def delete(self, key: str) -> bool: ...


class OutcomeRepository(Protocol):
    def add(self, outcome: Outcome) -> None: ...

    def latest(self, profile_id: str, offer_id: str) -> OutcomeStatus | None: ...

    def history(self, profile_id: str) -> list[Outcome]:
        """The person's outcomes, newest first."""
        ...

    def proposed_by(self, recorded_by: str) -> list[Outcome]:
        """Every step of the proposals `recorded_by` made (of each person and offer they proposed)."""
        ...

    def statuses_for(self, profile_id: str) -> dict[str, set[OutcomeStatus]]:
        """Every status each offer reached for the person, by offer id."""
        ...

    def employer_records(self, employer_ids: Collection[str]) -> list[tuple[str, EmployerRecord]]:
        """The proposals each of these employers received and left unanswered (refused for « no
        answer »), for those of them the store has a record of."""
        ...

    def counts_for_offer(self, offer_id: str) -> dict[str, int]:
        """How many outcomes of each status the offer had (every status, zero included)."""
        ...

    def delete_for_profile(self, profile_id: str) -> int: ...

    def totals(self) -> tuple[dict[str, int], dict[str, int]]:
        """Outcomes by status, and refusals by reason (for analytics: counts only)."""
        ...

    def of_proposals_by(self, recorders: list[str], since: datetime | None = None) -> list[Outcome]:
        """Every step of the (person, offer) pairs one of `recorders` proposed (with `since`: the pairs
        proposed from then on, and their steps from then on): the coordinator's follow-up, counted, never
        shown."""
        ...


class ProposalRepository(Protocol):
    """The proposals shared with employers (domain/proposals.py's EmployerProposal)."""

    def add(self, proposal: EmployerProposal) -> None: ...

    def save(self, proposal: EmployerProposal) -> None: ...

    def get(self, proposal_id: str, for_update: bool = False) -> EmployerProposal | None: ...

    def open_one(self, profile_id: str, offer_id: str) -> EmployerProposal | None:
        """The proposal of this offer to this person still open, if it was shared."""
        ...

    def for_employer(self, employer_id: str, limit: int) -> list[EmployerProposal]:
        """Newest first."""
        ...

    def answered_for_referent(self, referent_id: str, limit: int) -> list[EmployerProposal]:
        """The référent's proposals that an employer answered, latest answer first."""
        ...

    def mark_read(self, referent_id: str) -> int: ...

    def timings(
        self, employer_ids: Collection[str], latest: int
    ) -> dict[str, list[tuple[datetime, datetime | None]]]:
        """(proposed_at, first_answered_at) of the `latest` proposals shared with each of these employers."""
        ...

    def overdue_by_employer(self, cutoff: datetime, employer_ids: Collection[str]) -> dict[str, int]:
        """Open proposals shared before `cutoff` and never answered, by employer (of these employers)."""
        ...

    def delete_for_profile(self, profile_id: str) -> int: ...


class MatchingUnitOfWork(UnitOfWork, Protocol):
    """Outcomes and their `outcome.recorded` events (in the outbox) commit together, or not at all; so
    do proposals shared with employers and their `proposal.*` events."""

    @property
    def projections(self) -> ProjectionRepository: ...

    @property
    def outcomes(self) -> OutcomeRepository: ...

    @property
    def proposals(self) -> ProposalRepository: ...

    @property
    def territory_groups(self) -> TerritoryGroupRepository: ...


MatchingUnitOfWorkFactory = Callable[[], MatchingUnitOfWork]


@dataclass(frozen=True)
class StoredCounts:
    """What demand analytics read of matching's store: counts only, never who."""

    people: list[PersonFacts]  # one per projected person, without their id
    outcomes_by_status: dict[str, int]
    refusals_by_reason: dict[str, int]
