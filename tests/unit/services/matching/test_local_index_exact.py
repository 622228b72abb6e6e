"""The local index's filter-first plan (grid cells → candidates → exact scores) answers exactly what brute
force answers: every offer checked with `holds`, every score a float32 dot product, top-k ties by id —
through upserts that move offers between cells, deletes, and searches restricted to occupations."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.constraints import search_rule
from services.matching.domain.rules import holds
from services.matching.ports import HardFilters, IndexedOffer, OwnOccupations
from tests.rule_cases import PLACES, TODAY, random_filters, random_offer

DIMS = 16
ROMES = ["K2204", "G1602", "N1103", "A1414"]


def unit(rng: np.random.Generator) -> npt.NDArray[np.float32]:
    v = rng.standard_normal(DIMS).astype(np.float32)
    return v / np.linalg.norm(v)


def brute_force(
    offers: dict[str, tuple[IndexedOffer, npt.NDArray[np.float32]]],
    query: npt.NDArray[np.float32],
    filters: HardFilters,
    k: int,
    within: OwnOccupations | None = None,
) -> list[tuple[str, float]]:
    rule = search_rule(filters)
    scored = [
        (doc.id, float(np.dot(vector, query)))
        for doc, vector in offers.values()
        if holds(rule, doc) and (within is None or doc in within)
    ]
    return sorted(scored, key=lambda hit: (-hit[1], hit[0]))[:k]


def offer_of(rng: random.Random, i: int) -> IndexedOffer:
    return replace(random_offer(rng, i), rome_code=rng.choice(ROMES))


@pytest.mark.parametrize("seed", range(12))
def test_filter_first_search_is_brute_force_through_writes(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    vectors = np.random.default_rng(seed)
    path = tmp_path / "i.db"
    index = LocalOfferIndex(str(path), DIMS)
    live: dict[str, tuple[IndexedOffer, npt.NDArray[np.float32]]] = {}
    version = 1
    for step in range(8):
        # writes: new offers, new versions of known ones (some moved far away), deletes
        batch = [(offer_of(rng, i), unit(vectors)) for i in rng.sample(range(200), rng.randint(0, 40))]
        version += 1
        batch = [(replace(doc, version=version), vector) for doc, vector in batch]
        index.upsert(batch)
        live.update({doc.id: (doc, vector) for doc, vector in batch})
        if live and rng.random() < 0.5:
            gone = rng.sample(sorted(live), rng.randint(1, min(10, len(live))))
            index.delete([*gone, "never-there"])
            for offer_id in gone:
                del live[offer_id]
        assert index.count() == len(live)
        offers = [doc for doc, _ in live.values()]
        for _ in range(6):
            filters = random_filters(rng, offers)
            query = unit(vectors)
            k = rng.choice([1, 5, 20, 300])
            got = [(h.offer.id, h.similarity) for h in index.search(query, filters, k)]
            assert _same(got, brute_force(live, query, filters, k)), (step, filters)
            own = OwnOccupations(rome_codes=frozenset(rng.sample(ROMES, 2)), esco_uris=frozenset())
            got = [(h.offer.id, h.similarity) for h in index.search(query, filters, k, within=own)]
            assert _same(got, brute_force(live, query, filters, k, own)), (step, filters, own)
    index.close()
    reopened = LocalOfferIndex(str(path), DIMS)  # what SQLite kept is what memory held
    everywhere = 20000.0  # km: every offer of the planet, the grid's cells all read
    filters = HardFilters(lat=PLACES[0][0], lon=PLACES[0][1], radius_km=everywhere, today=TODAY)
    query = unit(vectors)
    got = [(h.offer.id, h.similarity) for h in reopened.search(query, filters, 500)]
    assert _same(got, brute_force(live, query, filters, 500))
    reopened.close()


def _same(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    return [i for i, _ in got] == [i for i, _ in expected] and np.allclose(
        [s for _, s in got], [s for _, s in expected], atol=1e-6
    )
