"""Running counts of outcomes, read where counting the whole history would grow without end.

Each employer's record (proposals, and those left unanswered) and the totals by status and reason live in
small tables that the database keeps by itself: a trigger on every row added to or deleted from `outcome`
(migration 0007_running_counts, which says why a trigger and not this code). Here they are only read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from sqlalchemy import Integer
from sqlmodel import Field, Session, SQLModel, col, select

from services.matching.domain.outcomes import EmployerRecord

NO_REASON = ""  # the totals' key for an outcome without a reason (a primary key cannot hold NULL)


class EmployerRecordRow(SQLModel, table=True):
    __tablename__ = "employer_record"

    employer_id: str = Field(primary_key=True, max_length=64)
    proposed: int = Field(default=0, sa_type=Integer)
    unanswered: int = Field(default=0, sa_type=Integer)


class OutcomeTotalRow(SQLModel, table=True):
    __tablename__ = "outcome_total"

    status: str = Field(primary_key=True, max_length=20)
    reason: str = Field(primary_key=True, max_length=40)
    count: int = Field(default=0, sa_type=Integer)


def employer_records(session: Session, employer_ids: Collection[str]) -> list[tuple[str, EmployerRecord]]:
    if not employer_ids:
        return []
    record = EmployerRecordRow
    rows = session.exec(
        select(record.employer_id, record.proposed, record.unanswered).where(
            col(record.employer_id).in_(list(employer_ids))
        )
    ).all()
    # Never below zero, whatever a hand-made change to the tables did: a penalty divides by the proposals.
    return [
        (employer, EmployerRecord(max(proposed, 0), max(unanswered, 0)))
        for employer, proposed, unanswered in rows
    ]


def totals(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Outcomes by status and refusals by reason, as counting every outcome would give them."""
    by_status: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    for status, reason, count in session.exec(
        select(OutcomeTotalRow.status, OutcomeTotalRow.reason, OutcomeTotalRow.count)
    ).all():
        if count > 0:
            by_status[status] += count
            if reason != NO_REASON:
                by_reason[reason] += count
    return dict(by_status), dict(by_reason)
