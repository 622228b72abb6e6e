"""The profiles store: SQLModel tables, the repository and the unit of work. All queries live here."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.clock import utcnow
from common.sql_unit_of_work import SqlUnitOfWork
from common.unit_of_work import Outbox
from contracts.events import PROFILES_TOPIC
from services.profiles.adapters.audit import AuditLog
from services.profiles.adapters.follow_up_sql import SqlContactBook, caseload_statements
from services.profiles.adapters.history import SqlReferentHistory
from services.profiles.domain import Profile
from services.profiles.follow_up import CaseloadQuery, SearchTerms


class ProfileRow(SQLModel, table=True):
    __tablename__ = "profile"

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True, max_length=32)
    referent_id: str = Field(index=True, max_length=64)
    display_name: str = Field(max_length=200)
    target_jobs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    appellation_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    commune: str = Field(max_length=200)
    insee_code: str | None = Field(default=None, max_length=5)
    lat: float
    lon: float
    mobility: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    contract_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_hours_per_week: float | None = None
    max_hours_per_week: float | None = None
    contraintes: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    excluded_conditions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    employer_sharing: str = Field(default="none", max_length=20)
    available_from: date | None = None
    followup_ended_on: date | None = Field(default=None, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # What the caseload is searched by (follow_up.SearchTerms), kept up to date by every save.
    search_text: str = Field(default="", sa_type=Text)
    rome_codes: str = Field(default="", sa_type=Text)
    freins: str = Field(default="", sa_type=Text)


SEARCH_COLUMNS = {"search_text", "rome_codes", "freins"}


class SqlProfileRepository:
    """Files in and out of their rows. The rows it loaded stay in the session, so a save updates them."""

    def __init__(self, session: Session, outbox: Outbox) -> None:
        self.session = session
        self._outbox = outbox
        self._rows: dict[str, ProfileRow] = {}

    def _profile(self, row: ProfileRow) -> Profile:
        self._rows[row.id] = row
        return Profile(**row.model_dump(exclude=SEARCH_COLUMNS))

    def get(self, profile_id: str, for_update: bool = False) -> Profile | None:
        query = select(ProfileRow).where(ProfileRow.id == profile_id)
        row = self.session.exec(query.with_for_update() if for_update else query).first()
        return self._profile(row) if row is not None else None

    def referent_of(self, profile_id: str) -> str | None:
        return self.session.exec(select(ProfileRow.referent_id).where(ProfileRow.id == profile_id)).first()

    def ended_before(self, cutoff: date, limit: int) -> list[Profile]:
        query = select(ProfileRow).where(col(ProfileRow.followup_ended_on) < cutoff).limit(limit)
        return [self._profile(row) for row in self.session.exec(query).all()]

    def caseload(
        self, referent_id: str | None, limit: int, offset: int, query: CaseloadQuery = CaseloadQuery()
    ) -> tuple[list[Profile], int]:
        statement, count = caseload_statements(ProfileRow, referent_id, query)
        rows = self.session.exec(statement.offset(offset).limit(limit))
        return [self._profile(row) for row in rows.all()], int(self.session.exec(count).one())

    def followed_by(self, referent_id: str) -> list[str]:
        query = select(ProfileRow.id).where(ProfileRow.referent_id == referent_id)
        return list(self.session.exec(query.order_by(col(ProfileRow.id))).all())

    def caseload_sizes(self, referent_ids: list[str]) -> dict[str, int]:
        query = (
            select(ProfileRow.referent_id, func.count())
            .where(col(ProfileRow.referent_id).in_(referent_ids))
            .group_by(col(ProfileRow.referent_id))
        )
        counted = {referent: int(n) for referent, n in self.session.exec(query).all()}
        return {referent: counted.get(referent, 0) for referent in referent_ids}

    def save(self, profile: Profile) -> None:
        row = self._rows.get(profile.id)
        if row is None:
            row = self._rows[profile.id] = ProfileRow(**profile.stored_fields())
        else:
            for name, value in profile.stored_fields().items():
                setattr(row, name, value)
        terms = SearchTerms.of(profile)
        row.search_text, row.rome_codes, row.freins = terms.text, terms.rome_codes, terms.freins
        self.session.add(row)
        self._send(profile)

    def delete(self, profile: Profile) -> None:
        row = self._rows.pop(profile.id, None) or self.session.get(ProfileRow, profile.id)
        if row is not None:
            self.session.delete(row)
        self._send(profile)

    def _send(self, profile: Profile) -> None:
        for event in profile.events:
            self._outbox.add(PROFILES_TOPIC, event)
        profile.events.clear()


class SqlProfilesUnitOfWork(SqlUnitOfWork):
    profiles: SqlProfileRepository
    audit: AuditLog
    contacts: SqlContactBook
    referent_history: SqlReferentHistory

    def _repositories(self) -> None:
        self.profiles = SqlProfileRepository(self.session, self.outbox)
        self.audit = AuditLog(self.session)
        self.contacts = SqlContactBook(self.session)
        self.referent_history = SqlReferentHistory(self.session)

    def commit(self) -> None:
        # Audit rows are chained last, so the chain's lock is held only from here to the commit.
        self.audit.seal()
        super().commit()


def sql_units_of_work(
    engine: Engine, on_commit: Callable[[], None] = lambda: None
) -> Callable[[], SqlProfilesUnitOfWork]:
    """The factory the profiles use cases take: a new unit of work on `engine` for each call."""
    return lambda: SqlProfilesUnitOfWork(engine, on_commit)
