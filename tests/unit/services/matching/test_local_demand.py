"""The local index's demand aggregates (numpy over its columns) equal the reference aggregation over the
documents, whatever the areas, dates and options asked, and follow every write of the index."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.analytics import aggregate_documents
from services.matching.ports import IndexAggregates, IndexedOffer
from tests.factories import indexed_offer

TODAY = date(2026, 3, 15)
DIMS = 8
COMMUNES = ["Montargis", "Amilly", "Gien", "Briare", "Pithiviers", "Orléans"]
AREAS = {"giennois": frozenset({"45155", "45053"}), "montargis": frozenset({"45208"}), "tout": None}


def random_offer(rng: random.Random, i: int, version: int = 1) -> IndexedOffer:
    published = None if rng.random() < 0.1 else TODAY - timedelta(days=rng.randrange(-20, 500))
    doc: IndexedOffer = indexed_offer(
        id=f"o{i}",
        version=version,
        commune=rng.choice(COMMUNES),
        rome_code=rng.choice(["K2204", "N1103", "G1605", None, ""]),
        skills=tuple(rng.sample(["plonge", "caisse", "accueil", "Caisse", "soudure"], rng.randrange(0, 4))),
        status=rng.choice(["active", "active", "paused"]),
        openings=rng.randrange(1, 4),
        published_on=published,
        expires_on=TODAY + timedelta(days=rng.randrange(-10, 60)),
    )
    if rng.random() < 0.05:
        doc = indexed_offer(**{**doc.__dict__, "insee_code": None})
    return doc


def normalised(found: IndexAggregates) -> tuple[object, ...]:
    def counts(by_area: dict[str, list[object]]) -> dict[str, list[object]]:
        return {key: sorted(values, key=repr) for key, values in by_area.items()}

    return counts(found.places), counts(found.jobs), found.skills, found.unfilled  # type: ignore[arg-type]


def index_of(tmp_path: Path, docs: list[IndexedOffer]) -> LocalOfferIndex:
    index = LocalOfferIndex(str(tmp_path / "index.db"), DIMS)
    index.upsert([(doc, np.ones(DIMS, dtype=np.float32)) for doc in docs])
    return index


def test_the_numpy_aggregation_equals_the_reference_on_random_offers(tmp_path: Path) -> None:
    rng = random.Random(7)
    docs = [random_offer(rng, i) for i in range(400)]
    index = index_of(tmp_path, docs)
    asked = [
        {},
        {"since": date(2025, 3, 1), "until": date(2026, 4, 1), "areas": AREAS},
        {"since": date(2026, 1, 1), "areas": {"tout": None}, "top_skills": 0, "monthly": False},
        {"until": date(2026, 2, 1), "areas": {"montargis": AREAS["montargis"]}, "top_skills": 2},
        {"areas": {"nowhere": frozenset({"99999"})}},
    ]
    for kwargs in asked:
        found = index.aggregate_demand(TODAY, **kwargs)  # type: ignore[arg-type]
        assert normalised(found) == normalised(aggregate_documents(docs, TODAY, **kwargs))  # type: ignore[arg-type]
    index.close()


def test_the_aggregates_follow_every_write_of_the_index(tmp_path: Path) -> None:
    rng = random.Random(11)
    docs = [random_offer(rng, i) for i in range(60)]
    index = index_of(tmp_path, docs)
    before = index.aggregate_demand(TODAY, areas=AREAS)
    assert normalised(before) == normalised(aggregate_documents(docs, TODAY, areas=AREAS))
    # An update (a newer version elsewhere, with other skills), a new offer, then a deletion.
    docs[3] = random_offer(random.Random(99), 3, version=2)
    docs.append(random_offer(rng, 60))
    index.upsert([(docs[3], np.ones(DIMS, dtype=np.float32)), (docs[-1], np.ones(DIMS, dtype=np.float32))])
    assert normalised(index.aggregate_demand(TODAY, areas=AREAS)) == normalised(
        aggregate_documents(docs, TODAY, areas=AREAS)
    )
    index.delete([docs[0].id, docs[3].id])
    kept = docs[1:3] + docs[4:]
    assert normalised(index.aggregate_demand(TODAY, areas=AREAS)) == normalised(
        aggregate_documents(kept, TODAY, areas=AREAS)
    )
    index.close()
