"""What the offers use cases need of their store: the offers repository and the unit of work holding it.

The SQL implementation is services/offers/adapters/sql.py, the in-memory one adapters/memory.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from common.unit_of_work import UnitOfWork
from contracts.offers import OfferStatus
from services.offers.domain import Offer


class OfferRepository(Protocol):
    """Every query on offers. `save` stores the offer with the status history and the events it
    recorded since it was loaded (the events into the unit of work's outbox)."""

    def get(self, offer_id: str, for_update: bool = False) -> Offer | None: ...

    def by_source_id(self, employer_id: str, source_id: str) -> Offer | None: ...

    def by_source_ids(self, source_ids: Sequence[str]) -> dict[str, Offer]:
        """The offers (of any employer) whose source id is one of these, by source id."""
        ...

    def by_source_prefix(self, employer_id: str, prefix: str) -> list[Offer]:
        """The employer's offers whose source id starts with `prefix` (one feed), for full-feed closing."""
        ...

    def save(self, offer: Offer) -> None: ...

    def page(
        self, status: OfferStatus | None, employer_id: str | None, limit: int, offset: int
    ) -> tuple[list[Offer], int]:
        """Newest first; the total counts every offer that matches."""
        ...

    def after(self, after_id: str, limit: int) -> list[Offer]:
        """Keyset pagination over every offer within reach, in id order, for index rebuilds."""
        ...


class OffersUnitOfWork(UnitOfWork, Protocol):
    @property
    def offers(self) -> OfferRepository: ...


OffersUnitOfWorkFactory = Callable[[], OffersUnitOfWork]
