"""The local index's vectorised filters (codes, bit masks, bounding box) against the rules' one definition."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from common.territory import communes
from services.matching.adapters.local_columns import _box_degrees
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.constraints import violations
from services.matching.ports import HardFilters
from tests.factories import indexed_offer

CONTRACTS = ["CDI", "CDD", "interim", "CDDI"]
CONDITIONS = ["night_work", "early_morning", "heavy_lifting", "driving_licence"]


def test_same_answers_as_checking_every_offer_against_the_rules(tmp_path: Path) -> None:
    rng = random.Random(3)
    places = list(communes())
    today = date.today()
    offers = []
    for i in range(400):
        c = rng.choice(places)
        offers.append(
            indexed_offer(
                id=f"o{i}",
                commune=c.name,
                contract_type=rng.choice(CONTRACTS),
                hours_per_week=float(rng.choice([20, 24, 30, 35, 39])),
                conditions=tuple(rng.sample(CONDITIONS, rng.choice([0, 1, 2]))),
                status=rng.choice(["active"] * 9 + ["paused"]),
                expires_on=today + timedelta(days=rng.randint(-3, 30)),
            )
        )
    vectors = np.random.default_rng(3).normal(size=(len(offers), 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = LocalOfferIndex(str(tmp_path / "i.db"), 16)
    index.upsert(list(zip(offers, vectors, strict=True)))
    for _ in range(150):
        c = rng.choice(places)
        filters = HardFilters(
            lat=c.lat,
            lon=c.lon,
            radius_km=rng.choice([5.0, 10.0, 25.0, 60.0]),
            today=today,
            contract_types=frozenset(rng.sample(CONTRACTS, rng.choice([0, 1, 2]))),
            min_hours=rng.choice([None, 24.0]),
            max_hours=rng.choice([None, 35.0]),
            excluded_conditions=frozenset(rng.sample([*CONDITIONS, "unknown"], rng.choice([0, 1, 2]))),
            excluded_offer_ids=frozenset(rng.sample([*(o.id for o in offers), "nope"], 3)),
        )
        query = vectors[rng.randrange(len(offers))]
        allowed = [i for i, o in enumerate(offers) if not violations(o, filters)]
        scores = vectors[allowed] @ query
        expected = [offers[allowed[j]].id for j in sorted(range(len(allowed)), key=lambda j: -scores[j])][:30]
        assert [h.offer.id for h in index.search(query, filters, 30)] == expected


def test_the_bounding_box_holds_the_whole_circle() -> None:
    for lat in (0.0, 47.9, 70.0):
        for radius in (1.0, 40.0, 200.0):
            dlat, dlon = _box_degrees(lat, 2.0, radius)
            assert dlon is not None
            for bearing in np.linspace(0, 2 * np.pi, 72):
                # the point at `radius` km in direction `bearing` (great circle)
                d = radius / 6371.0088
                p1, l1 = np.radians(lat), np.radians(2.0)
                p2 = np.arcsin(np.sin(p1) * np.cos(d) + np.cos(p1) * np.sin(d) * np.cos(bearing))
                l2 = l1 + np.arctan2(
                    np.sin(bearing) * np.sin(d) * np.cos(p1), np.cos(d) - np.sin(p1) * np.sin(p2)
                )
                assert abs(np.degrees(p2) - lat) <= dlat and abs(np.degrees(l2) - 2.0) <= dlon
    assert _box_degrees(89.9, 0.0, 50.0)[1] is None  # the circle reaches the pole: no longitude bound
