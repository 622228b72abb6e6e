"""Demand aggregates from real Elasticsearch aggregations equal the local index's Python aggregation."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.analytics import build_report
from services.matching.ports import IndexedOffer
from tests.factories import indexed_offer

pytestmark = pytest.mark.integration

DIMS = 32
TODAY = date.today()


def documents() -> list[IndexedOffer]:
    docs: list[IndexedOffer] = []
    communes = ["Montargis", "Amilly", "Gien", "Pithiviers", "Orléans"]
    for i in range(60):
        docs.append(
            indexed_offer(
                id=f"o{i:03d}",
                commune=communes[i % len(communes)],
                rome_code=["K2204", "N1103", "G1605", None][i % 4],
                naf_code="56.10A" if i % 7 == 0 else None,
                skills=(("plonge", "nettoyage des locaux", "caisse")[i % 3],),
                status="active" if i % 5 else "paused",
                openings=1 + i % 3,
                published_on=TODAY - timedelta(days=(i * 9) % 150),
                expires_on=TODAY + timedelta(days=30) if i % 11 else TODAY - timedelta(days=1),
            )
        )
    docs.append(indexed_offer(id="nodate", published_on=None, insee_code=None, commune="Gien"))
    return docs


def test_elasticsearch_aggregations_match_the_local_index(elasticsearch_url: str, tmp_path: Path) -> None:
    encoder = HashingEncoder(DIMS)
    docs = documents()
    pairs = list(zip(docs, encoder.encode([d.title for d in docs]), strict=True))
    local = LocalOfferIndex(str(tmp_path / "index.db"), DIMS)
    local.upsert(pairs)
    es = ElasticsearchOfferIndex(elasticsearch_url, DIMS, alias=f"analytics-{uuid.uuid4().hex[:10]}")
    es.ensure()
    try:
        es.upsert(pairs)
        es.refresh()
        for since in (None, TODAY - timedelta(days=60)):
            expected = local.aggregate_demand(TODAY, since)
            found = es.aggregate_demand(TODAY, since)
            assert sorted(found.buckets, key=repr) == sorted(expected.buckets, key=repr)
            assert found.skills == expected.skills
            assert found.unfilled == expected.unfilled
            assert build_report(found, {}, {}, {}, TODAY, since) == build_report(
                expected, {}, {}, {}, TODAY, since
            )
        assert sum(b.offers for b in es.aggregate_demand(TODAY).buckets) == len(docs)
    finally:
        es._es.indices.delete(index=f"{es.alias}-*")
        es.close()
        local.close()
