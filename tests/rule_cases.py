"""Random offers, filters and rules for checking that every compiled form of the search rules agrees.

Plain `random.Random` generators, so the unit tests can drive them from Hypothesis (`st.randoms()`) and
the integration tests from a seed. Values sit on the rules' edges on purpose: hours equal to a bound,
offers expiring today, several offers at one place, conditions and contracts no offer has.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from common.geo import haversine_km
from services.matching.domain.rules import (
    All,
    AtLeast,
    AtMost,
    Equals,
    Field,
    NoneOf,
    OneOf,
    Rule,
    Within,
)
from services.matching.ports import HardFilters, IndexedOffer
from tests.factories import indexed_offer

TODAY = date(2026, 11, 27)
STATUSES = ["active", "active", "active", "paused", "closed"]
CONTRACTS = ["CDI", "CDD", "interim", "CDDI", "saisonnier"]
CONDITIONS = ["night_work", "early_morning", "heavy_lifting", "driving_licence", "shift_work", "travel"]
HOURS = [7.5, 10.0, 17.5, 20.0, 24.0, 30.0, 35.0, 39.0]  # exact in float32, as Elasticsearch stores them
# Around Montargis, and a few places far away (Brittany, Alsace, Corsica).
PLACES = [
    (48.0, 2.73),
    (47.99, 2.75),
    (47.69, 2.63),
    (48.17, 2.25),
    (47.9, 1.9),
    (48.11, -1.68),
    (48.57, 7.75),
    (41.93, 8.74),
]


def random_offer(rng: random.Random, i: int, today: date = TODAY) -> IndexedOffer:
    lat, lon = rng.choice(PLACES)
    if rng.random() < 0.8:  # most offers spread around their place; some share it exactly
        lat, lon = lat + rng.uniform(-0.5, 0.5), lon + rng.uniform(-0.7, 0.7)
    offer: IndexedOffer = indexed_offer(
        id=f"o{i}",
        lat=lat,
        lon=lon,
        status=rng.choice(STATUSES),
        expires_on=today + timedelta(days=rng.randint(-3, 3)),
        contract_type=rng.choice(CONTRACTS),
        hours_per_week=rng.choice(HOURS),
        conditions=tuple(rng.sample(CONDITIONS, rng.choice([0, 0, 1, 2, 3]))),
    )
    return offer


def random_filters(rng: random.Random, offers: list[IndexedOffer], today: date = TODAY) -> HardFilters:
    lat, lon = rng.choice(PLACES)
    if rng.random() < 0.5:
        lat, lon = lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3)
    bounds = [None, None, *HOURS, 22.25]
    return HardFilters(
        lat=lat,
        lon=lon,
        radius_km=rng.choice([0.5, 3.0, 12.0, 30.0, 80.0, 700.0, rng.uniform(0.1, 120)]),
        today=today,
        contract_types=frozenset(rng.sample([*CONTRACTS, "PMSMP"], rng.choice([0, 0, 1, 2, 3]))),
        min_hours=rng.choice(bounds),
        max_hours=rng.choice(bounds),
        excluded_conditions=frozenset(rng.sample([*CONDITIONS, "work_at_height"], rng.choice([0, 1, 2, 3]))),
        excluded_offer_ids=frozenset(rng.sample([*(o.id for o in offers), "gone"], min(len(offers) + 1, 3))),
    )


def random_rule(rng: random.Random, offers: list[IndexedOffer], depth: int = 0) -> Rule:
    """Any rule of the algebra on any field it applies to (beyond what `constraints` builds today)."""
    ids = [*(o.id for o in offers), "gone"]
    keywords = {
        Field.STATUS: [*STATUSES, "archived"],
        Field.CONTRACT_TYPE: [*CONTRACTS, "PMSMP"],
        Field.CONDITIONS: [*CONDITIONS, "work_at_height"],
        Field.ID: ids,
    }
    kind = rng.choice(
        ["equals", "one_of", "none_of", "at_least", "at_most", "within", "all"][: 7 if depth < 2 else 6]
    )
    if kind == "all":
        return All(tuple(random_rule(rng, offers, depth + 1) for _ in range(rng.randint(0, 4))))
    if kind == "within":
        lat, lon = rng.choice(PLACES)
        return Within(lat, lon, rng.uniform(0.1, 150))
    if kind in ("at_least", "at_most"):
        field = rng.choice([Field.HOURS_PER_WEEK, Field.EXPIRES_ON])
        bound = (
            rng.choice(HOURS) if field is Field.HOURS_PER_WEEK else TODAY + timedelta(days=rng.randint(-2, 2))
        )
        return AtLeast(field, bound) if kind == "at_least" else AtMost(field, bound)
    field = rng.choice(list(keywords))
    if kind == "equals":
        return Equals(field, rng.choice(keywords[field]))
    values = frozenset(rng.sample(keywords[field], rng.randint(1, min(3, len(keywords[field])))))
    return OneOf(field, values) if kind == "one_of" else NoneOf(field, values)


# The two backends round coordinates differently on the circle itself (Elasticsearch stores a geo_point to
# about a centimetre and has its own haversine): the cases compared on both keep offers off the circle.
def clear_of_the_circle(filters: HardFilters, offers: list[IndexedOffer], margin_km: float) -> HardFilters:
    """The filters with the radius moved so that no offer lies within `margin_km` of the circle."""
    radius = _clear_radius(filters.lat, filters.lon, filters.radius_km, offers, margin_km)
    return HardFilters(**{**filters.__dict__, "radius_km": radius})


def clear_of_the_circles(rule: Rule, offers: list[IndexedOffer], margin_km: float) -> Rule:
    """The rule with the radius of every `Within` moved so that no offer lies within `margin_km` of it."""
    if isinstance(rule, All):
        return All(tuple(clear_of_the_circles(inner, offers, margin_km) for inner in rule.rules))
    if isinstance(rule, Within):
        return Within(rule.lat, rule.lon, _clear_radius(rule.lat, rule.lon, rule.km, offers, margin_km))
    return rule


def _clear_radius(
    lat: float, lon: float, radius: float, offers: list[IndexedOffer], margin_km: float
) -> float:
    while any(abs(haversine_km(lat, lon, o.lat, o.lon) - radius) < margin_km for o in offers):
        radius += margin_km
    return radius
