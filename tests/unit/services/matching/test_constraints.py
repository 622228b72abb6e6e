from __future__ import annotations

from datetime import date, timedelta

from contracts.profiles import MatchingView
from services.matching.domain.constraints import effective_radius_km, filters_for, violations
from tests.factories import indexed_offer, location


def view(**overrides: object) -> MatchingView:
    data: dict[str, object] = {
        "profile_id": "p1",
        "version": 1,
        "target_jobs": ["agent d'entretien"],
        "appellation_codes": [],
        "skills": [],
        "location": location("Amilly"),
        "mobility": {"max_distance_km": 50},
        "contract_types": [],
        "min_hours_per_week": None,
        "max_hours_per_week": None,
        "excluded_conditions": [],
    }
    data.update(overrides)
    return MatchingView.model_validate(data)


def test_radius_is_capped_by_the_means_of_transport() -> None:
    assert effective_radius_km(view(mobility={"max_distance_km": 50, "transport": ["bicycle"]})) == 12
    assert (
        effective_radius_km(
            view(mobility={"max_distance_km": 10, "transport": ["car"], "driving_licence_valid": True})
        )
        == 10
    )
    # A car without a valid licence does not count.
    no_licence = view(mobility={"max_distance_km": 50, "transport": ["car", "public_transport"]})
    assert effective_radius_km(no_licence) == 30


def test_no_valid_licence_excludes_offers_requiring_one() -> None:
    filters = filters_for(view(), date.today())
    offer = indexed_offer(conditions=("driving_licence",))
    assert [v.code for v in violations(offer, filters)] == ["conditions"]
    licensed = filters_for(
        view(mobility={"max_distance_km": 50, "driving_licence_valid": True}), date.today()
    )
    assert violations(offer, licensed) == []


def test_each_hard_constraint_is_reported() -> None:
    filters = filters_for(
        view(
            contract_types=["CDI"],
            min_hours_per_week=20,
            max_hours_per_week=30,
            excluded_conditions=["night_work"],
        ),
        date.today(),
        excluded_offer_ids=frozenset({"gone"}),
    )
    assert violations(indexed_offer(), filters) == []
    cases = {
        "too_far": indexed_offer(commune="Orléans"),
        "not_active": indexed_offer(status="paused"),
        "expired": indexed_offer(expires_on=date.today() - timedelta(days=1)),
        "contract": indexed_offer(contract_type="interim"),
        "hours": indexed_offer(hours_per_week=35),
        "conditions": indexed_offer(conditions=("night_work",)),
        "excluded": indexed_offer(id="gone"),
    }
    for code, offer in cases.items():
        assert code in [v.code for v in violations(offer, filters)], code
