"""Hard constraints: the rules a suggestion never breaks, whatever its score.

This module is the single definition of those rules, stated in the terms of `domain.rules`: each index
compiles `search_rule` into its filters (numpy masks, Elasticsearch clauses) so that the top-k is drawn
only from allowed offers, and the ranking re-checks every result with `violations`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from common.geo import haversine_km
from common.vocabulary import TRANSPORT_REACH_KM, Transport, WorkCondition
from contracts.profiles import MatchingView
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
    holds,
)
from services.matching.ports import HardFilters, IndexedOffer


def usable_means(view: MatchingView) -> tuple[Transport, ...]:
    """The person's means of transport that can take them to work: a car only with a valid licence."""
    licensed = view.mobility.driving_licence_valid
    return tuple(dict.fromkeys(m for m in view.mobility.transport if licensed or m != Transport.CAR))


def effective_radius_km(view: MatchingView) -> float:
    """The radius typed by the référent, capped by what the person's means of transport can reach."""
    radius = view.mobility.max_distance_km
    means = usable_means(view)
    if means:
        radius = min(radius, max(TRANSPORT_REACH_KM[m] for m in means))
    return radius


def filters_for(
    view: MatchingView, today: date, excluded_offer_ids: frozenset[str] = frozenset()
) -> HardFilters:
    excluded = {c.value for c in view.excluded_conditions}
    if not view.mobility.driving_licence_valid:
        excluded.add(WorkCondition.DRIVING_LICENCE.value)
    return HardFilters(
        lat=view.location.lat,
        lon=view.location.lon,
        radius_km=effective_radius_km(view),
        today=today,
        contract_types=frozenset(c.value for c in view.contract_types),
        min_hours=view.min_hours_per_week,
        max_hours=view.max_hours_per_week,
        excluded_conditions=frozenset(excluded),
        excluded_offer_ids=excluded_offer_ids,
    )


@dataclass(frozen=True)
class Violation:
    code: str
    text: str


@dataclass(frozen=True)
class HardRule:
    """One rule with what the ranking says, in French, of an offer that breaks it."""

    code: str
    rule: Rule
    explain: Callable[[IndexedOffer], str]


def open_offers(today: date) -> All:
    """Offers anyone may be suggested: active (not paused nor closed) and not expired."""
    return All((Equals(Field.STATUS, "active"), AtLeast(Field.EXPIRES_ON, today)))


@lru_cache(maxsize=256)  # one search checks its filters on every hit of the window
def hard_rules(filters: HardFilters) -> tuple[HardRule, ...]:
    """Every hard rule that applies under these filters, in the order violations are reported."""
    active, unexpired = open_offers(filters.today).rules
    rules = [
        HardRule("too_far", Within(filters.lat, filters.lon, filters.radius_km), _too_far(filters)),
        HardRule("not_active", active, lambda _: "offre non active"),
        HardRule("expired", unexpired, lambda _: "offre expirée"),
    ]
    if filters.contract_types:
        contracts = OneOf(Field.CONTRACT_TYPE, filters.contract_types)
        rules.append(HardRule("contract", contracts, lambda o: f"contrat {o.contract_type} non souhaité"))
    if filters.min_hours is not None:
        rules.append(
            HardRule("hours", AtLeast(Field.HOURS_PER_WEEK, filters.min_hours), lambda _: "trop peu d'heures")
        )
    if filters.max_hours is not None:
        rules.append(
            HardRule("hours", AtMost(Field.HOURS_PER_WEEK, filters.max_hours), lambda _: "trop d'heures")
        )
    if filters.excluded_conditions:
        clash = NoneOf(Field.CONDITIONS, filters.excluded_conditions)
        rules.append(HardRule("conditions", clash, lambda _: "conditions de travail incompatibles"))
    if filters.excluded_offer_ids:
        refused = NoneOf(Field.ID, filters.excluded_offer_ids)
        rules.append(HardRule("excluded", refused, lambda _: "déjà refusée"))
    return tuple(rules)


def _too_far(filters: HardFilters) -> Callable[[IndexedOffer], str]:
    def explain(offer: IndexedOffer) -> str:
        distance = haversine_km(filters.lat, filters.lon, offer.lat, offer.lon)
        return f"à {distance:.0f} km, au-delà de {filters.radius_km:.0f} km"

    return explain


def search_rule(filters: HardFilters) -> All:
    """What an index lets through: every hard rule at once."""
    return All(tuple(hard.rule for hard in hard_rules(filters)))


def violations(offer: IndexedOffer, filters: HardFilters) -> list[Violation]:
    return [
        Violation(hard.code, hard.explain(offer))
        for hard in hard_rules(filters)
        if not holds(hard.rule, offer)
    ]
