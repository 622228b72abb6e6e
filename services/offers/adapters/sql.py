"""The offers store: SQLModel tables, the repository and the unit of work. All queries live here."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Column, DateTime, UniqueConstraint
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from common.sql_unit_of_work import SqlUnitOfWork
from common.unit_of_work import Outbox
from contracts.events import OFFERS_TOPIC
from contracts.offers import OfferStatus
from services.offers.domain import Offer


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


SOURCE_IDS_PER_QUERY = 500  # one query per 500 ids rather than one per row: a 5,000-row import stays fast


class SqlOfferRepository:
    """Offers in and out of their rows. The rows it loaded stay in the session, so a save updates them."""

    def __init__(self, session: Session, outbox: Outbox) -> None:
        self.session = session
        self._outbox = outbox
        self._rows: dict[str, OfferRow] = {}

    def _offer(self, row: OfferRow) -> Offer:
        self._rows[row.id] = row
        return Offer(**row.model_dump())

    def _offers(self, query: SelectOfScalar[OfferRow]) -> list[Offer]:
        return [self._offer(row) for row in self.session.exec(query).all()]

    def get(self, offer_id: str, for_update: bool = False) -> Offer | None:
        query = select(OfferRow).where(OfferRow.id == offer_id)
        row = self.session.exec(query.with_for_update() if for_update else query).first()
        return self._offer(row) if row is not None else None

    def by_source_id(self, employer_id: str, source_id: str) -> Offer | None:
        query = select(OfferRow).where(OfferRow.employer_id == employer_id, OfferRow.source_id == source_id)
        row = self.session.exec(query).first()
        return self._offer(row) if row is not None else None

    def by_source_ids(self, source_ids: Sequence[str]) -> dict[str, Offer]:
        wanted = sorted(set(source_ids))
        found: dict[str, Offer] = {}
        for start in range(0, len(wanted), SOURCE_IDS_PER_QUERY):
            chunk = wanted[start : start + SOURCE_IDS_PER_QUERY]
            for offer in self._offers(select(OfferRow).where(col(OfferRow.source_id).in_(chunk))):
                found[str(offer.source_id)] = offer
        return found

    def by_source_prefix(self, employer_id: str, prefix: str) -> list[Offer]:
        return self._offers(
            select(OfferRow).where(
                OfferRow.employer_id == employer_id,
                col(OfferRow.source_id).startswith(prefix, autoescape=True),
            )
        )

    def save(self, offer: Offer) -> None:
        columns = offer.stored_fields()
        columns["status"] = offer.status.value
        row = self._rows.get(offer.id)
        if row is None:
            row = self._rows[offer.id] = OfferRow(**columns)
        else:
            for name, value in columns.items():
                setattr(row, name, value)
        self.session.add(row)  # the unit of work inserts offers before their history rows
        for change in offer.status_changes:
            self.session.add(
                OfferStatusChange(offer_id=offer.id, status=change.status.value, changed_by=change.changed_by)
            )
        for event in offer.events:
            self._outbox.add(OFFERS_TOPIC, event)
        offer.status_changes.clear()
        offer.events.clear()

    def page(
        self, status: OfferStatus | None, employer_id: str | None, limit: int, offset: int
    ) -> tuple[list[Offer], int]:
        query = select(OfferRow)
        count = select(func.count()).select_from(OfferRow)
        if status is not None:
            query = query.where(OfferRow.status == status.value)
            count = count.where(OfferRow.status == status.value)
        if employer_id is not None:
            query = query.where(OfferRow.employer_id == employer_id)
            count = count.where(OfferRow.employer_id == employer_id)
        newest_first = query.order_by(col(OfferRow.created_at).desc(), col(OfferRow.id))
        return self._offers(newest_first.offset(offset).limit(limit)), int(self.session.exec(count).one())

    def after(self, after_id: str, limit: int) -> list[Offer]:
        # Offers beyond the reach band (hidden) never reach the index, a rebuild included.
        return self._offers(
            select(OfferRow)
            .where(OfferRow.id > after_id, col(OfferRow.beyond_reach).is_(False))
            .order_by(col(OfferRow.id))
            .limit(limit)
        )


class SqlOffersUnitOfWork(SqlUnitOfWork):
    offers: SqlOfferRepository

    def _repositories(self) -> None:
        self.offers = SqlOfferRepository(self.session, self.outbox)


def sql_units_of_work(
    engine: Engine, on_commit: Callable[[], None] = lambda: None
) -> Callable[[], SqlOffersUnitOfWork]:
    """The factory the offers use cases take: a new unit of work on `engine` for each call."""
    return lambda: SqlOffersUnitOfWork(engine, on_commit)
