from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt

from services.matching.adapters.encoders import HashingEncoder
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.ports import HardFilters
from tests.factories import indexed_offer, location

ENCODER = HashingEncoder(64)
AMILLY = location("Amilly")


def vec(text: str) -> npt.NDArray[np.float32]:
    vector: npt.NDArray[np.float32] = ENCODER.encode([text])[0]
    return vector


def test_search_applies_filters_and_orders_by_similarity(tmp_path: Path) -> None:
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    index.upsert(
        [
            (indexed_offer(id="clean", title="agent de propreté"), vec("agent de propreté")),
            (indexed_offer(id="cook", title="commis de cuisine"), vec("commis de cuisine")),
            (indexed_offer(id="far", commune="Orléans"), vec("agent de propreté")),
            (indexed_offer(id="paused", status="paused"), vec("agent de propreté")),
            (indexed_offer(id="old", expires_on=date.today() - timedelta(days=1)), vec("agent de propreté")),
        ]
    )
    filters = HardFilters(lat=AMILLY["lat"], lon=AMILLY["lon"], radius_km=20, today=date.today())
    hits = index.search(vec("agent de propreté"), filters, 10)
    assert [h.offer.id for h in hits] == ["clean", "cook"]
    assert hits[0].similarity > hits[1].similarity


def test_an_older_version_never_overwrites_a_newer_one(tmp_path: Path) -> None:
    index = LocalOfferIndex(str(tmp_path / "i.db"), 64)
    assert index.upsert([(indexed_offer(version=2, title="v2"), vec("v2"))]) == 1
    assert index.upsert([(indexed_offer(version=1, title="v1"), vec("v1"))]) == 0
    assert index.upsert([(indexed_offer(version=2, title="v2"), vec("v2"))]) == 0
    assert index.versions(["o1"]) == {"o1": 2}


def test_the_index_survives_a_restart_and_rebuilds_atomically(tmp_path: Path) -> None:
    path = str(tmp_path / "i.db")
    LocalOfferIndex(path, 64).upsert([(indexed_offer(id="a"), vec("a")), (indexed_offer(id="b"), vec("b"))])
    reopened = LocalOfferIndex(path, 64)
    assert reopened.count() == 2
    written = reopened.rebuild(iter([[(indexed_offer(id="c"), vec("c"))]]))
    assert written == 1 and reopened.count() == 1
    assert LocalOfferIndex(path, 64).versions(["a", "c"]) == {"c": 1}
