"""Checking and trimming the audit log (`maillage audit verify|purge`): walk the hash chain from its start
(genesis, or the last retention checkpoint) and report the first row that does not hold; purge the rows
older than a date, leaving a signed checkpoint so that what remains still verifies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from common.clock import utcnow
from services.profiles.adapters.audit import AuditCheckpoint, AuditEntry, lock_chain
from services.profiles.adapters.audit_chain import (
    GENESIS,
    ChainBreak,
    ChainedRow,
    ChainWalk,
    Checkpoint,
    checkpoint_holds,
    checkpoint_signature,
)


class AuditChainBroken(RuntimeError):
    """The purge refuses to remove rows from a chain that does not verify: that would hide the break."""


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head: str  # the last row's hash: write it down, a later verify can check the log still reaches it
    broken: ChainBreak | None
    checkpoint: Checkpoint | None


def _latest_checkpoint(session: Session) -> Checkpoint | None:
    row = session.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.id).desc()).limit(1)).first()
    if row is None:
        return None
    return Checkpoint(row.first_kept_id, row.anchor_hash, row.purged_rows, row.purged_before, row.signature)


def _chained(row: AuditEntry) -> ChainedRow:
    assert row.id is not None
    return ChainedRow(
        row.id,
        row.at,
        row.actor,
        row.actor_role,
        row.action,
        row.profile_id,
        row.request_id,
        row.prev_hash,
        row.row_hash,
    )


def verify_chain(engine: Engine, key: bytes | None, batch: int = 5000) -> ChainReport:
    """`key`: the audit key, needed only once a purge has left a checkpoint."""
    with Session(engine) as session:
        checkpoint = _latest_checkpoint(session)
        walk = ChainWalk()
        after = 0
        if checkpoint is not None:
            if key is None or not checkpoint_holds(key, checkpoint):
                reason = (
                    "point de reprise non vérifiable : MAILLAGE_AUDIT_KEY absente"
                    if key is None
                    else "point de reprise à la signature invalide (modifié ou forgé)"
                )
                return ChainReport(0, GENESIS, ChainBreak(checkpoint.first_kept_id, reason), checkpoint)
            walk.expected_prev = checkpoint.anchor_hash
            after = checkpoint.first_kept_id - 1
        while walk.broken is None:
            rows = session.exec(
                select(AuditEntry).where(col(AuditEntry.id) > after).order_by(col(AuditEntry.id)).limit(batch)
            ).all()
            if not rows:
                break
            walk.feed(_chained(row) for row in rows)
            after = rows[-1].id or after
        return ChainReport(walk.rows, walk.expected_prev, walk.broken, checkpoint)


def purge_before(engine: Engine, cutoff: datetime, key: bytes) -> int:
    """Remove the rows written before `cutoff` (the retention period), after checking the whole chain;
    the checkpoint is written in the same transaction, before the rows go (the database lets a row be
    deleted only when a checkpoint covers it)."""
    report = verify_chain(engine, key)
    if report.broken is not None:
        raise AuditChainBroken(f"ligne {report.broken.row_id} : {report.broken.reason}")
    with Session(engine) as session:
        lock_chain(session)
        # The newest row always stays: SQLite would otherwise hand its ids out again from 1.
        last = session.exec(select(func.max(AuditEntry.id))).one()
        first_kept = session.exec(select(func.min(AuditEntry.id)).where(col(AuditEntry.at) >= cutoff)).one()
        first_kept = min(first_kept or last or 0, last or 0)
        anchor_row = session.exec(
            select(AuditEntry).where(col(AuditEntry.id) < first_kept).order_by(col(AuditEntry.id).desc())
        ).first()
        if anchor_row is None:
            return 0
        purged = int(
            session.exec(
                select(func.count()).select_from(AuditEntry).where(col(AuditEntry.id) < first_kept)
            ).one()
        )
        signature = checkpoint_signature(key, first_kept, anchor_row.row_hash, purged, cutoff)
        session.add(
            AuditCheckpoint(
                at=utcnow(),
                purged_before=cutoff,
                purged_rows=purged,
                first_kept_id=first_kept,
                anchor_hash=anchor_row.row_hash,
                signature=signature,
            )
        )
        session.flush()
        session.connection().execute(AuditEntry.__table__.delete().where(col(AuditEntry.id) < first_kept))  # type: ignore[attr-defined]
        session.commit()
        return purged
