"""The offers store: SQLModel tables and the repository. All queries live here."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, col, func, select

from common.clock import as_utc
from contracts.offers import OfferPublic, OfferStatus


def _now() -> datetime:
    return datetime.now(UTC)


class OfferRow(SQLModel, table=True):
    __tablename__ = "offer"
    __table_args__ = (UniqueConstraint("employer_id", "source_id", name="uq_offer_employer_source"),)

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, primary_key=True, max_length=32)
    employer_id: str = Field(index=True, max_length=64)
    title: str = Field(max_length=200)
    description: str = ""
    kind: str = Field(max_length=20)
    commune: str = Field(max_length=200)
    insee_code: str | None = Field(default=None, max_length=5, index=True)
    lat: float
    lon: float
    contract_type: str = Field(max_length=40)
    hours_per_week: float
    skills: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rome_code: str | None = Field(default=None, max_length=5)
    appellation_code: str | None = Field(default=None, max_length=7)
    openings: int = 1
    conditions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    employer_name: str | None = Field(default=None, max_length=200)
    siret: str | None = Field(default=None, max_length=14)
    naf_code: str | None = Field(default=None, max_length=6)
    published_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    source_updated_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    source_contract: str | None = Field(default=None, max_length=120)
    rome_source: str | None = Field(default=None, max_length=60)
    appellation_label: str | None = Field(default=None, max_length=200)
    employer_url: str | None = Field(default=None, max_length=500)
    employer_description: str | None = None
    contact: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    origin_url: str | None = Field(default=None, max_length=500)
    import_notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Beyond the territory's reach band and MAILLAGE_BEYOND_REACH=hide: stored, never sent to matching.
    beyond_reach: bool = False
    status: str = Field(default=OfferStatus.ACTIVE.value, max_length=20, index=True)
    expires_on: date
    version: int = 1
    source_id: str | None = Field(default=None, max_length=120, index=True)
    created_at: datetime = Field(default_factory=_now, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=_now, sa_type=DateTime(timezone=True))


class OfferStatusChange(SQLModel, table=True):
    __tablename__ = "offer_status_history"

    id: int | None = Field(default=None, primary_key=True)
    offer_id: str = Field(foreign_key="offer.id", index=True, max_length=32)
    status: str = Field(max_length=20)
    changed_by: str = Field(max_length=64)
    changed_at: datetime = Field(default_factory=_now, sa_type=DateTime(timezone=True))


def to_public(row: OfferRow) -> OfferPublic:
    return OfferPublic(
        id=row.id,
        employer_id=row.employer_id,
        title=row.title,
        description=row.description,
        kind=row.kind,
        location={"commune": row.commune, "lat": row.lat, "lon": row.lon, "insee_code": row.insee_code},
        contract_type=row.contract_type,
        hours_per_week=row.hours_per_week,
        skills=list(row.skills),
        rome_code=row.rome_code,
        appellation_code=row.appellation_code,
        openings=row.openings,
        conditions=list(row.conditions),
        employer_name=row.employer_name,
        siret=row.siret,
        naf_code=row.naf_code,
        published_at=as_utc(row.published_at) if row.published_at else None,
        source_updated_at=as_utc(row.source_updated_at) if row.source_updated_at else None,
        source_contract=row.source_contract,
        rome_source=row.rome_source,
        appellation_label=row.appellation_label,
        employer_url=row.employer_url,
        employer_description=row.employer_description,
        contact=dict(row.contact) if row.contact else None,
        origin_url=row.origin_url,
        import_notes=list(row.import_notes or []),
        beyond_reach=bool(row.beyond_reach),
        status=OfferStatus(row.status),
        version=row.version,
        expires_on=row.expires_on,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        source_id=row.source_id,
    )


class OfferRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: OfferRow) -> None:
        self.session.add(row)

    def get(self, offer_id: str) -> OfferRow | None:
        return self.session.get(OfferRow, offer_id)

    def get_for_update(self, offer_id: str) -> OfferRow | None:
        return self.session.exec(select(OfferRow).where(OfferRow.id == offer_id).with_for_update()).first()

    def by_source_id(self, employer_id: str, source_id: str) -> OfferRow | None:
        query = select(OfferRow).where(OfferRow.employer_id == employer_id, OfferRow.source_id == source_id)
        return self.session.exec(query).first()

    def by_source_prefix(self, employer_id: str, prefix: str) -> list[OfferRow]:
        """The employer's offers whose source id starts with `prefix` (one feed), for full-feed closing."""
        query = select(OfferRow).where(
            OfferRow.employer_id == employer_id, col(OfferRow.source_id).startswith(prefix, autoescape=True)
        )
        return list(self.session.exec(query).all())

    def record_status(self, offer_id: str, status: str, changed_by: str) -> None:
        self.session.add(OfferStatusChange(offer_id=offer_id, status=status, changed_by=changed_by))

    def page(self, filters: dict[str, Any], limit: int, offset: int) -> tuple[list[OfferRow], int]:
        query = select(OfferRow)
        count = select(func.count()).select_from(OfferRow)
        for name, value in filters.items():
            if value is not None:
                query = query.where(getattr(OfferRow, name) == value)
                count = count.where(getattr(OfferRow, name) == value)
        rows = self.session.exec(
            query.order_by(col(OfferRow.created_at).desc(), col(OfferRow.id)).offset(offset).limit(limit)
        )
        return list(rows.all()), int(self.session.exec(count).one())

    def after(self, after_id: str, limit: int) -> list[OfferRow]:
        """Keyset pagination over every offer, for index rebuilds (stable under concurrent inserts)."""
        # Offers beyond the reach band (hidden) never reach the index, a rebuild included.
        query = (
            select(OfferRow)
            .where(OfferRow.id > after_id, col(OfferRow.beyond_reach).is_(False))
            .order_by(col(OfferRow.id))
            .limit(limit)
        )
        return list(self.session.exec(query).all())
