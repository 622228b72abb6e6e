"""The employer-loop use cases on the in-memory unit of work (tests/integration/test_use_cases_postgres.py
runs the same suite on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.events import EventEnvelope, decode_event
from services.matching.adapters.memory import MemoryMatchingStore, memory_units_of_work
from tests.use_cases.employer_loop import EmployerLoopUseCases, Loop, LoopWorld


class TestEmployerLoopInMemory(EmployerLoopUseCases):
    @pytest.fixture
    def world(self, tmp_path: Path) -> LoopWorld:
        store = MemoryMatchingStore()

        def events() -> list[EventEnvelope]:
            return [decode_event(sent.value) for sent in store.outbox.sent]

        return Loop(memory_units_of_work(store), tmp_path, events)
