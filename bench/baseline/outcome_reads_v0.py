"""BASELINE COPY (before 2026-12-01), kept only so that bench/outcome_history.py measures before/after in one
run: what a suggestion read about employers and what a dashboard report read about outcomes, counted over
the whole outcome and proposal history on every request (services/matching/adapters/outcomes_sql.py and
proposals_sql.py at c18aa43); and the référents' proposals as a référent's follow-up and a coordinator's
page read them, whole rows through the ORM (outcomes_sql.py at 152153c, before migration 0008's index)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case
from sqlmodel import Session, col, func, select

from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.adapters.outcomes_sql import OutcomeRow
from services.matching.adapters.proposals_sql import EmployerProposalRow
from services.matching.domain.outcomes import EmployerRecord, Outcome


def employer_records(session: Session) -> list[tuple[str, EmployerRecord]]:
    proposed = func.sum(case((col(OutcomeRow.status) == OutcomeStatus.PROPOSED.value, 1), else_=0))
    unanswered = func.sum(case((col(OutcomeRow.reason) == RefusalReason.NO_ANSWER.value, 1), else_=0))
    rows = session.exec(select(OutcomeRow.employer_id, proposed, unanswered).group_by(OutcomeRow.employer_id))
    return [(e, EmployerRecord(int(p or 0), int(u or 0))) for e, p, u in rows.all()]


def overdue_by_employer(session: Session, cutoff: datetime) -> dict[str, int]:
    rows = session.exec(
        select(EmployerProposalRow.employer_id, func.count())
        .where(
            col(EmployerProposalRow.closed).is_(False),
            col(EmployerProposalRow.first_answered_at).is_(None),
            col(EmployerProposalRow.proposed_at) < cutoff,
        )
        .group_by(EmployerProposalRow.employer_id)
    )
    return {employer: int(n) for employer, n in rows.all()}


def timings(session: Session, employer_ids: set[str]) -> list[tuple[str, datetime, datetime | None]]:
    """Every proposal ever shared with each shown employer (their responsiveness under each suggestion)."""
    row = EmployerProposalRow
    query = select(row.employer_id, row.proposed_at, row.first_answered_at).where(
        col(row.employer_id).in_(list(employer_ids))
    )
    return list(session.exec(query).all())


def totals(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Outcomes by status and refusals by reason, counted over every outcome (each dashboard report)."""
    by_status = {
        str(status): int(n)
        for status, n in session.exec(
            select(OutcomeRow.status, func.count()).group_by(OutcomeRow.status)
        ).all()
    }
    by_reason = {
        str(reason): int(n)
        for reason, n in session.exec(
            select(OutcomeRow.reason, func.count())
            .where(col(OutcomeRow.reason).is_not(None))
            .group_by(OutcomeRow.reason)
        ).all()
    }
    return by_status, by_reason


def proposed_by(session: Session, recorded_by: str) -> list[Outcome]:
    proposed = (
        select(OutcomeRow.profile_id, OutcomeRow.offer_id)
        .where(OutcomeRow.recorded_by == recorded_by, OutcomeRow.status == OutcomeStatus.PROPOSED.value)
        .distinct()
        .subquery()
    )
    same_pair = (proposed.c.profile_id == OutcomeRow.profile_id) & (
        proposed.c.offer_id == OutcomeRow.offer_id
    )
    return [row.outcome() for row in session.exec(select(OutcomeRow).join(proposed, same_pair)).all()]


def of_proposals_by(session: Session, recorders: list[str]) -> list[Outcome]:
    proposed = (
        select(OutcomeRow.profile_id)
        .where(col(OutcomeRow.recorded_by).in_(recorders), OutcomeRow.status == OutcomeStatus.PROPOSED.value)
        .distinct()
    )
    rows = session.exec(select(OutcomeRow).where(col(OutcomeRow.profile_id).in_(proposed))).all()
    return [row.outcome() for row in rows]
