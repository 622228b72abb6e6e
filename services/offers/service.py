"""Offers use cases. Each one is a unit of work: the row, its status history and its event commit together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from common.clock import as_utc
from common.db import session_scope
from common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from common.identity import Caller, Role
from common.outbox import enqueue
from common.schemas import Location, Page
from common.territory import Territory, nearest_commune, territory
from contracts.events import OFFERS_TOPIC, OfferUpsertedV1
from contracts.offers import OfferAction, OfferCreate, OfferPublic, OfferStatus, OfferUpdate
from services.offers.adapters.sql import OfferRepository, OfferRow, to_public
from services.offers.domain import default_expiry, next_status, reach_problem

Clock = Callable[[], datetime]


class OffersService:
    def __init__(
        self,
        engine: Engine,
        on_commit: Callable[[], None] = lambda: None,
        clock: Clock | None = None,
        area: Territory | None = None,
    ) -> None:
        self._engine = engine
        self._on_commit = on_commit
        self._clock = clock or (lambda: datetime.now(UTC))
        self._area = area

    def _beyond(self, location: Location | None) -> bool:
        """Whether the offer lies beyond the territory's reach band. Refused with the reason, or — when
        MAILLAGE_BEYOND_REACH=hide — True: stored, never published to matching, so never suggested."""
        if location is None:
            return False
        area = self._area or territory()
        problem = reach_problem(location.lat, location.lon, location.insee_code, area)
        if problem is None:
            return False
        if area.hide_beyond:
            return True
        raise ValidationFailed([{"field": "location", "message": problem}])

    # -- commands -------------------------------------------------------------------------------------
    def create(self, caller: Caller, data: OfferCreate) -> OfferPublic:
        _require(caller, Role.EMPLOYER, Role.ADMIN)
        hidden = self._beyond(data.location)
        now = self._clock()
        with session_scope(self._engine) as session:
            repo = OfferRepository(session)
            if data.source_id:
                existing = repo.by_source_id(caller.subject, data.source_id)
                if existing is not None:  # idempotent import: same source id, same offer
                    update = OfferUpdate(**_updatable(data))
                    return self._apply_update(repo, caller, existing, update, now, hidden)
            row = _new_row(caller, data, now)
            row.beyond_reach = hidden
            repo.add(row)
            session.flush()
            repo.record_status(row.id, row.status, caller.subject)
            offer = to_public(row)
            _publish(session, row, offer)
        self._on_commit()
        return offer

    def update(self, caller: Caller, offer_id: str, data: OfferUpdate) -> OfferPublic:
        hidden = self._beyond(data.location) if data.location is not None else None
        with session_scope(self._engine) as session:
            repo = OfferRepository(session)
            row = self._owned(repo, caller, offer_id, for_update=True)
            offer = self._apply_update(repo, caller, row, data, self._clock(), hidden)
        self._on_commit()
        return offer

    def _apply_update(
        self,
        repo: OfferRepository,
        caller: Caller,
        row: OfferRow,
        data: OfferUpdate,
        now: datetime,
        hidden: bool | None = None,
    ) -> OfferPublic:
        """`hidden`: whether the new location is beyond the reach band (None: the location is unchanged)."""
        changes = data.model_dump(exclude_unset=True, exclude={"location"})
        if hidden is not None and hidden != row.beyond_reach:
            if hidden:  # matching knows the offer: it cannot silently leave its index
                raise ValidationFailed([{"field": "location", "message": MOVED_BEYOND}])
            changes["beyond_reach"] = False  # back within reach: published from now on
        if data.location is not None:
            changes.update(
                commune=data.location.commune,
                insee_code=data.location.insee_code or _commune_code(data.location.lat, data.location.lon),
                lat=data.location.lat,
                lon=data.location.lon,
            )
        current = to_public(row).model_dump(mode="json")
        if all(_same(current, row, k, v) for k, v in changes.items()):
            return to_public(row)  # nothing changed: no new version, no event
        for name, value in changes.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_at = now
        repo.add(row)
        offer = to_public(row)
        _publish(repo.session, row, offer)
        return offer

    def act(self, caller: Caller, offer_id: str, action: OfferAction) -> OfferPublic:
        with session_scope(self._engine) as session:
            repo = OfferRepository(session)
            row = self._owned(repo, caller, offer_id, for_update=True)
            row.status = next_status(OfferStatus(row.status), action).value
            row.version += 1
            row.updated_at = self._clock()
            repo.add(row)
            repo.record_status(row.id, row.status, caller.subject)
            offer = to_public(row)
            _publish(session, row, offer)
        self._on_commit()
        return offer

    def close_missing(self, caller: Caller, source_prefix: str, present: set[str]) -> list[OfferPublic]:
        """A full feed was imported: the caller's offers of that source (source ids starting with the
        prefix) that the feed no longer lists are closed — each with its status history and its event."""
        _require(caller, Role.EMPLOYER, Role.ADMIN)
        if not source_prefix:
            raise ValidationFailed([{"field": "source", "message": "préfixe de la source obligatoire"}])
        with session_scope(self._engine) as session:
            closed = _close_missing(OfferRepository(session), caller, source_prefix, present, self._clock())
        if closed:
            self._on_commit()
        return closed

    # -- queries --------------------------------------------------------------------------------------
    def get(self, caller: Caller, offer_id: str) -> OfferPublic:
        with session_scope(self._engine) as session:
            repo = OfferRepository(session)
            if caller.role == Role.EMPLOYER:
                return to_public(self._owned(repo, caller, offer_id))
            _require(caller, Role.REFERENT, Role.ADMIN)
            row = repo.get(offer_id)
            if row is None:
                raise NotFound(f"No offer {offer_id}.", code="offer.not_found")
            return to_public(row)

    def list_offers(
        self, caller: Caller, status: OfferStatus | None, limit: int, offset: int
    ) -> Page[OfferPublic]:
        _require(caller, Role.EMPLOYER, Role.REFERENT, Role.ADMIN)
        filters: dict[str, Any] = {"status": status.value if status else None}
        if caller.role == Role.EMPLOYER:
            filters["employer_id"] = caller.subject
        elif caller.role == Role.REFERENT and status is None:
            filters["status"] = OfferStatus.ACTIVE.value
        with session_scope(self._engine) as session:
            rows, total = OfferRepository(session).page(filters, limit, offset)
            return Page(items=[to_public(r) for r in rows], total=total, limit=limit, offset=offset)

    def after(self, caller: Caller, after_id: str, limit: int) -> list[OfferPublic]:
        _require(caller, Role.SYSTEM, Role.ADMIN)
        with session_scope(self._engine) as session:
            return [to_public(r) for r in OfferRepository(session).after(after_id, limit)]

    @staticmethod
    def _owned(repo: OfferRepository, caller: Caller, offer_id: str, for_update: bool = False) -> OfferRow:
        row = repo.get_for_update(offer_id) if for_update else repo.get(offer_id)
        # An employer asking for another employer's offer gets the same answer as for a missing one.
        if row is None or (caller.role == Role.EMPLOYER and row.employer_id != caller.subject):
            raise NotFound(f"No offer {offer_id}.", code="offer.not_found")
        if caller.role not in (Role.EMPLOYER, Role.ADMIN):
            raise Forbidden("Only the offer's employer can change it.", code="offer.owner_only")
        return row

    def create_many(
        self,
        caller: Caller,
        offers: Sequence[OfferCreate],
        progress: Callable[[int, int], None] | None = None,
    ) -> BatchResult:
        """Create (or idempotently update, by source id) every offer in ONE transaction: all or nothing.
        Each offer gets its status history and its outbox event, as create() gives it."""
        _require(caller, Role.EMPLOYER, Role.ADMIN)
        hidden = [self._beyond(o.location) for o in offers]  # refused before anything is written
        now = self._clock()
        result = BatchResult()
        with session_scope(self._engine) as session:
            repo = OfferRepository(session)
            known = _rows_by_source_id(repo, [o.source_id for o in offers if o.source_id])
            for done, (data, beyond) in enumerate(zip(offers, hidden, strict=True), start=1):
                existing = known.get(data.source_id) if data.source_id else None
                if existing is not None:
                    if caller.role == Role.EMPLOYER and existing.employer_id != caller.subject:
                        raise Conflict(
                            f"The source id {data.source_id} belongs to another employer's offer.",
                            code="offer.source_id_taken",
                        )
                    before = existing.version
                    update = OfferUpdate(**_updatable(data))
                    offer = self._apply_update(repo, caller, existing, update, now, beyond)
                    if offer.version == before:
                        result.unchanged += 1
                    else:
                        result.updated += 1
                else:
                    row = _new_row(caller, data, now)
                    row.beyond_reach = beyond
                    repo.add(row)  # the unit of work inserts offers before their history rows
                    repo.record_status(row.id, row.status, caller.subject)
                    offer = to_public(row)
                    _publish(session, row, offer)
                    if data.source_id:
                        known[data.source_id] = row
                    result.created += 1
                result.offers.append(offer)
                if progress:
                    progress(done, len(offers))
        self._on_commit()
        return result


MOVED_BEYOND = (
    "cette offre est déjà proposée : elle ne peut pas être déplacée au-delà de la bande du territoire "
    "(fermez-la et publiez-en une nouvelle)"
)


def _publish(session: Session, row: OfferRow, offer: OfferPublic) -> None:
    """The offer's event, in the same commit — unless it lies beyond the reach band (hidden): matching
    never hears of it, so it is never suggested."""
    if not row.beyond_reach:
        enqueue(session, OFFERS_TOPIC, OfferUpsertedV1.of(offer))


def _close_missing(
    repo: OfferRepository, caller: Caller, source_prefix: str, present: set[str], now: datetime
) -> list[OfferPublic]:
    closed: list[OfferPublic] = []
    for row in repo.by_source_prefix(caller.subject, source_prefix):
        if row.source_id in present or row.status == OfferStatus.CLOSED.value:
            continue
        row.status = next_status(OfferStatus(row.status), OfferAction.CLOSE).value
        row.version += 1
        row.updated_at = now
        repo.add(row)
        repo.record_status(row.id, row.status, caller.subject)
        offer = to_public(row)
        _publish(repo.session, row, offer)
        closed.append(offer)
    return closed


def _commune_code(lat: float, lon: float) -> str | None:
    """Territory aggregates need the INSEE code: take the commune whose centroid is near the point."""
    commune = nearest_commune(lat, lon)
    return commune.insee_code if commune else None


def _require(caller: Caller, *roles: Role) -> None:
    if caller.role not in roles and caller.role != Role.SYSTEM:
        raise Forbidden(
            f"This action is for: {', '.join(r.value for r in roles)}.", code="offer.role_not_allowed"
        )


def _updatable(data: OfferCreate) -> dict[str, Any]:
    fields = data.model_dump(exclude={"source_id"})
    if fields.get("expires_on") is None:
        fields.pop("expires_on", None)  # keep the current expiry rather than erase it
    return fields


def _same(current: dict[str, Any], row: OfferRow, name: str, value: Any) -> bool:
    if name in ("commune", "insee_code", "lat", "lon"):
        return bool(getattr(row, name) == value)
    before = current.get(name)
    if isinstance(value, datetime):
        stored = getattr(row, name)
        return stored is not None and as_utc(stored) == as_utc(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    if isinstance(value, list):
        value = [getattr(v, "value", v) for v in value]
    return bool(before == getattr(value, "value", value))


@dataclass
class BatchResult:
    """What a bulk import did: new offers, offers that changed (new version), offers already up to date."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    offers: list[OfferPublic] = field(default_factory=list)


def _new_row(caller: Caller, data: OfferCreate, now: datetime) -> OfferRow:
    fields = data.model_dump(exclude={"location", "expires_on"})
    return OfferRow(
        employer_id=caller.subject,
        **fields,
        commune=data.location.commune,
        insee_code=data.location.insee_code or _commune_code(data.location.lat, data.location.lon),
        lat=data.location.lat,
        lon=data.location.lon,
        expires_on=data.expires_on or default_expiry(now),
        created_at=now,
        updated_at=now,
    )


def _rows_by_source_id(repo: OfferRepository, source_ids: Sequence[str | None]) -> dict[str, OfferRow]:
    """One query per 500 ids rather than one per row: a 5,000-row import stays a few seconds."""
    wanted = sorted({s for s in source_ids if s})
    found: dict[str, OfferRow] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for row in repo.session.exec(select(OfferRow).where(col(OfferRow.source_id).in_(chunk))).all():
            found[str(row.source_id)] = row
    return found
