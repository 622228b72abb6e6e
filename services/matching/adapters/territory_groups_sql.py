"""The dashboard's territory groups in matching's database (table `territory_group`, migration 0004,
which seeds the groups shipped in services/matching/data)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Column, DateTime, Text
from sqlmodel import Field, Session, SQLModel, select

from common.clock import utcnow
from services.matching.domain.territories import TerritoryGroup


class TerritoryGroupRow(SQLModel, table=True):
    __tablename__ = "territory_group"

    key: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=80)
    epcis: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    communes: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class SqlTerritoryGroupRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> list[TerritoryGroup]:
        rows = self.session.exec(select(TerritoryGroupRow).order_by(TerritoryGroupRow.key)).all()
        return [
            TerritoryGroup(row.key, row.name, tuple(json.loads(row.epcis)), tuple(json.loads(row.communes)))
            for row in rows
        ]

    def save(self, group: TerritoryGroup) -> None:
        row = self.session.get(TerritoryGroupRow, group.key) or TerritoryGroupRow(key=group.key, name="")
        row.name = group.name
        row.epcis = json.dumps(list(group.epcis))
        row.communes = json.dumps(list(group.communes))
        row.updated_at = utcnow()
        self.session.add(row)

    def delete(self, key: str) -> bool:
        row = self.session.get(TerritoryGroupRow, key)
        if row is None:
            return False
        self.session.delete(row)
        return True
