"""Offers: what an employer publishes, and the life it goes through. No framework in here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from common.errors import Conflict
from common.territory import Territory, french_commune, nearest_commune
from contracts.offers import OfferAction, OfferStatus

# Les emplois de l'inclusion unpublishes offers after 90 days without an update; so do we by default.
DEFAULT_VALIDITY = timedelta(days=90)


_TRANSITIONS: dict[tuple[OfferStatus, OfferAction], OfferStatus] = {
    (OfferStatus.ACTIVE, OfferAction.PAUSE): OfferStatus.PAUSED,
    (OfferStatus.PAUSED, OfferAction.RESUME): OfferStatus.ACTIVE,
    (OfferStatus.ACTIVE, OfferAction.CLOSE): OfferStatus.CLOSED,
    (OfferStatus.PAUSED, OfferAction.CLOSE): OfferStatus.CLOSED,
}


def next_status(current: OfferStatus, action: OfferAction) -> OfferStatus:
    try:
        return _TRANSITIONS[(current, action)]
    except KeyError:
        raise Conflict(
            f"An offer that is {current.value} cannot be {action.value}d.", code="offer.invalid_transition"
        ) from None


def default_expiry(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) + DEFAULT_VALIDITY).date()


def reach_problem(lat: float, lon: float, insee_code: str | None, area: Territory) -> str | None:
    """Why an offer at that place is outside the territory's reach band (French), or None when it is
    inside it. The INSEE code wins over the point; a point far from any French commune is refused unless
    the territory is the whole of France."""
    commune = french_commune(insee_code) if insee_code else None
    commune = commune or nearest_commune(lat, lon, max_km=15.0)
    if commune is None:
        return None if area.everything else "lieu introuvable : aucune commune française près de ce point"
    reach = area.reach(commune)
    if reach.within_band:
        return None
    return (
        f"{commune.name} ({commune.departement}) est à {reach.distance_km:.0f} km du {area.describe()}, "
        f"au-delà de la bande de {area.band_km:.0f} km où les offres sont acceptées"
    )
