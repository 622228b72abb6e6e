"""Proposals shared with employers, in matching's store: the anonymised card and the employer's answer.

The row holds only what the card shows (name as far as the person allowed, relevant skills,
availability) plus ids: never the person's file, diagnostic or commune.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, false, text, update
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.clock import as_utc, utcnow
from contracts.matching import RefusalReason
from contracts.proposals import EmployerAnswer
from services.matching.domain.proposals import EmployerProposal


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None  # SQLite gives it back without its time zone


Timing = tuple[str, datetime, datetime | None]  # employer, proposed at, first answered at

# Each employer's latest proposals in one statement whose shape does not change with how many employers
# are asked (so PostgreSQL plans it once): one index read per employer, newest first, stopped at the limit.
_LATEST_OF_EACH = text(
    "SELECT ids.employer_id, latest.proposed_at, latest.first_answered_at "
    "FROM unnest(CAST(:ids AS varchar[])) AS ids(employer_id) "
    "CROSS JOIN LATERAL (SELECT proposed_at, first_answered_at FROM employer_proposal "
    "WHERE employer_id = ids.employer_id ORDER BY proposed_at DESC LIMIT :latest) AS latest"
)


class EmployerProposalRow(SQLModel, table=True):
    __tablename__ = "employer_proposal"

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True, max_length=32)
    profile_id: str = Field(index=True, max_length=32)
    offer_id: str = Field(index=True, max_length=32)
    employer_id: str = Field(index=True, max_length=64)
    referent_id: str = Field(index=True, max_length=64)
    shown_name: str | None = Field(default=None, max_length=200)
    relevant_skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    available_from: date | None = None
    proposed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    answer: str | None = Field(default=None, max_length=20)
    reason: str | None = Field(default=None, max_length=40)
    question: str | None = Field(default=None, max_length=500)
    answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    first_answered_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    closed: bool = False
    unread: bool = False

    @staticmethod
    def columns(proposal: EmployerProposal) -> dict[str, Any]:
        return {
            "id": proposal.id,
            "profile_id": proposal.profile_id,
            "offer_id": proposal.offer_id,
            "employer_id": proposal.employer_id,
            "referent_id": proposal.referent_id,
            "shown_name": proposal.shown_name,
            "relevant_skills": list(proposal.relevant_skills),
            "available_from": proposal.available_from,
            "proposed_at": proposal.proposed_at,
            "answer": proposal.answer.value if proposal.answer else None,
            "reason": proposal.reason.value if proposal.reason else None,
            "question": proposal.question,
            "answered_at": proposal.answered_at,
            "first_answered_at": proposal.first_answered_at,
            "closed": proposal.closed,
            "unread": proposal.unread,
        }

    def proposal(self) -> EmployerProposal:
        return EmployerProposal(
            id=self.id,
            profile_id=self.profile_id,
            offer_id=self.offer_id,
            employer_id=self.employer_id,
            referent_id=self.referent_id,
            shown_name=self.shown_name,
            relevant_skills=tuple(self.relevant_skills),
            available_from=self.available_from,
            proposed_at=as_utc(self.proposed_at),
            answer=EmployerAnswer(self.answer) if self.answer else None,
            reason=RefusalReason(self.reason) if self.reason else None,
            question=self.question,
            answered_at=_aware(self.answered_at),
            first_answered_at=_aware(self.first_answered_at),
            closed=self.closed,
            unread=self.unread,
        )


class SqlProposalRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, proposal: EmployerProposal) -> None:
        self.session.add(EmployerProposalRow(**EmployerProposalRow.columns(proposal)))

    def save(self, proposal: EmployerProposal) -> None:
        row = self.session.get(EmployerProposalRow, proposal.id)
        if row is None:
            self.add(proposal)
            return
        for name, value in EmployerProposalRow.columns(proposal).items():
            setattr(row, name, value)
        self.session.add(row)

    def get(self, proposal_id: str, for_update: bool = False) -> EmployerProposal | None:
        query = select(EmployerProposalRow).where(EmployerProposalRow.id == proposal_id)
        row = self.session.exec(query.with_for_update() if for_update else query).first()
        return row.proposal() if row else None

    def open_one(self, profile_id: str, offer_id: str) -> EmployerProposal | None:
        row = self.session.exec(
            select(EmployerProposalRow).where(
                EmployerProposalRow.profile_id == profile_id,
                EmployerProposalRow.offer_id == offer_id,
                col(EmployerProposalRow.closed).is_(False),
            )
        ).first()
        return row.proposal() if row else None

    def for_employer(self, employer_id: str, limit: int) -> list[EmployerProposal]:
        rows = self.session.exec(
            select(EmployerProposalRow)
            .where(EmployerProposalRow.employer_id == employer_id)
            .order_by(col(EmployerProposalRow.proposed_at).desc(), col(EmployerProposalRow.id))
            .limit(limit)
        )
        return [row.proposal() for row in rows.all()]

    def answered_for_referent(self, referent_id: str, limit: int) -> list[EmployerProposal]:
        rows = self.session.exec(
            select(EmployerProposalRow)
            .where(
                EmployerProposalRow.referent_id == referent_id,
                col(EmployerProposalRow.answered_at).is_not(None),
            )
            .order_by(col(EmployerProposalRow.answered_at).desc(), col(EmployerProposalRow.id))
            .limit(limit)
        )
        return [row.proposal() for row in rows.all()]

    def mark_read(self, referent_id: str) -> int:
        result = self.session.exec(
            update(EmployerProposalRow)
            .where(col(EmployerProposalRow.referent_id) == referent_id, col(EmployerProposalRow.unread))
            .values(unread=False)
        )
        return int(result.rowcount or 0)

    def timings(
        self, employer_ids: Collection[str], latest: int
    ) -> dict[str, list[tuple[datetime, datetime | None]]]:
        found: dict[str, list[tuple[datetime, datetime | None]]] = {e: [] for e in employer_ids}
        if not employer_ids:
            return found
        on_postgres = self.session.get_bind().dialect.name == "postgresql"
        rows = (self._latest_in_one_read if on_postgres else self._latest_by_window)(employer_ids, latest)
        for employer, proposed_at, first_answered_at in rows:
            found[employer].append((as_utc(proposed_at), _aware(first_answered_at)))
        return found

    def _latest_in_one_read(self, employer_ids: Collection[str], latest: int) -> list[Timing]:
        found = self.session.execute(_LATEST_OF_EACH, {"ids": sorted(employer_ids), "latest": latest})
        return [(employer, proposed_at, answered_at) for employer, proposed_at, answered_at in found.all()]

    def _latest_by_window(self, employer_ids: Collection[str], latest: int) -> list[Timing]:
        """In process (SQLite, no LATERAL): one statement, each employer's proposals numbered newest first
        on the index."""
        row = EmployerProposalRow
        newest_first = func.row_number().over(
            partition_by=row.employer_id, order_by=col(row.proposed_at).desc()
        )
        numbered = (
            select(row.employer_id, row.proposed_at, row.first_answered_at, newest_first.label("place"))
            .where(col(row.employer_id).in_(list(employer_ids)))
            .subquery()
        )
        found = self.session.exec(
            select(numbered.c.employer_id, numbered.c.proposed_at, numbered.c.first_answered_at).where(
                numbered.c.place <= latest
            )
        )
        return [(employer, proposed_at, answered_at) for employer, proposed_at, answered_at in found.all()]

    def overdue_by_employer(self, cutoff: datetime, employer_ids: Collection[str]) -> dict[str, int]:
        if not employer_ids:
            return {}
        rows = self.session.exec(
            select(EmployerProposalRow.employer_id, func.count())
            .where(
                col(EmployerProposalRow.employer_id).in_(list(employer_ids)),
                col(EmployerProposalRow.closed) == false(),  # as the index of migration 0007 says it
                col(EmployerProposalRow.first_answered_at).is_(None),
                col(EmployerProposalRow.proposed_at) < cutoff,
            )
            .group_by(EmployerProposalRow.employer_id)
        )
        return {employer: int(n) for employer, n in rows.all()}

    def delete_for_profile(self, profile_id: str) -> int:
        rows = self.session.exec(
            select(EmployerProposalRow).where(EmployerProposalRow.profile_id == profile_id)
        ).all()
        for row in rows:
            self.session.delete(row)
        return len(rows)
