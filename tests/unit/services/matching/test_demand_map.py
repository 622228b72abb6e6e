"""Offers by place for the map, and the short-lived cache of the index's aggregates that the report and
the map share."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from common.outlines import territory_codes
from common.territory import commune_named
from contracts.profiles import MatchingView
from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.memory import MemoryMatchingStore, memory_units_of_work
from services.matching.analytics_cache import AnalyticsCache, demand_aggregates, people_counts
from services.matching.api_analytics import demand_report
from services.matching.domain.analytics import sector_of
from services.matching.domain.demand_map import offers_by_place
from services.matching.domain.sectors import sector_codes
from services.matching.ports import DemandBucket, IndexAggregates
from services.matching.service import MatchingService
from tests.factories import indexed_offer, location

MARCH = date(2026, 3, 1)


def bucket(insee: str | None, offers: int, openings: int) -> DemandBucket:
    return DemandBucket(insee, None, "K2204", MARCH, offers, openings)


def test_every_place_of_the_territory_is_listed_and_offers_elsewhere_are_counted_apart() -> None:
    orleans, montargis = commune_named("Orléans"), commune_named("Montargis")
    buckets = [
        bucket(orleans.insee_code, 3, 5),
        bucket(orleans.insee_code, 1, 1),
        bucket(montargis.insee_code, 2, 2),
        bucket("75056", 4, 4),  # Paris: beyond the territory
        bucket(None, 1, 1),  # no known place
    ]
    places, outside = offers_by_place(buckets, "commune")
    assert {p.code for p in places} == territory_codes("commune")
    by_code = {p.code: p for p in places}
    assert (by_code[orleans.insee_code].offers, by_code[orleans.insee_code].openings) == (4, 6)
    assert by_code[orleans.insee_code].label == "Orléans"
    assert by_code[montargis.insee_code].offers == 2
    assert sum(p.offers for p in places) == 6 and outside == 5
    epcis, _ = offers_by_place(buckets, "epci")
    assert {p.code: p.offers for p in epcis}[orleans.epci_siren] == 4
    assert {p.code: p.label for p in epcis}[montargis.epci_siren] == montargis.epci_name


def test_small_offer_counts_are_shown_as_they_are() -> None:
    places, _ = offers_by_place([bucket(commune_named("Gien").insee_code, 1, 1)], "epci")
    assert {p.code: p.offers for p in places}[commune_named("Gien").epci_siren] == 1


def test_the_cache_answers_within_its_ttl_and_computes_again_after() -> None:
    now = [0.0]
    cache = AnalyticsCache[IndexAggregates](ttl_s=30, clock=lambda: now[0])
    computed: list[int] = []

    def compute() -> IndexAggregates:
        computed.append(1)
        return IndexAggregates(buckets=[], skills=[], unfilled=[])

    first = cache.get("k", compute)
    now[0] = 29.0
    assert cache.get("k", compute) is first and len(computed) == 1
    now[0] = 31.0
    assert cache.get("k", compute) is not first and len(computed) == 2
    cache.get("other", compute)
    assert len(computed) == 3


class NoOffers:
    def iter_offers(self, page_size: int = 500):  # type: ignore[no-untyped-def]
        return iter(())


def local_service(tmp_path: Path) -> MatchingService:
    """Matching on a local index (8 dimensions) and an in-memory store; no profile is read."""
    return MatchingService(
        memory_units_of_work(MemoryMatchingStore()),
        LocalOfferIndex(str(tmp_path / "i.db"), 8),
        HashingEncoder(8),
        None,  # type: ignore[arg-type]
        NoOffers(),
    )


def test_a_write_to_the_index_shows_at_the_next_read(tmp_path: Path) -> None:
    service = local_service(tmp_path)
    index = service.index
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    published = date.today() - timedelta(days=3)
    index.upsert([(indexed_offer(id="a", published_on=published), vector)])
    first = demand_aggregates(service)
    assert demand_aggregates(service) is first  # same version: the cached aggregation
    index.upsert([(indexed_offer(id="b", published_on=published), vector)])
    second = demand_aggregates(service)
    assert sum(b.offers for b in second.buckets) == 2
    index.delete(["a"])
    assert sum(b.offers for b in demand_aggregates(service).buckets) == 1


def test_aggregating_by_sector_codes_keeps_every_sector() -> None:
    nafs = [None, "", "5", "56.10A", "5610A", "04.00Z", "99.00Z", "AB.12", "88"]
    romes = [None, "", "K2204", "k2204", "N1103", "Z9999"]
    for naf in nafs:
        for rome in romes:
            assert sector_of(*sector_codes(naf, rome)) == sector_of(naf, rome), (naf, rome)


def person(profile_id: str, skills: list[str]) -> MatchingView:
    return MatchingView.model_validate(
        {
            "profile_id": profile_id,
            "version": 1,
            "target_jobs": ["cariste"],
            "appellation_codes": [],
            "skills": skills,
            "location": location("Gien"),
            "mobility": {"max_distance_km": 20},
            "contract_types": [],
            "min_hours_per_week": None,
            "max_hours_per_week": None,
            "excluded_conditions": [],
        }
    )


def test_a_person_added_is_counted_at_the_next_read(tmp_path: Path) -> None:
    service = local_service(tmp_path)
    vector = np.ones(8, dtype=np.float32)
    with service.units_of_work() as uow:
        uow.projections.save(person("p1", ["Plonge"]), vector)
        uow.commit()
    assert people_counts(service).skills == {"plonge": 1}
    with service.units_of_work() as uow:
        uow.projections.save(person("p2", ["plonge", "caisse"]), vector)
        uow.commit()
    assert people_counts(service).skills == {"plonge": 2, "caisse": 1}


def test_the_report_is_built_once_while_its_inputs_stay_cached(tmp_path: Path) -> None:
    service = local_service(tmp_path)
    index = service.index
    vector = np.ones(8, dtype=np.float32)
    index.upsert([(indexed_offer(id="a", published_on=date.today()), vector)])
    first = demand_report(service)
    assert demand_report(service) is first
    index.upsert([(indexed_offer(id="b", published_on=date.today()), vector)])
    second = demand_report(service)
    assert second is not first and second.total.offers == first.total.offers  # both < 5: hidden
    assert sum(b.offers for b in demand_aggregates(service).buckets) == 2
