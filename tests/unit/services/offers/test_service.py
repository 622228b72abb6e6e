"""The offers use cases on the in-memory unit of work (tests/integration/test_use_cases_postgres.py runs
the same suite on PostgreSQL)."""

from __future__ import annotations

import pytest

from contracts.events import OfferUpsertedV1, decode_event
from services.offers.adapters.memory import MemoryOfferStore, memory_units_of_work
from services.offers.service import OffersService
from tests.use_cases.offers import OffersUseCases, OffersWorld


class MemoryOffersWorld:
    def __init__(self) -> None:
        self.store = MemoryOfferStore()
        self.service = OffersService(memory_units_of_work(self.store))

    def events(self) -> list[OfferUpsertedV1]:
        events = [decode_event(sent.value) for sent in self.store.outbox.sent]
        return [e for e in events if isinstance(e, OfferUpsertedV1)]

    def history(self, offer_id: str) -> list[str]:
        return [change.status.value for offer, change in self.store.history if offer == offer_id]


class TestOffersInMemory(OffersUseCases):
    @pytest.fixture
    def world(self) -> OffersWorld:
        return MemoryOffersWorld()
