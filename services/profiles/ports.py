"""What the profiles use cases need of their store: the files, the audit trail, and the unit of work
holding them (SQL in adapters/sql.py, in memory in adapters/memory.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Protocol

from common.unit_of_work import UnitOfWork
from services.profiles.domain import AuditCriteria, Profile
from services.profiles.follow_up import CaseloadQuery, Contact


class ProfileRepository(Protocol):
    """Every query on files. `save` and `delete` hand the events the profile recorded to the outbox."""

    def get(self, profile_id: str, for_update: bool = False) -> Profile | None: ...

    def referent_of(self, profile_id: str) -> str | None:
        """The person's référent (None: no such person), without loading the file."""
        ...

    def ended_before(self, cutoff: date, limit: int) -> list[Profile]: ...

    def caseload(
        self, referent_id: str | None, limit: int, offset: int, query: CaseloadQuery = CaseloadQuery()
    ) -> tuple[list[Profile], int]:
        """The files `query` selects, in its order, and how many there are; every referent's files when
        `referent_id` is None (admins)."""
        ...

    def followed_by(self, referent_id: str) -> list[str]:
        """The ids of everyone the référent follows."""
        ...

    def caseload_sizes(self, referent_ids: list[str]) -> dict[str, int]:
        """How many people each of these référents follows (0 included)."""
        ...

    def save(self, profile: Profile) -> None: ...

    def delete(self, profile: Profile) -> None: ...


class AuditTrail(Protocol):
    """Who did what to which file, when: append-only, ids only."""

    def record(
        self, actor: str, role: str, action: str, profile_id: str, request_id: str | None = None
    ) -> None: ...

    def for_profile(self, profile_id: str, limit: int = 200) -> list[dict[str, object]]:
        """Newest first: at, actor, actor_role, action."""
        ...

    def search(self, criteria: AuditCriteria, limit: int) -> list[dict[str, object]]:
        """Newest first, every criterion given holding: at, actor, actor_role, action, profile_id."""
        ...


class ReferentHistory(Protocol):
    """Who followed the person before whom: one line per handover, kept after the file goes (ids only)."""

    def record(self, profile_id: str, from_referent: str, to_referent: str, by: str) -> None: ...

    def for_profile(self, profile_id: str) -> list[dict[str, object]]:
        """Oldest first: at, from_referent, to_referent, by."""
        ...


class ContactBook(Protocol):
    """The contacts of the référents with the people they follow."""

    def add(self, contact: Contact) -> None: ...

    def for_profile(self, profile_id: str, limit: int = 200) -> list[Contact]:
        """The most recent first (by the contact's day, then by when it was recorded)."""
        ...

    def last_contacts(self, profile_ids: list[str]) -> dict[str, date]:
        """The day of the latest contact with each of these people (absent: never contacted)."""
        ...

    def delete_for_profile(self, profile_id: str) -> None: ...


class ProfilesUnitOfWork(UnitOfWork, Protocol):
    @property
    def profiles(self) -> ProfileRepository: ...

    @property
    def audit(self) -> AuditTrail: ...

    @property
    def contacts(self) -> ContactBook: ...

    @property
    def referent_history(self) -> ReferentHistory: ...


ProfilesUnitOfWorkFactory = Callable[[], ProfilesUnitOfWork]
