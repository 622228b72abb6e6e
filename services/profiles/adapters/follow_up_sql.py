"""The follow-up in the profiles store: the contacts table and the caseload's query (filters on the
search columns the profile rows carry, the latest contact joined for its filter and sort)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import DateTime, case, or_
from sqlmodel import Field, Session, SQLModel, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from common.clock import as_utc, utcnow
from contracts.follow_up import CaseloadSort, ContactChannel
from services.profiles.follow_up import CaseloadQuery, Contact


class ContactRow(SQLModel, table=True):
    __tablename__ = "contact"

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True, max_length=32)
    profile_id: str = Field(index=True, max_length=32)
    happened_on: date
    channel: str = Field(max_length=20)
    note: str = Field(default="", max_length=500)
    recorded_by: str = Field(max_length=64)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class SqlContactBook:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, contact: Contact) -> None:
        self.session.add(
            ContactRow(
                id=contact.id,
                profile_id=contact.profile_id,
                happened_on=contact.happened_on,
                channel=contact.channel.value,
                note=contact.note,
                recorded_by=contact.recorded_by,
                recorded_at=contact.recorded_at,
            )
        )

    def for_profile(self, profile_id: str, limit: int = 200) -> list[Contact]:
        rows = self.session.exec(
            select(ContactRow)
            .where(ContactRow.profile_id == profile_id)
            .order_by(col(ContactRow.happened_on).desc(), col(ContactRow.recorded_at).desc())
            .limit(limit)
        ).all()
        return [
            Contact(
                profile_id=r.profile_id,
                happened_on=r.happened_on,
                channel=ContactChannel(r.channel),
                note=r.note,
                recorded_by=r.recorded_by,
                recorded_at=as_utc(r.recorded_at),  # SQLite gives it back without its time zone
                id=r.id,
            )
            for r in rows
        ]

    def last_contacts(self, profile_ids: list[str]) -> dict[str, date]:
        if not profile_ids:
            return {}
        rows = self.session.exec(
            select(ContactRow.profile_id, func.max(ContactRow.happened_on))
            .where(col(ContactRow.profile_id).in_(profile_ids))
            .group_by(ContactRow.profile_id)
        ).all()
        return {profile_id: last for profile_id, last in rows if last is not None}

    def delete_for_profile(self, profile_id: str) -> None:
        for row in self.session.exec(select(ContactRow).where(ContactRow.profile_id == profile_id)).all():
            self.session.delete(row)


def _containing(column: Any, word: str) -> Any:
    """`column` holds `word` at the start of one of its space-delimited words (`_` taken literally)."""
    literal = word.replace("_", "\\_")
    return column.like(f"% {literal}%", escape="\\")


def caseload_statements(
    table: Any, referent_id: str | None, query: CaseloadQuery
) -> tuple[SelectOfScalar[Any], SelectOfScalar[int]]:
    """The files `query` selects from `table` (the profile rows), in its order, and their count."""
    latest = (
        select(ContactRow.profile_id, func.max(ContactRow.happened_on).label("last_on"))
        .group_by(col(ContactRow.profile_id))
        .subquery()
    )
    statement = select(table).outerjoin(latest, latest.c.profile_id == table.id)
    conditions: list[Any] = [_containing(table.search_text, word) for word in query.words()]
    if referent_id is not None:
        conditions.append(table.referent_id == referent_id)
    if query.frein:
        conditions.append(_containing(table.freins, query.frein + " "))
    if query.rome_family:
        conditions.append(_containing(table.rome_codes, query.rome_family))
    if query.ids is not None:
        conditions.append(col(table.id).in_(query.ids))
    if query.no_contact_since is not None:
        conditions.append(or_(latest.c.last_on.is_(None), latest.c.last_on < query.no_contact_since))
    statement = statement.where(*conditions)
    count = select(func.count()).select_from(statement.subquery())
    by_name = (col(table.display_name), col(table.id))
    if query.sort == CaseloadSort.LAST_CONTACT:
        statement = statement.order_by(latest.c.last_on.asc().nulls_first(), *by_name)
    elif query.sort == CaseloadSort.RANKED and query.ranked:
        rank = case({pid: i for i, pid in enumerate(query.ranked)}, value=table.id, else_=-1)
        statement = statement.order_by(rank, *by_name)
    else:
        statement = statement.order_by(*by_name)
    return statement, count
