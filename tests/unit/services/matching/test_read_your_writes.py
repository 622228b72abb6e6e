"""Suggestions asked for at a profile version are ranked from that version, even before the consumer
projects it (read-through), and a request without a version reads the projection as before."""

from __future__ import annotations

from pathlib import Path

from contracts.profiles import MatchingView
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.memory import MemoryMatchingStore, memory_units_of_work
from services.matching.service import MatchingService
from tests.factories import location


def view(version: int, radius_km: float) -> MatchingView:
    return MatchingView.model_validate(
        {
            "profile_id": "p1",
            "version": version,
            "target_jobs": ["cariste"],
            "appellation_codes": [],
            "skills": [],
            "location": location("Gien"),
            "mobility": {"max_distance_km": radius_km},
            "contract_types": [],
            "min_hours_per_week": None,
            "max_hours_per_week": None,
            "excluded_conditions": [],
        }
    )


class SavedProfiles:
    """The profiles service: it answers with the newest committed version."""

    def __init__(self) -> None:
        self.current = view(1, 30)
        self.reads = 0

    def matching_view(self, profile_id: str) -> MatchingView:
        self.reads += 1
        return self.current


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def service(tmp_path: Path, profiles: SavedProfiles) -> MatchingService:
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    store = MemoryMatchingStore()
    return MatchingService(memory_units_of_work(store), index, HashingEncoder(64), profiles, NoOffers())


def projected_version(matching: MatchingService) -> int:
    with matching.units_of_work() as uow:
        return uow.projections.version("p1")


def test_a_save_not_yet_consumed_is_read_through_when_its_version_is_asked_for(tmp_path: Path) -> None:
    profiles = SavedProfiles()
    matching = service(tmp_path, profiles)
    assert "30 km" in (matching.suggest("p1", 5).end_of_list or "")  # projected at version 1
    profiles.current = view(2, 10)  # the référent saves a smaller radius; no event consumed yet

    stale = matching.suggest("p1", 5)  # no version asked: the projection, as before
    assert "30 km" in (stale.end_of_list or "") and projected_version(matching) == 1

    fresh = matching.suggest("p1", 5, min_version=2)
    assert "10 km" in (fresh.end_of_list or "")
    assert projected_version(matching) == 2  # kept: the consumer's event for version 2 is then a no-op


def test_a_projection_as_new_as_asked_is_not_read_again(tmp_path: Path) -> None:
    profiles = SavedProfiles()
    matching = service(tmp_path, profiles)
    matching.suggest("p1", 5)
    reads = profiles.reads
    matching.suggest("p1", 5, min_version=1)
    assert profiles.reads == reads
