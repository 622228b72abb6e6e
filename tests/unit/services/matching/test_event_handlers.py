"""The matching consumer's handler registry: which events it handles, and what each one does."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from contracts.events import OfferUpsertedV1, ProfileDeletedV1, ProfileUpsertedV1
from contracts.offers import OfferPublic
from contracts.profiles import MatchingView
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.memory import MemoryMatchingStore, memory_units_of_work
from services.matching.service import MatchingService
from tests.factories import location, offer_payload


class Profiles:
    """The profiles service as matching sees it (a fake of the ProfileSource port)."""

    def __init__(self) -> None:
        self.views: dict[str, MatchingView] = {}

    def matching_view(self, profile_id: str) -> MatchingView | None:
        return self.views.get(profile_id)


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def _view(profile_id: str, version: int) -> MatchingView:
    return MatchingView(
        profile_id=profile_id,
        version=version,
        target_jobs=["agent de propreté"],
        appellation_codes=[],
        skills=[],
        location=location("Gien"),
        mobility={"max_distance_km": 20},
        contract_types=[],
        min_hours_per_week=None,
        max_hours_per_week=None,
        excluded_conditions=[],
    )


def _offer(offer_id: str, version: int, **changes: object) -> OfferPublic:
    now = datetime.now(UTC)
    return OfferPublic(
        **offer_payload(**changes),
        id=offer_id,
        employer_id="e1",
        status="active",
        version=version,
        expires_on=date.today() + timedelta(days=30),
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
def matching(tmp_path: Path) -> tuple[MatchingService, Profiles]:
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    profiles = Profiles()
    units_of_work = memory_units_of_work(MemoryMatchingStore())
    return MatchingService(units_of_work, index, HashingEncoder(64), profiles, NoOffers()), profiles


def test_matching_handles_offer_and_profile_events_of_version_1_only(matching) -> None:  # type: ignore[no-untyped-def]
    service, _ = matching
    assert service.event_handlers().kinds() == {
        ("offer.upserted", 1),
        ("profile.upserted", 1),
        ("profile.deleted", 1),
    }


def test_offer_events_index_the_latest_version_of_each_offer(matching) -> None:  # type: ignore[no-untyped-def]
    service, _ = matching
    events = [
        OfferUpsertedV1.of(_offer("o1", 2, hours_per_week=30)),
        OfferUpsertedV1.of(_offer("o1", 1)),  # redelivered out of order: older, ignored
        OfferUpsertedV1.of(_offer("o2", 1, title="Cariste")),
    ]
    service.event_handlers().dispatch(events)
    assert service.index.versions(["o1", "o2"]) == {"o1": 2, "o2": 1}
    stored = service.index.get_offers(["o1", "o2"])
    assert stored["o1"].hours_per_week == 30 and stored["o2"].title == "Cariste"


def test_profile_events_project_the_person_then_forget_them(matching) -> None:  # type: ignore[no-untyped-def]
    service, profiles = matching
    profiles.views["p1"] = _view("p1", 3)
    handlers = service.event_handlers()
    handlers.dispatch([ProfileUpsertedV1.of("p1", 3)])
    with service.units_of_work() as uow:
        assert uow.projections.version("p1") == 3

    handlers.dispatch([ProfileDeletedV1.of("p1", 4)])
    with service.units_of_work() as uow:
        assert uow.projections.get("p1") is None
