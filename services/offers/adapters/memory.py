"""The offers store in memory: the same repository and unit of work as adapters/sql.py, for unit tests.

A unit of work works on a copy of the store and writes it back on commit: what is not committed is lost,
as in a rolled-back transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from common.errors import Conflict
from common.unit_of_work import MemoryOutbox, MemoryUnitOfWork
from contracts.events import OFFERS_TOPIC
from contracts.offers import OfferStatus
from services.offers.domain import Offer, StatusChange


@dataclass
class MemoryOfferStore:
    """What a database would hold: the offers' columns, their status history, the outbox."""

    offers: dict[str, dict[str, Any]] = field(default_factory=dict)
    history: list[tuple[str, StatusChange]] = field(default_factory=list)
    outbox: MemoryOutbox = field(default_factory=MemoryOutbox)


class MemoryOfferRepository:
    def __init__(self, offers: dict[str, dict[str, Any]], outbox: MemoryOutbox) -> None:
        self.stored = offers
        self._outbox = outbox
        self.history: list[tuple[str, StatusChange]] = []

    def _all(self) -> list[Offer]:
        return [Offer(**copy.deepcopy(columns)) for columns in self.stored.values()]

    def get(self, offer_id: str, for_update: bool = False) -> Offer | None:
        columns = self.stored.get(offer_id)
        return Offer(**copy.deepcopy(columns)) if columns is not None else None

    def by_source_id(self, employer_id: str, source_id: str) -> Offer | None:
        wanted = (employer_id, source_id)
        return next((o for o in self._all() if (o.employer_id, o.source_id) == wanted), None)

    def by_source_ids(self, source_ids: Sequence[str]) -> dict[str, Offer]:
        wanted = set(source_ids)
        return {str(o.source_id): o for o in sorted(self._all(), key=_id) if o.source_id in wanted}

    def by_source_prefix(self, employer_id: str, prefix: str) -> list[Offer]:
        return [
            o
            for o in self._all()
            if o.employer_id == employer_id and o.source_id is not None and o.source_id.startswith(prefix)
        ]

    def save(self, offer: Offer) -> None:
        for other in self.stored.values():
            same_source = (other["employer_id"], other["source_id"]) == (offer.employer_id, offer.source_id)
            if offer.source_id is not None and same_source and other["id"] != offer.id:
                raise Conflict("This conflicts with existing data; reload and try again.")
        self.stored[offer.id] = copy.deepcopy(offer.stored_fields())
        self.history += [(offer.id, change) for change in offer.status_changes]
        for event in offer.events:
            self._outbox.add(OFFERS_TOPIC, event)
        offer.status_changes.clear()
        offer.events.clear()

    def page(
        self, status: OfferStatus | None, employer_id: str | None, limit: int, offset: int
    ) -> tuple[list[Offer], int]:
        newest_first = sorted(sorted(self._all(), key=_id), key=lambda o: o.created_at, reverse=True)
        found = [
            o for o in newest_first if status in (None, o.status) and employer_id in (None, o.employer_id)
        ]
        return found[offset : offset + limit], len(found)

    def after(self, after_id: str, limit: int) -> list[Offer]:
        return [o for o in sorted(self._all(), key=_id) if o.id > after_id and not o.beyond_reach][:limit]


def _id(offer: Offer) -> str:
    return offer.id


class MemoryOffersUnitOfWork(MemoryUnitOfWork):
    def __init__(self, store: MemoryOfferStore) -> None:
        super().__init__(store.outbox)
        self._store = store

    def _open(self) -> None:
        self.offers = MemoryOfferRepository(copy.deepcopy(self._store.offers), self._store.outbox)

    def _keep(self) -> None:
        self._store.offers = copy.deepcopy(self.offers.stored)
        self._store.history += self.offers.history
        self.offers.history = []


def memory_units_of_work(store: MemoryOfferStore) -> Callable[[], MemoryOffersUnitOfWork]:
    return lambda: MemoryOffersUnitOfWork(store)
