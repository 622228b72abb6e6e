"""The offer index port, against the embedded index and a real Elasticsearch node."""

from __future__ import annotations

from datetime import date, timedelta

from services.matching.adapters.encoders import HashingEncoder
from services.matching.ports import HardFilters, OfferIndex, OwnOccupations, Search
from tests.contract.conftest import DIMS, settle
from tests.factories import indexed_offer, location

ENCODER = HashingEncoder(DIMS)
AMILLY = location("Amilly")


def v(text: str):  # type: ignore[no-untyped-def]
    return ENCODER.encode([text])[0]


def amilly(radius: float = 20, **kw) -> HardFilters:  # type: ignore[no-untyped-def]
    return HardFilters(lat=AMILLY["lat"], lon=AMILLY["lon"], radius_km=radius, today=date.today(), **kw)


def test_knn_with_every_hard_filter(index: OfferIndex) -> None:
    index.upsert(
        [
            (
                indexed_offer(id="ok", title="agent de propreté", conditions=("early_morning",)),
                v("agent de propreté"),
            ),
            (indexed_offer(id="far", commune="Orléans"), v("agent de propreté")),
            (indexed_offer(id="paused", status="paused"), v("agent de propreté")),
            (
                indexed_offer(id="expired", expires_on=date.today() - timedelta(days=1)),
                v("agent de propreté"),
            ),
            (indexed_offer(id="interim", contract_type="interim"), v("agent de propreté")),
            (indexed_offer(id="long", hours_per_week=39), v("agent de propreté")),
            (indexed_offer(id="night", conditions=("night_work",)), v("agent de propreté")),
            (indexed_offer(id="refused"), v("agent de propreté")),
        ]
    )
    settle(index)
    filters = amilly(
        contract_types=frozenset({"CDI"}),
        max_hours=35,
        excluded_conditions=frozenset({"night_work"}),
        excluded_offer_ids=frozenset({"refused"}),
    )
    assert [h.offer.id for h in index.search(v("agent de propreté"), filters, 10)] == ["ok"]
    assert index.count() == 8


def test_nearest_first(index: OfferIndex) -> None:
    index.upsert(
        [
            (indexed_offer(id="clean", title="agent de propreté"), v("agent de propreté des locaux")),
            (indexed_offer(id="cook", title="commis de cuisine"), v("commis de cuisine")),
        ]
    )
    settle(index)
    hits = index.search(v("agent de propreté"), amilly(), 10)
    assert [h.offer.id for h in hits] == ["clean", "cook"]
    assert 0 < hits[0].similarity <= 1.0001 and hits[0].similarity > hits[1].similarity


def test_searches_asked_together_answer_as_each_alone(index: OfferIndex) -> None:
    index.upsert(
        [
            (indexed_offer(id="clean", title="agent de propreté", rome_code="K2204"), v("agent de propreté")),
            (indexed_offer(id="cook", title="commis de cuisine", rome_code="G1602"), v("commis de cuisine")),
            (indexed_offer(id="far", commune="Orléans", rome_code="G1602"), v("commis de cuisine")),
        ]
    )
    settle(index)
    query = v("agent de propreté")
    cooks = OwnOccupations(rome_codes=frozenset({"G1602"}))
    searches = [Search(query, amilly(), 10), Search(query, amilly(), 10, cooks), Search(query, amilly(), 1)]
    together = index.search_together(searches)
    assert [[h.offer.id for h in hits] for hits in together] == [["clean", "cook"], ["cook"], ["clean"]]
    alone = [index.search(one.vector, one.filters, one.k, one.within) for one in searches]
    assert together == alone


def test_versions_only_move_forward(index: OfferIndex) -> None:
    index.upsert([(indexed_offer(version=3, title="trois"), v("trois"))])
    index.upsert([(indexed_offer(version=2, title="deux"), v("deux"))])
    index.upsert([(indexed_offer(version=3, title="trois bis"), v("trois"))])
    settle(index)
    assert index.versions(["o1", "unknown"]) == {"o1": 3}
    (hit,) = index.search(v("trois"), amilly(), 5)
    assert hit.offer.title == "trois"


def test_rebuild_replaces_the_content_in_one_switch(index: OfferIndex) -> None:
    index.upsert([(indexed_offer(id="old"), v("old"))])
    settle(index)
    written = index.rebuild(
        iter([[(indexed_offer(id="new1"), v("a"))], [(indexed_offer(id="new2"), v("b"))]])
    )
    settle(index)
    assert written == 2
    assert sorted(h.offer.id for h in index.search(v("a"), amilly(), 10)) == ["new1", "new2"]
