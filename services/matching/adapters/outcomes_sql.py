"""Outcomes of proposals, in matching's store. Ids and codes only: no notes, no free text."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, DateTime, Select
from sqlalchemy import select as select_columns
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.clock import as_utc, utcnow
from contracts.matching import OutcomeStatus, RefusalReason
from services.matching.adapters import outcome_counts_sql as counts
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
        return _outcome(
            self.id,
            self.profile_id,
            self.offer_id,
            self.employer_id,
            self.status,
            self.reason,
            self.recorded_by,
            self.recorded_at,
        )


# What an outcome is made of, read as plain columns: the reads that return a structure's history (thousands
# of steps) build the domain's outcomes straight from them, at half the cost of the ORM's rows
# (bench/outcome_history.py, « coordinator_page »).
_COLUMNS = (
    col(OutcomeRow.id),
    col(OutcomeRow.profile_id),
    col(OutcomeRow.offer_id),
    col(OutcomeRow.employer_id),
    col(OutcomeRow.status),
    col(OutcomeRow.reason),
    col(OutcomeRow.recorded_by),
    col(OutcomeRow.recorded_at),
)


def _outcomes(
    session: Session, statement: Select[str, str, str, str, str, str | None, str, datetime]
) -> list[Outcome]:
    return [_outcome(*row) for row in session.execute(statement).all()]


def _outcome(
    id_: str,
    profile_id: str,
    offer_id: str,
    employer_id: str,
    status: str,
    reason: str | None,
    recorded_by: str,
    recorded_at: datetime,
) -> Outcome:
    return Outcome(
        id=id_,
        profile_id=profile_id,
        offer_id=offer_id,
        employer_id=employer_id,
        status=OutcomeStatus(status),
        reason=RefusalReason(reason) if reason else None,
        recorded_by=recorded_by,
        recorded_at=as_utc(recorded_at),  # SQLite gives it back without its time zone
    )


class SqlOutcomeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, outcome: Outcome) -> None:
        self.session.add(OutcomeRow.of(outcome))

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
        return self._steps_of_proposals(col(OutcomeRow.recorded_by) == recorded_by)

    def of_proposals_by(self, recorders: list[str], since: datetime | None = None) -> list[Outcome]:
        return self._steps_of_proposals(col(OutcomeRow.recorded_by).in_(recorders), since)

    def _steps_of_proposals(
        self, proposers: ColumnElement[bool], since: datetime | None = None
    ) -> list[Outcome]:
        """Every step of the (person, offer) pairs proposed by the référents `proposers` selects, found
        through `ix_outcome_recorded_by`; with `since`, the pairs proposed from then on and their steps
        from then on (an answer never comes before its proposal)."""
        proposed = select(OutcomeRow.profile_id, OutcomeRow.offer_id).where(
            proposers, OutcomeRow.status == OutcomeStatus.PROPOSED.value
        )
        if since is not None:
            proposed = proposed.where(OutcomeRow.recorded_at >= since)
        pairs = proposed.distinct().subquery()
        same_pair = (pairs.c.profile_id == OutcomeRow.profile_id) & (pairs.c.offer_id == OutcomeRow.offer_id)
        steps = select_columns(*_COLUMNS).join(pairs, same_pair)
        if since is not None:
            steps = steps.where(col(OutcomeRow.recorded_at) >= since)
        return _outcomes(self.session, steps)

    def statuses_for(self, profile_id: str) -> dict[str, set[OutcomeStatus]]:
        seen: dict[str, set[OutcomeStatus]] = {}
        for offer_id, status in self.session.exec(
            select(OutcomeRow.offer_id, OutcomeRow.status).where(OutcomeRow.profile_id == profile_id)
        ).all():
            seen.setdefault(offer_id, set()).add(OutcomeStatus(status))
        return seen

    def employer_records(self, employer_ids: Collection[str]) -> list[tuple[str, EmployerRecord]]:
        return counts.employer_records(self.session, employer_ids)

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
        return len(rows)

    def totals(self) -> tuple[dict[str, int], dict[str, int]]:
        return counts.totals(self.session)
