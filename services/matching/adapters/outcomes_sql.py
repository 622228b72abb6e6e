"""Outcomes of proposals, in matching's store. Ids and codes only: no notes, no free text."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import DateTime, Integer, case
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.clock import as_utc, utcnow
from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.domain.outcomes import EmployerRecord, Outcome


class OutcomeRow(SQLModel, table=True):
    __tablename__ = "outcome"

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True, max_length=32)
    profile_id: str = Field(index=True, max_length=32)
    offer_id: str = Field(index=True, max_length=32)
    employer_id: str = Field(index=True, max_length=64)
    status: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=40)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))

    @classmethod
    def of(cls, outcome: Outcome) -> OutcomeRow:
        return cls(
            id=outcome.id,
            profile_id=outcome.profile_id,
            offer_id=outcome.offer_id,
            employer_id=outcome.employer_id,
            status=outcome.status.value,
            reason=outcome.reason.value if outcome.reason else None,
            recorded_by=outcome.recorded_by,
            recorded_at=outcome.recorded_at,
        )

    def outcome(self) -> Outcome:
        return Outcome(
            id=self.id,
            profile_id=self.profile_id,
            offer_id=self.offer_id,
            employer_id=self.employer_id,
            status=OutcomeStatus(self.status),
            reason=RefusalReason(self.reason) if self.reason else None,
            recorded_by=self.recorded_by,
            recorded_at=as_utc(self.recorded_at),  # SQLite gives it back without its time zone
        )


class EmployerRecordRow(SQLModel, table=True):
    """Each employer's running counts of proposals and of proposals left unanswered, kept with every
    outcome written: a suggestion reads the employers of its candidates here instead of counting the
    whole outcome history (which grows without end) on every request."""

    __tablename__ = "employer_record"

    employer_id: str = Field(primary_key=True, max_length=64)
    proposed: int = Field(default=0, sa_type=Integer)
    unanswered: int = Field(default=0, sa_type=Integer)


def _counted(outcome: Outcome) -> EmployerRecord:
    """What one outcome adds to its employer's record."""
    return EmployerRecord(
        proposed=int(outcome.status == OutcomeStatus.PROPOSED),
        unanswered=int(outcome.reason == RefusalReason.NO_ANSWER),
    )


class SqlOutcomeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, outcome: Outcome) -> None:
        self.session.add(OutcomeRow.of(outcome))
        added = _counted(outcome)
        if added.proposed or added.unanswered:
            self._add_to_record(outcome.employer_id, added)

    def _add_to_record(self, employer_id: str, added: EmployerRecord) -> None:
        """One atomic upsert: concurrent outcomes of the same employer each add their count."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        insert = dialect.insert(EmployerRecordRow).values(
            employer_id=employer_id, proposed=added.proposed, unanswered=added.unanswered
        )
        table = EmployerRecordRow.__table__.c  # type: ignore[attr-defined]
        self.session.execute(
            insert.on_conflict_do_update(
                index_elements=["employer_id"],
                set_={
                    "proposed": table.proposed + insert.excluded.proposed,
                    "unanswered": table.unanswered + insert.excluded.unanswered,
                },
            )
        )

    def latest(self, profile_id: str, offer_id: str) -> OutcomeStatus | None:
        row = self.session.exec(
            select(OutcomeRow)
            .where(OutcomeRow.profile_id == profile_id, OutcomeRow.offer_id == offer_id)
            .order_by(col(OutcomeRow.recorded_at).desc(), col(OutcomeRow.id).desc())
            .limit(1)
        ).first()
        return OutcomeStatus(row.status) if row else None

    def _rows(self, profile_id: str) -> list[OutcomeRow]:
        return list(
            self.session.exec(
                select(OutcomeRow)
                .where(OutcomeRow.profile_id == profile_id)
                .order_by(col(OutcomeRow.recorded_at).desc(), col(OutcomeRow.id).desc())
            ).all()
        )

    def history(self, profile_id: str) -> list[Outcome]:
        return [row.outcome() for row in self._rows(profile_id)]

    def proposed_by(self, recorded_by: str) -> list[Outcome]:
        proposed = (
            select(OutcomeRow.profile_id, OutcomeRow.offer_id)
            .where(OutcomeRow.recorded_by == recorded_by, OutcomeRow.status == OutcomeStatus.PROPOSED.value)
            .distinct()
            .subquery()
        )
        same_pair = (proposed.c.profile_id == OutcomeRow.profile_id) & (
            proposed.c.offer_id == OutcomeRow.offer_id
        )
        rows = self.session.exec(select(OutcomeRow).join(proposed, same_pair))
        return [row.outcome() for row in rows.all()]

    def statuses_for(self, profile_id: str) -> dict[str, set[OutcomeStatus]]:
        seen: dict[str, set[OutcomeStatus]] = {}
        for offer_id, status in self.session.exec(
            select(OutcomeRow.offer_id, OutcomeRow.status).where(OutcomeRow.profile_id == profile_id)
        ).all():
            seen.setdefault(offer_id, set()).add(OutcomeStatus(status))
        return seen

    def employer_records(self, employer_ids: Collection[str]) -> list[tuple[str, EmployerRecord]]:
        if not employer_ids:
            return []
        record = EmployerRecordRow
        rows = self.session.exec(
            select(record.employer_id, record.proposed, record.unanswered).where(
                col(record.employer_id).in_(list(employer_ids))
            )
        ).all()
        return [(employer, EmployerRecord(proposed, unanswered)) for employer, proposed, unanswered in rows]

    def _recount_records(self, employer_ids: Collection[str]) -> None:
        """Each employer's record counted again from the outcomes kept (after outcomes were deleted)."""
        self.session.flush()
        proposed = func.sum(case((col(OutcomeRow.status) == OutcomeStatus.PROPOSED.value, 1), else_=0))
        unanswered = func.sum(case((col(OutcomeRow.reason) == RefusalReason.NO_ANSWER.value, 1), else_=0))
        counted = {
            employer: EmployerRecord(int(p or 0), int(u or 0))
            for employer, p, u in self.session.exec(
                select(OutcomeRow.employer_id, proposed, unanswered)
                .where(col(OutcomeRow.employer_id).in_(list(employer_ids)))
                .group_by(OutcomeRow.employer_id)
            ).all()
        }
        for employer in employer_ids:
            record = counted.get(employer, EmployerRecord(0, 0))
            row = self.session.get(EmployerRecordRow, employer)
            if row is None:
                row = EmployerRecordRow(employer_id=employer)
            row.proposed, row.unanswered = record.proposed, record.unanswered
            self.session.add(row)

    def counts_for_offer(self, offer_id: str) -> dict[str, int]:
        rows = self.session.exec(
            select(OutcomeRow.status, func.count())
            .where(OutcomeRow.offer_id == offer_id)
            .group_by(OutcomeRow.status)
        ).all()
        counts = {s.value: 0 for s in OutcomeStatus}
        counts.update({status: int(n) for status, n in rows})
        return counts

    def delete_for_profile(self, profile_id: str) -> int:
        rows = self._rows(profile_id)
        for row in rows:
            self.session.delete(row)
        self._recount_records({row.employer_id for row in rows})
        return len(rows)

    def totals(self) -> tuple[dict[str, int], dict[str, int]]:
        by_status = {
            str(status): int(n)
            for status, n in self.session.exec(
                select(OutcomeRow.status, func.count()).group_by(OutcomeRow.status)
            ).all()
        }
        by_reason = {
            str(reason): int(n)
            for reason, n in self.session.exec(
                select(OutcomeRow.reason, func.count())
                .where(col(OutcomeRow.reason).is_not(None))
                .group_by(OutcomeRow.reason)
            ).all()
        }
        return by_status, by_reason

    def of_proposals_by(self, recorders: list[str]) -> list[Outcome]:
        proposed = (
            select(OutcomeRow.profile_id)
            .where(
                col(OutcomeRow.recorded_by).in_(recorders), OutcomeRow.status == OutcomeStatus.PROPOSED.value
            )
            .distinct()
        )
        rows = self.session.exec(select(OutcomeRow).where(col(OutcomeRow.profile_id).in_(proposed))).all()
        return [row.outcome() for row in rows]
