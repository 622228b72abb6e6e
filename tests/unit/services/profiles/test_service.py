"""The profiles use cases on the in-memory unit of work (tests/integration/test_use_cases_postgres.py runs
the same suite on PostgreSQL)."""

from __future__ import annotations

import pytest

from services.profiles.adapters.memory import MemoryProfileStore, memory_units_of_work
from services.profiles.service import ProfilesService
from tests.use_cases.follow_up import FollowUpUseCases, FollowUpWorld
from tests.use_cases.profiles import ProfilesUseCases, ProfilesWorld


class MemoryProfilesWorld:
    def __init__(self) -> None:
        self.store = MemoryProfileStore()
        self.service = ProfilesService(memory_units_of_work(self.store))

    def outbox(self) -> list[bytes]:
        return [sent.value for sent in self.store.outbox.sent]


class TestProfilesInMemory(ProfilesUseCases):
    @pytest.fixture
    def world(self) -> ProfilesWorld:
        return MemoryProfilesWorld()


class MemoryFollowUpWorld(MemoryProfilesWorld):
    def stored_contacts(self) -> int:
        return len(self.store.contacts)


class TestFollowUpInMemory(FollowUpUseCases):
    @pytest.fixture
    def world(self) -> FollowUpWorld:
        return MemoryFollowUpWorld()
