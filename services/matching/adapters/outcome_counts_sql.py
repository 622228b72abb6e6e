"""Running counts kept with every outcome written or erased, in the same unit of work.

What a suggestion and the analysts' dashboard read about outcomes must not grow with their history (a
département records tens of thousands a year): each employer's record (proposals, and those left
unanswered) and the totals by status and reason live in small tables, each write adding or taking away
its own share with one atomic upsert (concurrent writes each add theirs). Migration 0007 filled them from
the outcomes recorded before they existed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Integer
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Field, Session, SQLModel, col, select

from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.domain.outcomes import EmployerRecord, Outcome

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


def count_outcomes(session: Session, outcomes: Sequence[Outcome], sign: int) -> None:
    """Add (`sign` 1) or take away (-1) outcomes from their employers' records and the totals.

    Rows are updated in one order everywhere (employers' records by id, then totals by key), so that two
    units of work that touch the same rows (an erasure and a new outcome) never wait for each other in a
    cycle."""
    records: dict[str, Counter[str]] = {}
    totals: Counter[tuple[str, str]] = Counter()
    for outcome in outcomes:
        record = records.setdefault(outcome.employer_id, Counter())
        record["proposed"] += sign * (outcome.status == OutcomeStatus.PROPOSED)
        record["unanswered"] += sign * (outcome.reason == RefusalReason.NO_ANSWER)
        totals[outcome.status.value, outcome.reason.value if outcome.reason else NO_REASON] += sign
    for employer, amounts in sorted(records.items()):
        if any(amounts.values()):
            _add(session, EmployerRecordRow, {"employer_id": employer}, dict(amounts))
    for (status, reason), count in sorted(totals.items()):
        _add(session, OutcomeTotalRow, {"status": status, "reason": reason}, {"count": count})


def _add(session: Session, model: type[SQLModel], key: dict[str, str], amounts: dict[str, int]) -> None:
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(model).values(**key, **amounts)
    columns = model.__table__.c  # type: ignore[attr-defined]
    added = {name: columns[name] + insert.excluded[name] for name in amounts}
    session.execute(insert.on_conflict_do_update(index_elements=list(key), set_=added))


def employer_records(session: Session, employer_ids: Collection[str]) -> list[tuple[str, EmployerRecord]]:
    if not employer_ids:
        return []
    record = EmployerRecordRow
    rows = session.exec(
        select(record.employer_id, record.proposed, record.unanswered).where(
            col(record.employer_id).in_(list(employer_ids))
        )
    ).all()
    return [(employer, EmployerRecord(proposed, unanswered)) for employer, proposed, unanswered in rows]


def totals(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Outcomes by status and refusals by reason, as counting every outcome would give them."""
    by_status: Counter[str] = Counter()
    by_reason: Counter[str] = Counter()
    for status, reason, count in session.exec(
        select(OutcomeTotalRow.status, OutcomeTotalRow.reason, OutcomeTotalRow.count)
    ).all():
        if count:
            by_status[status] += count
            if reason != NO_REASON:
                by_reason[reason] += count
    return dict(by_status), dict(by_reason)
