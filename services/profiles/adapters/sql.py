"""The profiles store: SQLModel tables and the repository. All queries live here."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.clock import as_utc, utcnow
from contracts.profiles import MatchingView, ProfilePublic


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
    followup_ended_on: date | None = Field(default=None, index=True)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


def _location(row: ProfileRow) -> dict[str, Any]:
    return {"commune": row.commune, "lat": row.lat, "lon": row.lon, "insee_code": row.insee_code}


def to_public(row: ProfileRow) -> ProfilePublic:
    return ProfilePublic.model_validate(
        {
            **row.model_dump(exclude={"commune", "insee_code", "lat", "lon", "created_at", "updated_at"}),
            "location": _location(row),
            "created_at": as_utc(row.created_at),
            "updated_at": as_utc(row.updated_at),
        }
    )


def to_matching_view(row: ProfileRow) -> MatchingView:
    return MatchingView.model_validate(
        {
            "profile_id": row.id,
            "version": row.version,
            "target_jobs": row.target_jobs,
            "appellation_codes": row.appellation_codes,
            "skills": row.skills,
            "location": _location(row),
            "mobility": row.mobility,
            "contract_types": row.contract_types,
            "min_hours_per_week": row.min_hours_per_week,
            "max_hours_per_week": row.max_hours_per_week,
            "excluded_conditions": row.excluded_conditions,
        }
    )


class ProfileRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: ProfileRow) -> None:
        self.session.add(row)

    def get(self, profile_id: str, for_update: bool = False) -> ProfileRow | None:
        query = select(ProfileRow).where(ProfileRow.id == profile_id)
        if for_update:
            query = query.with_for_update()
        return self.session.exec(query).first()

    def referent_of(self, profile_id: str) -> str | None:
        """The person's référent (None: no such person), without loading the file."""
        return self.session.exec(select(ProfileRow.referent_id).where(ProfileRow.id == profile_id)).first()

    def ended_before(self, cutoff: date, limit: int) -> list[ProfileRow]:
        query = select(ProfileRow).where(col(ProfileRow.followup_ended_on) < cutoff).limit(limit)
        return list(self.session.exec(query).all())

    def delete(self, row: ProfileRow) -> None:
        self.session.delete(row)

    def caseload(self, referent_id: str | None, limit: int, offset: int) -> tuple[list[ProfileRow], int]:
        query = select(ProfileRow)
        count = select(func.count()).select_from(ProfileRow)
        if referent_id is not None:
            query = query.where(ProfileRow.referent_id == referent_id)
            count = count.where(ProfileRow.referent_id == referent_id)
        rows = self.session.exec(
            query.order_by(col(ProfileRow.display_name), col(ProfileRow.id)).offset(offset).limit(limit)
        )
        return list(rows.all()), int(self.session.exec(count).one())
