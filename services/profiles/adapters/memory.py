"""The profiles store in memory: the same repository, audit trail and unit of work as adapters/sql.py,
for unit tests. A unit of work works on a copy of the store and writes it back on commit."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from common.clock import as_utc, utcnow
from common.unit_of_work import MemoryOutbox, MemoryUnitOfWork
from contracts.events import PROFILES_TOPIC
from contracts.follow_up import CaseloadSort
from services.profiles.domain import AuditCriteria, Profile
from services.profiles.follow_up import CaseloadQuery, Contact, SearchTerms


@dataclass
class MemoryProfileStore:
    """What a database would hold: the files' columns, the audit entries, the outbox."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit: list[dict[str, object]] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    referent_changes: list[dict[str, object]] = field(default_factory=list)
    outbox: MemoryOutbox = field(default_factory=MemoryOutbox)


class MemoryContactBook:
    def __init__(self, contacts: list[Contact]) -> None:
        self.stored = contacts

    def add(self, contact: Contact) -> None:
        self.stored.append(contact)

    def for_profile(self, profile_id: str, limit: int = 200) -> list[Contact]:
        found = [c for c in self.stored if c.profile_id == profile_id]
        return sorted(found, key=lambda c: (c.happened_on, c.recorded_at), reverse=True)[:limit]

    def last_contacts(self, profile_ids: list[str]) -> dict[str, date]:
        latest: dict[str, date] = {}
        for contact in self.stored:
            if contact.profile_id in profile_ids:
                known = latest.get(contact.profile_id, date.min)
                latest[contact.profile_id] = max(contact.happened_on, known)
        return latest

    def delete_for_profile(self, profile_id: str) -> None:
        self.stored[:] = [c for c in self.stored if c.profile_id != profile_id]


class MemoryProfileRepository:
    def __init__(
        self, profiles: dict[str, dict[str, Any]], outbox: MemoryOutbox, contacts: MemoryContactBook
    ) -> None:
        self.stored = profiles
        self._outbox = outbox
        self._contacts = contacts

    def _all(self) -> list[Profile]:
        return [Profile(**copy.deepcopy(columns)) for columns in self.stored.values()]

    def get(self, profile_id: str, for_update: bool = False) -> Profile | None:
        columns = self.stored.get(profile_id)
        return Profile(**copy.deepcopy(columns)) if columns is not None else None

    def referent_of(self, profile_id: str) -> str | None:
        columns = self.stored.get(profile_id)
        return str(columns["referent_id"]) if columns is not None else None

    def ended_before(self, cutoff: date, limit: int) -> list[Profile]:
        ended = [p for p in self._all() if p.followup_ended_on is not None and p.followup_ended_on < cutoff]
        return ended[:limit]

    def caseload(
        self, referent_id: str | None, limit: int, offset: int, query: CaseloadQuery = CaseloadQuery()
    ) -> tuple[list[Profile], int]:
        people = [p for p in self._all() if referent_id in (None, p.referent_id)]
        last = self._contacts.last_contacts([p.id for p in people])
        since = query.no_contact_since
        found = [
            p
            for p in people
            if SearchTerms.of(p).matches(query)
            and (query.ids is None or p.id in query.ids)
            and (since is None or last.get(p.id, date.min) < since)
        ]
        found.sort(key=lambda p: (p.display_name, p.id))
        if query.sort == CaseloadSort.LAST_CONTACT:
            found.sort(key=lambda p: last.get(p.id, date.min))
        elif query.sort == CaseloadSort.RANKED:
            rank = {pid: i for i, pid in enumerate(query.ranked)}
            found.sort(key=lambda p: rank.get(p.id, -1))
        return found[offset : offset + limit], len(found)

    def followed_by(self, referent_id: str) -> list[str]:
        return sorted(pid for pid, columns in self.stored.items() if columns["referent_id"] == referent_id)

    def caseload_sizes(self, referent_ids: list[str]) -> dict[str, int]:
        followers = [str(columns["referent_id"]) for columns in self.stored.values()]
        return {referent: followers.count(referent) for referent in referent_ids}

    def save(self, profile: Profile) -> None:
        self.stored[profile.id] = copy.deepcopy(profile.stored_fields())
        self._send(profile)

    def delete(self, profile: Profile) -> None:
        self.stored.pop(profile.id, None)
        self._send(profile)

    def _send(self, profile: Profile) -> None:
        for event in profile.events:
            self._outbox.add(PROFILES_TOPIC, event)
        profile.events.clear()


class MemoryAuditTrail:
    def __init__(self) -> None:
        self.staged: list[dict[str, object]] = []
        self.kept: list[dict[str, object]] = []

    def record(
        self, actor: str, role: str, action: str, profile_id: str, request_id: str | None = None
    ) -> None:
        entry = {"at": as_utc(utcnow()).isoformat(), "actor": actor, "actor_role": role, "action": action}
        self.staged.append({**entry, "profile_id": profile_id, "request_id": request_id})

    def search(self, criteria: AuditCriteria, limit: int) -> list[dict[str, object]]:
        found = []
        for e in reversed(self.kept + self.staged):
            at = datetime.fromisoformat(str(e["at"]))
            if criteria.holds_for(str(e["profile_id"]), str(e["actor"]), at):
                shown = ("actor", "actor_role", "action", "profile_id")
                found.append({"at": at} | {k: e[k] for k in shown})
        return found[:limit]

    def for_profile(self, profile_id: str, limit: int = 200) -> list[dict[str, object]]:
        entries = [e for e in self.kept + self.staged if e["profile_id"] == profile_id]
        shown = ("at", "actor", "actor_role", "action")
        return [{k: e[k] for k in shown} for e in reversed(entries)][:limit]


class MemoryReferentHistory:
    def __init__(self, kept: list[dict[str, object]]) -> None:
        self.kept = kept
        self.staged: list[dict[str, object]] = []

    def record(self, profile_id: str, from_referent: str, to_referent: str, by: str) -> None:
        self.staged.append(
            {"at": as_utc(utcnow()), "profile_id": profile_id, "from_referent": from_referent}
            | {"to_referent": to_referent, "by": by}
        )

    def for_profile(self, profile_id: str) -> list[dict[str, object]]:
        shown = ("at", "from_referent", "to_referent", "by")
        return [{k: e[k] for k in shown} for e in self.kept + self.staged if e["profile_id"] == profile_id]


class MemoryProfilesUnitOfWork(MemoryUnitOfWork):
    def __init__(self, store: MemoryProfileStore) -> None:
        super().__init__(store.outbox)
        self._store = store

    def _open(self) -> None:
        self.contacts = MemoryContactBook(list(self._store.contacts))
        self.profiles = MemoryProfileRepository(
            copy.deepcopy(self._store.profiles), self._store.outbox, self.contacts
        )
        self.audit = MemoryAuditTrail()
        self.audit.kept = self._store.audit
        self.referent_history = MemoryReferentHistory(self._store.referent_changes)

    def _keep(self) -> None:
        self._store.profiles = copy.deepcopy(self.profiles.stored)
        self._store.contacts = list(self.contacts.stored)
        self._store.audit.extend(self.audit.staged)
        self.audit.staged = []
        self._store.referent_changes.extend(self.referent_history.staged)
        self.referent_history.staged = []


def memory_units_of_work(store: MemoryProfileStore) -> Callable[[], MemoryProfilesUnitOfWork]:
    return lambda: MemoryProfilesUnitOfWork(store)
