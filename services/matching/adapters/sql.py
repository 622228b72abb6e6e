"""Matching's own store: the projection of each profile it may rank for (criteria + query vector), and the
unit of work holding it with the outcomes (adapters/outcomes_sql.py) and the outbox."""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from datetime import datetime

import numpy as np
from sqlalchemy import Column, DateTime, Index, LargeBinary, Text
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, func, select

from common.clock import utcnow
from common.sql_unit_of_work import SqlUnitOfWork
from contracts.profiles import MatchingView
from services.matching.adapters.outcomes_sql import SqlOutcomeRepository
from services.matching.adapters.proposals_sql import SqlProposalRepository
from services.matching.adapters.territory_groups_sql import SqlTerritoryGroupRepository
from services.matching.domain.occupations import OccupationLink
from services.matching.domain.people import PersonFacts, facts_of
from services.matching.ports import Vector
from services.matching.units import Projection


class ProfileProjection(SQLModel, table=True):
    __tablename__ = "profile_projection"
    # The people's generation comes from this index alone (migration 0006), never from the wide rows.
    __table_args__ = (Index("ix_profile_projection_generation", "updated_at", "version"),)

    profile_id: str = Field(primary_key=True, max_length=32)
    version: int
    view: str = Field(sa_column=Column(Text, nullable=False))
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    occupations: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class SqlProjectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, profile_id: str) -> Projection | None:
        row = self.session.get(ProfileProjection, profile_id)
        if row is None:
            return None
        return Projection(
            MatchingView.model_validate_json(row.view),
            np.frombuffer(row.vector, dtype=np.float32),
            tuple(OccupationLink.from_dict(o) for o in json.loads(row.occupations)),
        )

    def version(self, profile_id: str) -> int:
        row = self.session.get(ProfileProjection, profile_id)
        return row.version if row else 0

    def save(self, view: MatchingView, vector: Vector, occupations: tuple[OccupationLink, ...] = ()) -> None:
        row = self.session.get(ProfileProjection, view.profile_id)
        encoded = np.asarray(vector, dtype=np.float32).tobytes()
        if row is not None and row.version >= view.version and len(row.vector) == len(encoded):
            # An older or repeated update never overwrites a newer projection (one made with another
            # encoder, of another size, is replaced).
            return
        if row is None:
            row = ProfileProjection(profile_id=view.profile_id, version=view.version, view="", vector=b"")
        row.version = view.version
        row.view = view.model_dump_json()
        row.vector = encoded
        row.occupations = json.dumps([o.as_dict() for o in occupations], ensure_ascii=False)
        row.updated_at = utcnow()
        self.session.add(row)

    def delete(self, profile_id: str) -> None:
        row = self.session.get(ProfileProjection, profile_id)
        if row is not None:
            self.session.delete(row)

    def count(self) -> int:
        return int(self.session.exec(select(func.count()).select_from(ProfileProjection)).one())

    def people_generation(self) -> Hashable:
        # Every save sets updated_at (and most raise the version); every delete lowers the count.
        found = self.session.exec(
            select(
                func.count(),
                func.coalesce(func.sum(ProfileProjection.version), 0),
                func.max(ProfileProjection.updated_at),
            )
        ).one()
        return tuple(found)

    def people_facts(self) -> list[PersonFacts]:
        rows = self.session.exec(select(ProfileProjection.view, ProfileProjection.occupations)).all()
        return [
            facts_of(
                MatchingView.model_validate_json(view),
                (OccupationLink.from_dict(o) for o in json.loads(occupations)),
            )
            for view, occupations in rows
        ]


class SqlMatchingUnitOfWork(SqlUnitOfWork):
    projections: SqlProjectionRepository
    outcomes: SqlOutcomeRepository
    proposals: SqlProposalRepository
    territory_groups: SqlTerritoryGroupRepository

    def _repositories(self) -> None:
        self.projections = SqlProjectionRepository(self.session)
        self.outcomes = SqlOutcomeRepository(self.session)
        self.proposals = SqlProposalRepository(self.session)
        self.territory_groups = SqlTerritoryGroupRepository(self.session)


def sql_units_of_work(
    engine: Engine, on_commit: Callable[[], None] = lambda: None
) -> Callable[[], SqlMatchingUnitOfWork]:
    """The factory the matching use cases take: a new unit of work on `engine` for each call; `on_commit`
    hears of each commit that wrote outbox rows (the relay's wake-up call)."""
    return lambda: SqlMatchingUnitOfWork(engine, on_commit)
