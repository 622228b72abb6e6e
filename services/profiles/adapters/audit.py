"""Audit log of sensitive actions on personal files: who, what, which file, when. Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field, Session, SQLModel, col, select

from common.clock import as_utc, utcnow
from services.profiles.domain import AuditCriteria


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=64)
    actor_role: str = Field(max_length=20)
    action: str = Field(max_length=40)
    profile_id: str = Field(index=True, max_length=32)
    request_id: str | None = Field(default=None, max_length=64)


class AuditLog:
    def __init__(self, session: Session) -> None:
        self.session = session

    def record(
        self, actor: str, role: str, action: str, profile_id: str, request_id: str | None = None
    ) -> None:
        self.session.add(
            AuditEntry(
                actor=actor, actor_role=role, action=action, profile_id=profile_id, request_id=request_id
            )
        )

    def search(self, criteria: AuditCriteria, limit: int) -> list[dict[str, object]]:
        query = select(AuditEntry)
        if criteria.profile_id is not None:
            query = query.where(AuditEntry.profile_id == criteria.profile_id)
        if criteria.actor is not None:
            query = query.where(AuditEntry.actor == criteria.actor)
        if criteria.since is not None:
            query = query.where(col(AuditEntry.at) >= criteria.since)
        if criteria.until is not None:
            query = query.where(col(AuditEntry.at) <= criteria.until)
        rows = self.session.exec(query.order_by(col(AuditEntry.id).desc()).limit(limit)).all()
        return [
            {
                "at": as_utc(r.at),
                "actor": r.actor,
                "actor_role": r.actor_role,
                "action": r.action,
                "profile_id": r.profile_id,
            }
            for r in rows
        ]

    def for_profile(self, profile_id: str, limit: int = 200) -> list[dict[str, object]]:
        rows = self.session.exec(
            select(AuditEntry)
            .where(AuditEntry.profile_id == profile_id)
            .order_by(col(AuditEntry.id).desc())
            .limit(limit)
        ).all()
        return [
            {"at": as_utc(r.at).isoformat(), "actor": r.actor, "actor_role": r.actor_role, "action": r.action}
            for r in rows
        ]
