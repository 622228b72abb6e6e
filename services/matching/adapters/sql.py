"""Matching's own store: the projection of each profile it may rank for (criteria + query vector)."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import Column, DateTime, LargeBinary, Text
from sqlmodel import Field, Session, SQLModel, func, select

from common.clock import utcnow
from services.matching.ports import Vector
from services.profiles.schemas import MatchingView


class ProfileProjection(SQLModel, table=True):
    __tablename__ = "profile_projection"

    profile_id: str = Field(primary_key=True, max_length=32)
    version: int
    view: str = Field(sa_column=Column(Text, nullable=False))
    vector: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class ProjectionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, profile_id: str) -> tuple[MatchingView, Vector] | None:
        row = self.session.get(ProfileProjection, profile_id)
        if row is None:
            return None
        return MatchingView.model_validate_json(row.view), np.frombuffer(row.vector, dtype=np.float32)

    def version(self, profile_id: str) -> int:
        row = self.session.get(ProfileProjection, profile_id)
        return row.version if row else 0

    def save(self, view: MatchingView, vector: Vector) -> None:
        row = self.session.get(ProfileProjection, view.profile_id)
        if row is not None and row.version >= view.version:
            return  # an older or repeated update never overwrites a newer projection
        if row is None:
            row = ProfileProjection(profile_id=view.profile_id, version=view.version, view="", vector=b"")
        row.version = view.version
        row.view = view.model_dump_json()
        row.vector = np.asarray(vector, dtype=np.float32).tobytes()
        row.updated_at = utcnow()
        self.session.add(row)

    def delete(self, profile_id: str) -> None:
        row = self.session.get(ProfileProjection, profile_id)
        if row is not None:
            self.session.delete(row)

    def count(self) -> int:
        return int(self.session.exec(select(func.count()).select_from(ProfileProjection)).one())
