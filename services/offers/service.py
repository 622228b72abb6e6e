"""Offers use cases. Each is one unit of work: the offer, its status history and its event commit together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from common.identity import Caller, Role
from common.schemas import Location, Page
from common.territory import Territory, territory
from contracts.offers import OfferAction, OfferCreate, OfferPublic, OfferStatus, OfferUpdate
from services.offers.domain import Offer, reach_problem
from services.offers.ports import OfferRepository, OffersUnitOfWorkFactory

Clock = Callable[[], datetime]


class OffersService:
    """`units_of_work`: a new unit of work per call (adapters/sql.py's `sql_units_of_work(engine)`)."""

    def __init__(
        self,
        units_of_work: OffersUnitOfWorkFactory,
        clock: Clock | None = None,
        area: Territory | None = None,
    ) -> None:
        self._units_of_work = units_of_work
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
        with self._units_of_work() as uow:
            existing = uow.offers.by_source_id(caller.subject, data.source_id) if data.source_id else None
            if existing is None:
                offer = Offer.publish(caller.subject, data, now, hidden)
            else:  # idempotent import: same source id, same offer
                offer = existing
                offer.revise(OfferUpdate(**_updatable(data)), now, hidden)
            uow.offers.save(offer)
            uow.commit()
        return offer.to_public()

    def update(self, caller: Caller, offer_id: str, data: OfferUpdate) -> OfferPublic:
        hidden = self._beyond(data.location) if data.location is not None else None
        with self._units_of_work() as uow:
            offer = _owned(uow.offers, caller, offer_id, for_update=True)
            if offer.revise(data, self._clock(), hidden):
                uow.offers.save(offer)
                uow.commit()
        return offer.to_public()

    def act(self, caller: Caller, offer_id: str, action: OfferAction) -> OfferPublic:
        with self._units_of_work() as uow:
            offer = _owned(uow.offers, caller, offer_id, for_update=True)
            offer.act(action, caller.subject, self._clock())
            uow.offers.save(offer)
            uow.commit()
        return offer.to_public()

    def close_missing(self, caller: Caller, source_prefix: str, present: set[str]) -> list[OfferPublic]:
        """A full feed was imported: the caller's offers of that source (source ids starting with the
        prefix) that the feed no longer lists are closed — each with its status history and its event."""
        _require(caller, Role.EMPLOYER, Role.ADMIN)
        if not source_prefix:
            raise ValidationFailed([{"field": "source", "message": "préfixe de la source obligatoire"}])
        now = self._clock()
        closed: list[OfferPublic] = []
        with self._units_of_work() as uow:
            for offer in uow.offers.by_source_prefix(caller.subject, source_prefix):
                if offer.source_id in present or offer.status == OfferStatus.CLOSED:
                    continue
                offer.act(OfferAction.CLOSE, caller.subject, now)
                uow.offers.save(offer)
                closed.append(offer.to_public())
            uow.commit()
        return closed

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
        with self._units_of_work() as uow:
            known = uow.offers.by_source_ids([o.source_id for o in offers if o.source_id])
            for done, (data, beyond) in enumerate(zip(offers, hidden, strict=True), start=1):
                existing = known.get(data.source_id) if data.source_id else None
                if existing is not None:
                    offer = existing
                    changed = _revise_import(caller, offer, data, now, beyond)
                    result.count_revision(changed)
                else:
                    offer, changed = Offer.publish(caller.subject, data, now, beyond), True
                    if data.source_id:
                        known[data.source_id] = offer
                    result.created += 1
                if changed:
                    uow.offers.save(offer)
                result.offers.append(offer.to_public())
                if progress:
                    progress(done, len(offers))
            uow.commit()
        return result

    # -- queries --------------------------------------------------------------------------------------
    def get(self, caller: Caller, offer_id: str) -> OfferPublic:
        with self._units_of_work() as uow:
            if caller.role == Role.EMPLOYER:
                return _owned(uow.offers, caller, offer_id).to_public()
            _require(caller, Role.REFERENT, Role.ADMIN)
            offer = uow.offers.get(offer_id)
            if offer is None:
                raise NotFound(f"No offer {offer_id}.", code="offer.not_found")
            return offer.to_public()

    def list_offers(
        self, caller: Caller, status: OfferStatus | None, limit: int, offset: int
    ) -> Page[OfferPublic]:
        _require(caller, Role.EMPLOYER, Role.REFERENT, Role.ADMIN)
        employer_id = caller.subject if caller.role == Role.EMPLOYER else None
        if caller.role == Role.REFERENT:  # référents see active offers only, whatever they ask for
            if status not in (None, OfferStatus.ACTIVE):
                return Page(items=[], total=0, limit=limit, offset=offset)
            status = OfferStatus.ACTIVE
        with self._units_of_work() as uow:
            offers, total = uow.offers.page(status, employer_id, limit, offset)
        return Page(items=[o.to_public() for o in offers], total=total, limit=limit, offset=offset)

    def after(self, caller: Caller, after_id: str, limit: int) -> list[OfferPublic]:
        _require(caller, Role.SYSTEM, Role.ADMIN)
        with self._units_of_work() as uow:
            return [o.to_public() for o in uow.offers.after(after_id, limit)]


def _owned(offers: OfferRepository, caller: Caller, offer_id: str, for_update: bool = False) -> Offer:
    offer = offers.get(offer_id, for_update=for_update)
    # An employer asking for another employer's offer gets the same answer as for a missing one.
    if offer is None or (caller.role == Role.EMPLOYER and offer.employer_id != caller.subject):
        raise NotFound(f"No offer {offer_id}.", code="offer.not_found")
    if caller.role not in (Role.EMPLOYER, Role.ADMIN):
        raise Forbidden("Only the offer's employer can change it.", code="offer.owner_only")
    return offer


def _revise_import(caller: Caller, offer: Offer, data: OfferCreate, now: datetime, hidden: bool) -> bool:
    """An imported offer already known by its source id: updated in place. Returns whether it changed."""
    if caller.role == Role.EMPLOYER and offer.employer_id != caller.subject:
        raise Conflict(
            f"The source id {data.source_id} belongs to another employer's offer.",
            code="offer.source_id_taken",
        )
    return offer.revise(OfferUpdate(**_updatable(data)), now, hidden)


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


@dataclass
class BatchResult:
    """What a bulk import did: new offers, offers that changed (new version), offers already up to date."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    offers: list[OfferPublic] = field(default_factory=list)

    def count_revision(self, changed: bool) -> None:
        if changed:
            self.updated += 1
        else:
            self.unchanged += 1
