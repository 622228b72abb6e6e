"""Profiles use cases. Each change commits with its outbox event (an id and a version, nothing personal)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine

from common.clock import utcnow
from common.db import session_scope
from common.errors import NotFound
from common.identity import Caller, Role
from common.outbox import enqueue
from common.schemas import Page
from contracts.events import PROFILES_TOPIC, ProfileDeletedV1, ProfileUpsertedV1
from contracts.profiles import Consultation, MatchingView, ProfileCreate, ProfilePublic, ProfileUpdate
from services.profiles.adapters.audit import AuditLog
from services.profiles.adapters.sql import ProfileRepository, ProfileRow, to_matching_view, to_public
from services.profiles.domain import check_can_create, check_can_read, check_can_write


class ProfilesService:
    def __init__(self, engine: Engine, on_commit: Callable[[], None] = lambda: None) -> None:
        self._engine = engine
        self._on_commit = on_commit

    def create(self, caller: Caller, data: ProfileCreate, request_id: str | None = None) -> ProfilePublic:
        check_can_create(caller)
        with session_scope(self._engine) as session:
            row = ProfileRow(
                referent_id=caller.subject,
                **_columns(data.model_dump(mode="json")),
            )
            ProfileRepository(session).add(row)
            session.flush()
            AuditLog(session).record(caller.subject, caller.role, "create", row.id, request_id)
            enqueue(session, PROFILES_TOPIC, ProfileUpsertedV1.of(row.id, row.version))
            profile = to_public(row)
        self._on_commit()
        return profile

    def get(self, caller: Caller, profile_id: str, request_id: str | None = None) -> ProfilePublic:
        with session_scope(self._engine) as session:
            row = ProfileRepository(session).get(profile_id)
            check_can_read(caller, profile_id, row.referent_id if row else None)
            assert row is not None
            AuditLog(session).record(caller.subject, caller.role, "read", profile_id, request_id)
            return to_public(row)

    def consult(
        self, caller: Caller, profile_id: str, consultation: Consultation, request_id: str | None = None
    ) -> None:
        """Allow (and audit) a read about the person made at another service, or refuse it as a read of
        the file would be refused. Lighter than `get`: the file itself is not loaded."""
        with session_scope(self._engine) as session:
            check_can_read(caller, profile_id, ProfileRepository(session).referent_of(profile_id))
            AuditLog(session).record(
                caller.subject, caller.role, consultation.audit_action, profile_id, request_id
            )

    def update(
        self, caller: Caller, profile_id: str, data: ProfileUpdate, request_id: str | None = None
    ) -> ProfilePublic:
        with session_scope(self._engine) as session:
            repo = ProfileRepository(session)
            row = repo.get(profile_id, for_update=True)
            check_can_write(caller, profile_id, row.referent_id if row else None)
            assert row is not None
            changes = _columns(data.model_dump(mode="json", exclude_unset=True))
            if "followup_ended_on" in changes and changes["followup_ended_on"] is not None:
                changes["followup_ended_on"] = date.fromisoformat(changes["followup_ended_on"])
            merged = {
                **to_public(row).model_dump(mode="json"),
                **data.model_dump(mode="json", exclude_unset=True),
            }
            ProfileCreate.model_validate({k: v for k, v in merged.items() if k in ProfileCreate.model_fields})
            for name, value in changes.items():
                setattr(row, name, value)
            row.version += 1
            row.updated_at = utcnow()
            repo.add(row)
            AuditLog(session).record(caller.subject, caller.role, "update", profile_id, request_id)
            enqueue(session, PROFILES_TOPIC, ProfileUpsertedV1.of(row.id, row.version))
            profile = to_public(row)
        self._on_commit()
        return profile

    def caseload(self, caller: Caller, limit: int, offset: int) -> Page[ProfilePublic]:
        if caller.role not in (Role.REFERENT, Role.ADMIN):
            check_can_read(caller, "-", None)
        with session_scope(self._engine) as session:
            referent = caller.subject if caller.role == Role.REFERENT else None
            rows, total = ProfileRepository(session).caseload(referent, limit, offset)
            return Page(items=[to_public(r) for r in rows], total=total, limit=limit, offset=offset)

    def purge_ended(self, cutoff: date, batch: int = 500) -> int:
        """Delete every profile whose follow-up ended before `cutoff`, here and — through the
        profile.deleted event — in matching's projections and outcomes. The audit log keeps its rows
        (ids only, no content) so that past access stays accountable."""
        purged = 0
        while True:
            with session_scope(self._engine) as session:
                repo = ProfileRepository(session)
                rows = repo.ended_before(cutoff, batch)
                for row in rows:
                    row.version += 1  # the deletion is the newest version of the profile
                    enqueue(session, PROFILES_TOPIC, ProfileDeletedV1.of(row.id, row.version))
                    AuditLog(session).record("system", Role.SYSTEM, "purge", row.id)
                    repo.delete(row)
            if rows:
                self._on_commit()
            purged += len(rows)
            if len(rows) < batch:
                return purged

    def audit_trail(self, caller: Caller, profile_id: str) -> list[dict[str, object]]:
        with session_scope(self._engine) as session:
            row = ProfileRepository(session).get(profile_id)
            check_can_read(caller, profile_id, row.referent_id if row else None)
            return AuditLog(session).for_profile(profile_id)

    def matching_view(self, caller: Caller, profile_id: str) -> MatchingView:
        """For the matching service only (system caller): criteria, no identity."""
        if caller.role != Role.SYSTEM:
            check_can_read(caller, profile_id, None)
        with session_scope(self._engine) as session:
            row = ProfileRepository(session).get(profile_id)
            if row is None:
                raise NotFound(f"No profile {profile_id}.", code="profile.not_found")
            return to_matching_view(row)


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    """Flatten the API shape into the row's columns."""
    location = fields.pop("location", None)
    if location is not None:
        fields.update(
            commune=location["commune"],
            lat=location["lat"],
            lon=location["lon"],
            insee_code=location.get("insee_code"),
        )
    return fields
