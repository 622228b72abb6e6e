"""The matching use cases on the in-memory unit of work (tests/integration/test_use_cases_postgres.py runs
the same suite on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.events import OutcomeRecordedV1, decode_event
from services.matching.adapters.memory import MemoryMatchingStore, memory_units_of_work
from tests.use_cases.matching import MatchingUseCases, MatchingWorld, matching_service


class MemoryMatchingWorld:
    def __init__(self, index_dir: Path) -> None:
        self.store = MemoryMatchingStore()
        self.service = matching_service(memory_units_of_work(self.store), index_dir)

    def events(self) -> list[OutcomeRecordedV1]:
        events = [decode_event(sent.value) for sent in self.store.outbox.sent]
        return [e for e in events if isinstance(e, OutcomeRecordedV1)]


class TestMatchingInMemory(MatchingUseCases):
    @pytest.fixture
    def world(self, tmp_path: Path) -> MatchingWorld:
        return MemoryMatchingWorld(tmp_path)
