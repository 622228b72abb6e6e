"""Hard constraints: the rules a suggestion never breaks, whatever its score.

The index applies them as filters so that the top-k is drawn only from allowed offers; this module is the
single definition of those rules, used by the local index and re-checked on every ranked result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from common.geo import haversine_km
from common.vocabulary import TRANSPORT_REACH_KM, Transport, WorkCondition
from contracts.profiles import MatchingView
from services.matching.ports import HardFilters, IndexedOffer


def effective_radius_km(view: MatchingView) -> float:
    """The radius typed by the référent, capped by what the person's means of transport can reach."""
    radius = view.mobility.max_distance_km
    means = set(view.mobility.transport)
    if not view.mobility.driving_licence_valid:
        means.discard(Transport.CAR)  # a car without a valid licence does not take anyone to work
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


def violations(offer: IndexedOffer, filters: HardFilters) -> list[Violation]:
    found: list[Violation] = []
    distance = haversine_km(filters.lat, filters.lon, offer.lat, offer.lon)
    if distance > filters.radius_km:
        found.append(Violation("too_far", f"à {distance:.0f} km, au-delà de {filters.radius_km:.0f} km"))
    if offer.status != "active":
        found.append(Violation("not_active", "offre non active"))
    if offer.expires_on < filters.today:
        found.append(Violation("expired", "offre expirée"))
    if filters.contract_types and offer.contract_type not in filters.contract_types:
        found.append(Violation("contract", f"contrat {offer.contract_type} non souhaité"))
    if filters.min_hours is not None and offer.hours_per_week < filters.min_hours:
        found.append(Violation("hours", "trop peu d'heures"))
    if filters.max_hours is not None and offer.hours_per_week > filters.max_hours:
        found.append(Violation("hours", "trop d'heures"))
    clash = set(offer.conditions) & filters.excluded_conditions
    if clash:
        found.append(Violation("conditions", "conditions de travail incompatibles"))
    if offer.id in filters.excluded_offer_ids:
        found.append(Violation("excluded", "déjà refusée"))
    return found
