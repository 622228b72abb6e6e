"""Audit log of sensitive actions on personal files: who, what, which file, when. Append-only and
hash-chained (adapters/audit_chain.py): rows are written at commit, under a lock, each carrying the hash
of the one before; the database refuses to update them or to delete any not covered by a checkpoint
(migration 0003_audit_chain)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, select

from common.clock import as_utc, utcnow
from services.profiles.adapters.audit_chain import GENESIS, row_hash
from services.profiles.domain import AuditCriteria

# Any fixed 64-bit key, the same in every process writing to one profiles database: the writers of
# audit rows take turns, so no two rows ever follow the same one (the unique prev_hash is the last guard).
AUDIT_CHAIN_LOCK_KEY = 0x4D41494C41554454


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (UniqueConstraint("prev_hash", name="uq_audit_log_prev_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=64)
    actor_role: str = Field(max_length=20)
    action: str = Field(max_length=40)
    profile_id: str = Field(index=True, max_length=32)
    request_id: str | None = Field(default=None, max_length=64)
    prev_hash: str = Field(max_length=64)
    row_hash: str = Field(max_length=64)


class AuditCheckpoint(SQLModel, table=True):
    """Left by a retention purge: the rows before `first_kept_id` are gone, and the first row kept
    follows `anchor_hash`. Signed with the audit key, so that nobody without it can move the start."""

    __tablename__ = "audit_checkpoint"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    purged_before: datetime = Field(sa_type=DateTime(timezone=True))
    purged_rows: int
    first_kept_id: int
    anchor_hash: str = Field(max_length=64)
    signature: str = Field(max_length=64)


def chain_head(session: Session) -> str:
    """The hash the next row follows: the last row's, else the last checkpoint's anchor, else genesis."""
    last = session.exec(select(AuditEntry.row_hash).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    if last is not None:
        return last
    anchor = session.exec(
        select(AuditCheckpoint.anchor_hash).order_by(col(AuditCheckpoint.id).desc()).limit(1)
    ).first()
    return anchor if anchor is not None else GENESIS


def lock_chain(session: Session) -> None:
    """Hold the chain until the transaction ends, before its head is read. PostgreSQL: an advisory lock.
    SQLite: its one write lock, taken by a statement that changes nothing (a writer always reads the
    newest state, and SQLite runs no read before the first write inside a transaction)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({AUDIT_CHAIN_LOCK_KEY})")
    else:
        connection.exec_driver_sql("UPDATE audit_checkpoint SET id = id WHERE 1 = 0")


class AuditLog:
    """`record` stages an entry; `seal` (called by the unit of work just before it commits) chains the
    staged entries to the log's head under the chain's lock, held until the commit ends."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._staged: list[AuditEntry] = []

    def record(
        self, actor: str, role: str, action: str, profile_id: str, request_id: str | None = None
    ) -> None:
        self._staged.append(
            AuditEntry(
                actor=actor,
                actor_role=role,
                action=action,
                profile_id=profile_id,
                request_id=request_id,
                prev_hash="",
                row_hash="",
            )
        )

    def seal(self) -> None:
        """Nothing staged, nothing locked."""
        if not self._staged:
            return
        lock_chain(self.session)
        prev = chain_head(self.session)
        for entry in self._staged:
            entry.at = as_utc(entry.at)
            entry.prev_hash = prev
            entry.row_hash = prev = row_hash(
                prev,
                entry.at,
                entry.actor,
                entry.actor_role,
                entry.action,
                entry.profile_id,
                entry.request_id,
            )
            self.session.add(entry)
        self._staged = []
        self.session.flush()

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
