"""Demand aggregates from real Elasticsearch aggregations equal the local index's Python aggregation —
buckets, skills and ages by area, and so the whole report, filtered or not."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.analytics import aggregate_documents, build_report
from services.matching.domain.people import PersonFacts, people_grids
from services.matching.domain.periods import earliest
from services.matching.domain.sectors import add_months
from services.matching.domain.territories import default_groups, resolve_area
from services.matching.ports import IndexedOffer
from tests.factories import indexed_offer

DIMS = 32
TODAY = date.today()
MONTH = TODAY.replace(day=1)
GROUPS = {g.key: g for g in default_groups()}


def documents() -> list[IndexedOffer]:
    docs: list[IndexedOffer] = []
    communes = ["Montargis", "Amilly", "Gien", "Pithiviers", "Orléans", "Briare"]
    for i in range(90):
        docs.append(
            indexed_offer(
                id=f"o{i:03d}",
                commune=communes[i % len(communes)],
                rome_code=["K2204", "N1103", "G1605", None][i % 4],
                skills=(("plonge", "nettoyage des locaux", "caisse")[i % 3],),
                status="active" if i % 5 else "paused",
                openings=1 + i % 3,
                published_on=TODAY - timedelta(days=(i * 9) % 420),
                expires_on=TODAY + timedelta(days=30) if i % 11 else TODAY - timedelta(days=1),
            )
        )
    docs.append(indexed_offer(id="nodate", published_on=None, commune="Gien"))
    docs.append(indexed_offer(id="noplace", insee_code=None, commune="Gien"))
    return docs


def test_elasticsearch_aggregations_match_the_local_index(elasticsearch_url: str, tmp_path: Path) -> None:
    encoder = HashingEncoder(DIMS)
    docs = documents()
    pairs = list(zip(docs, encoder.encode([d.title for d in docs]), strict=True))
    local = LocalOfferIndex(str(tmp_path / "index.db"), DIMS)
    local.upsert(pairs)
    es = ElasticsearchOfferIndex(elasticsearch_url, DIMS, alias=f"analytics-{uuid.uuid4().hex[:10]}")
    es.ensure()
    people = people_grids([PersonFacts("45155", "K2204", ("K2204",), ("plonge",))] * 6)
    try:
        es.upsert(pairs)
        es.refresh()
        for keys in (["territoire"], ["groupe:giennois", "groupe:montargois"], ["commune:45155"]):
            areas = [resolve_area(k, GROUPS) for k in keys]
            by_key = {a.key: a.communes for a in areas}
            for since in (None, earliest(MONTH)):
                expected = local.aggregate_demand(TODAY, since, by_key)
                found = es.aggregate_demand(TODAY, since, by_key)
                for key in by_key:
                    assert sorted(found.places[key], key=repr) == sorted(expected.places[key], key=repr)
                    assert sorted(found.jobs[key], key=repr) == sorted(expected.jobs[key], key=repr)
                assert found.skills == expected.skills
                assert found.unfilled == expected.unfilled
                assert build_report(found, people, {}, {}, TODAY, MONTH, areas) == build_report(
                    expected, people, {}, {}, TODAY, MONTH, areas
                )
        # The report's window (M - 12 to the end of M) and the map's question (no skills, no months).
        for kwargs in (
            {
                "since": earliest(MONTH),
                "until": add_months(MONTH, 1),
                "areas": {"g": resolve_area("groupe:giennois", GROUPS).communes},
            },
            {"since": MONTH - timedelta(days=60), "areas": {"tout": None}, "top_skills": 0, "monthly": False},
        ):
            reference = aggregate_documents(docs, TODAY, **kwargs)  # type: ignore[arg-type]
            for index in (es, local):
                found = index.aggregate_demand(TODAY, **kwargs)  # type: ignore[arg-type]
                for key in reference.places:
                    assert sorted(found.places[key], key=repr) == sorted(reference.places[key], key=repr)
                    assert sorted(found.jobs[key], key=repr) == sorted(reference.jobs[key], key=repr)
                assert (found.skills, found.unfilled) == (reference.skills, reference.unfilled)
        giennois = es.aggregate_demand(TODAY, None, {"g": resolve_area("groupe:giennois", GROUPS).communes})
        assert sum(b.offers for b in giennois.places["g"]) == sum(
            1 for d in docs if d.commune in ("Gien", "Briare") and d.insee_code
        )
        assert sum(b.offers for b in es.aggregate_demand(TODAY).places["tout"]) == len(docs)
    finally:
        es._es.indices.delete(index=f"{es.alias}-*")
        es.close()
        local.close()
