"""The search rules stated once: a real Elasticsearch, the local index's numpy masks and the plain-Python
meaning of the rules select the same offers, for random people's filters and random rules."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from services.matching.adapters.es_filters import compile_rule, filter_query
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.constraints import search_rule
from services.matching.domain.rules import holds
from services.matching.ports import IndexedOffer
from tests.rule_cases import (
    clear_of_the_circle,
    clear_of_the_circles,
    random_filters,
    random_offer,
    random_rule,
)

DIMS = 16
OFFERS = 300
MARGIN_KM = 0.05


@pytest.fixture(scope="module")
def offers() -> list[IndexedOffer]:
    rng = random.Random(20261127)
    return [random_offer(rng, i) for i in range(OFFERS)]


@pytest.fixture(scope="module")
def vectors() -> npt.NDArray[np.float32]:
    found = np.random.default_rng(11).normal(size=(OFFERS, DIMS)).astype(np.float32)
    found /= np.linalg.norm(found, axis=1, keepdims=True)
    return found


@pytest.fixture(scope="module")
def indexes(
    elasticsearch_url: str,
    offers: list[IndexedOffer],
    vectors: npt.NDArray[np.float32],
    tmp_path_factory: Any,
) -> Iterator[tuple[ElasticsearchOfferIndex, LocalOfferIndex]]:
    """Both backends loaded once with the same offers."""
    pairs = list(zip(offers, vectors, strict=True))
    local = LocalOfferIndex(str(tmp_path_factory.mktemp("rules") / "index.db"), DIMS)
    local.upsert(pairs)
    es = ElasticsearchOfferIndex(elasticsearch_url, DIMS, alias=f"rules-{uuid.uuid4().hex[:10]}")
    es.ensure()
    try:
        assert es.upsert(pairs) == OFFERS
        es.refresh()
        yield es, local
    finally:
        es._es.indices.delete(index=f"{es.alias}-*")
        es.close()
        local.close()


def matched_by_query(es: ElasticsearchOfferIndex, query: dict[str, Any]) -> set[str]:
    result = es._es.search(index=es.alias, query=query, size=OFFERS + 1, source=False)
    assert int(result["hits"]["total"]["value"]) <= OFFERS
    return {hit["_id"] for hit in result["hits"]["hits"]}


def test_a_person_s_hard_filters_select_the_same_offers_on_both_backends(
    indexes: tuple[ElasticsearchOfferIndex, LocalOfferIndex],
    offers: list[IndexedOffer],
    vectors: npt.NDArray[np.float32],
) -> None:
    es, local = indexes
    rng = random.Random(7)
    selected = 0
    for case in range(50):
        filters = clear_of_the_circle(random_filters(rng, offers), offers, MARGIN_KM)
        expected = {o.id for o in offers if holds(search_rule(filters), o)}
        query = vectors[rng.randrange(OFFERS)]
        # Exact search on the local index: asking for every offer returns every allowed one.
        by_masks = {hit.offer.id for hit in local.search(query, filters, OFFERS)}
        by_filter = matched_by_query(es, filter_query(filters))
        by_knn = {hit.offer.id for hit in es.search(query, filters, OFFERS)}
        assert by_masks == expected, (case, filters)
        assert by_filter == expected, (case, filters, sorted(by_filter ^ expected))
        assert by_knn == expected, (case, filters, sorted(by_knn ^ expected))
        selected += len(expected)
    assert selected > 50  # the cases do let offers through, not only empty sets


def test_any_rule_of_the_algebra_selects_the_same_offers_on_both_backends(
    indexes: tuple[ElasticsearchOfferIndex, LocalOfferIndex], offers: list[IndexedOffer]
) -> None:
    es, local = indexes
    rng = random.Random(8)
    for case in range(50):
        rule = clear_of_the_circles(random_rule(rng, offers), offers, MARGIN_KM)
        expected = {o.id for o in offers if holds(rule, o)}
        rows = local._columns.rows_passing(rule, local.count()).tolist()
        assert {local._docs[row].id for row in rows} == expected, (case, rule)
        assert matched_by_query(es, compile_rule(rule)) == expected, (case, rule)
