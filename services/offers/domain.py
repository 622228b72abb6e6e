"""Offers: what an employer publishes, and the life it goes through. No framework in here."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from common.errors import Conflict

# Les emplois de l'inclusion unpublishes offers after 90 days without an update; so do we by default.
DEFAULT_VALIDITY = timedelta(days=90)


class OfferStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class OfferAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


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
        raise Conflict(f"An offer that is {current.value} cannot be {action.value}d.") from None


def default_expiry(now: datetime | None = None) -> date:
    return ((now or datetime.now(UTC)) + DEFAULT_VALIDITY).date()


def is_searchable(status: OfferStatus, expires_on: date, today: date) -> bool:
    """Paused, closed and expired offers are never suggested."""
    return status == OfferStatus.ACTIVE and expires_on >= today
