"""Random people and random offers thrown at index + ranking: no suggestion ever breaks a hard constraint."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.territory import communes
from common.vocabulary import ContractType, Transport, WorkCondition
from contracts.profiles import MatchingView
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.domain.constraints import filters_for, violations
from services.matching.domain.ranking import Person, rank_suggestions
from services.matching.ports import IndexedOffer
from tests.factories import indexed_offer

PLACES = communes()
DIMS = 16
TODAY = date(2026, 11, 27)

place = st.sampled_from(PLACES)
unit_vectors = st.lists(st.floats(-1, 1, allow_nan=False), min_size=DIMS, max_size=DIMS).map(
    lambda xs: np.asarray(xs, dtype=np.float32) / max(1e-6, float(np.linalg.norm(xs)))
)


@st.composite
def offers(draw: st.DrawFn, i: int) -> tuple[IndexedOffer, npt.NDArray[np.float32]]:
    where = draw(place)
    offer = indexed_offer(
        id=f"o{i}",
        commune=where.name,
        status=draw(st.sampled_from(["active", "active", "active", "paused", "closed"])),
        expires_on=TODAY + timedelta(days=draw(st.integers(-10, 90))),
        contract_type=draw(st.sampled_from(list(ContractType))).value,
        hours_per_week=draw(st.sampled_from([10.0, 20.0, 24.0, 30.0, 35.0, 39.0])),
        conditions=tuple(c.value for c in draw(st.sets(st.sampled_from(list(WorkCondition)), max_size=3))),
        employer_id=f"e{draw(st.integers(0, 4))}",
    )
    return offer, draw(unit_vectors)


@st.composite
def people(draw: st.DrawFn) -> MatchingView:
    where = draw(place)
    low = draw(st.none() | st.sampled_from([0.0, 10.0, 20.0]))
    high = draw(st.none() | st.sampled_from([24.0, 30.0, 35.0]))
    return MatchingView.model_validate(
        {
            "profile_id": "p",
            "version": 1,
            "target_jobs": ["x"],
            "appellation_codes": [],
            "skills": [],
            "location": {"commune": where.name, "lat": where.lat, "lon": where.lon},
            "mobility": {
                "max_distance_km": draw(st.floats(1, 120)),
                "transport": list(draw(st.sets(st.sampled_from(list(Transport)), max_size=3))),
                "driving_licence_valid": draw(st.booleans()),
            },
            "contract_types": [
                c.value for c in draw(st.sets(st.sampled_from(list(ContractType)), max_size=3))
            ],
            "min_hours_per_week": low,
            "max_hours_per_week": high,
            "excluded_conditions": [
                c.value for c in draw(st.sets(st.sampled_from(list(WorkCondition)), max_size=3))
            ],
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_suggestion_breaks_a_hard_constraint(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    path: Path = tmp_path_factory.mktemp("idx") / "i.db"
    index = LocalOfferIndex(str(path), DIMS)
    batch = [data.draw(offers(i)) for i in range(data.draw(st.integers(1, 40)))]
    index.upsert(batch)
    person = data.draw(people())
    refused = frozenset(data.draw(st.sets(st.sampled_from([o.id for o, _ in batch]), max_size=3)))
    filters = filters_for(person, TODAY, refused)
    hits = index.search(data.draw(unit_vectors), filters, k=50)
    for suggestion in rank_suggestions(hits, filters, Person(["x"], []), 50):
        offer = next(o for o, _ in batch if o.id == suggestion.offer_id)
        assert violations(offer, filters) == []
    # And the index let through exactly the allowed offers (exact search: nothing allowed is missing).
    allowed = {o.id for o, _ in batch if not violations(o, filters)}
    assert {h.offer.id for h in hits} == allowed
