"""The candidate window and its second source: the person's own métiers are never crowded out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.occupations import OccupationLink
from services.matching.ports import HardFilters, Hit, OwnOccupations, Search
from services.matching.service import MatchingService
from services.matching.units import Projection
from tests.factories import indexed_offer, location

ENCODER = HashingEncoder(64)
AMILLY = location("Amilly")
FILTERS = HardFilters(lat=AMILLY["lat"], lon=AMILLY["lon"], radius_km=30, today=date.today())
CARISTE = OccupationLink("cariste", "N1101", None, "Cariste", 1.0, "intitulé identique")


def test_the_local_index_searches_within_the_persons_occupations(tmp_path: Path) -> None:
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    vector = ENCODER.encode(["conducteur de car"])[0]
    index.upsert(
        [
            (indexed_offer(id="car", rome_code="N4103"), vector),
            (indexed_offer(id="forklift", rome_code="N1101"), ENCODER.encode(["cariste"])[0]),
            (indexed_offer(id="esco", rome_code=None, esco_uri="uri:cariste"), vector),
        ]
    )
    assert [h.offer.id for h in index.search(vector, FILTERS, 1)] == ["car"]
    within = OwnOccupations(frozenset({"N1101"}), frozenset({"uri:cariste"}))
    assert {h.offer.id for h in index.search(vector, FILTERS, 5, within=within)} == {"forklift", "esco"}


class RecordingIndex:
    """Answers the window with look-alikes, and the restricted search with the person's métier."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.calls: list[OwnOccupations | None] = []
        self.together: list[int] = []

    def search(
        self, vector: Any, filters: HardFilters, k: int, within: OwnOccupations | None = None
    ) -> list[Hit]:
        self.calls.append(within)
        if within is None:
            return [
                Hit(indexed_offer(id=f"lookalike-{i}", rome_code="N4103"), 0.9) for i in range(self.window)
            ]
        return [Hit(indexed_offer(id=f"own-{i}", rome_code="N1101"), 0.5) for i in range(k)]

    def search_together(self, searches: Sequence[Search]) -> list[list[Hit]]:
        self.together.append(len(searches))
        return [self.search(one.vector, one.filters, one.k, one.within) for one in searches]


def service_on(index: RecordingIndex) -> MatchingService:
    return MatchingService(units_of_work=None, index=index, encoder=None, profiles=None, offers=None)  # type: ignore[arg-type]


def candidates(index: RecordingIndex, service: MatchingService | None = None) -> list[Hit]:
    projection = Projection(view=None, vector=np.zeros(64, np.float32), occupations=(CARISTE,))  # type: ignore[arg-type]
    return (service or service_on(index))._candidates(projection, FILTERS, limit=10)


def test_a_full_window_of_lookalikes_brings_a_second_search_of_the_persons_metier() -> None:
    index = RecordingIndex(window=50)
    hits = candidates(index)
    assert index.calls[0] is None and index.calls[1] is not None and "N1101" in index.calls[1].rome_codes
    assert sum(h.offer.id.startswith("own-") for h in hits) == 20


def test_both_searches_are_asked_in_one_round_trip_while_the_second_is_mostly_needed() -> None:
    index = RecordingIndex(window=50)
    service = service_on(index)
    for _ in range(30):
        candidates(index, service)
    assert index.together == [2] * 30


def test_where_the_second_search_is_seldom_needed_it_is_asked_only_when_it_is() -> None:
    sparse = RecordingIndex(window=12)
    service = service_on(sparse)
    for _ in range(30):
        candidates(sparse, service)
    assert sparse.together[-1:] == [2] and len(sparse.together) < 30
    assert sparse.calls[-1] is None and sparse.calls[-2] is None  # one search per request now
    dense = RecordingIndex(window=50)
    service.index = dense  # type: ignore[assignment]
    asked_in_turn = candidates(dense, service)
    assert dense.together == [] and dense.calls[1] is not None
    assert asked_in_turn == candidates(RecordingIndex(window=50))  # the same offers either way


def test_a_window_that_is_not_full_already_holds_every_allowed_offer() -> None:
    index = RecordingIndex(window=12)
    hits = candidates(index)
    assert len(hits) == 12 and not any(h.offer.id.startswith("own-") for h in hits)


def test_a_person_without_a_known_metier_costs_one_search() -> None:
    index = RecordingIndex(window=50)
    projection = Projection(view=None, vector=np.zeros(64, np.float32), occupations=())  # type: ignore[arg-type]
    assert len(service_on(index)._candidates(projection, FILTERS, limit=10)) == 50
    assert index.calls == [None] and index.together == []
