"""Offers: what an employer publishes, and the life it goes through. No framework in here.

`Offer` is the aggregate: it owns its status transitions and its versions, and records what they cause —
the status history and the `offer.upserted` event — for the unit of work to write with it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

from common.clock import as_utc
from common.errors import Conflict, ValidationFailed
from common.schemas import Location
from common.territory import Territory, french_commune, nearest_commune
from contracts.events import OfferUpsertedV1
from contracts.offers import OfferAction, OfferCreate, OfferPublic, OfferStatus, OfferUpdate

# Les emplois de l'inclusion unpublishes offers after 90 days without an update; so do we by default.
DEFAULT_VALIDITY = timedelta(days=90)

MOVED_BEYOND = (
    "cette offre est déjà proposée : elle ne peut pas être déplacée au-delà de la bande du territoire "
    "(fermez-la et publiez-en une nouvelle)"
)

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


@dataclass(frozen=True)
class StatusChange:
    """One line of the offer's status history: the status it entered, and who put it there."""

    status: OfferStatus
    changed_by: str


@dataclass(eq=False)
class Offer:
    """An offer as the offers service keeps it (the stored columns, the place flattened)."""

    employer_id: str
    title: str
    kind: str
    commune: str
    lat: float
    lon: float
    contract_type: str
    hours_per_week: float
    expires_on: date
    created_at: datetime
    updated_at: datetime
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    description: str = ""
    insee_code: str | None = None
    skills: list[str] = field(default_factory=list)
    rome_code: str | None = None
    appellation_code: str | None = None
    openings: int = 1
    conditions: list[str] = field(default_factory=list)
    employer_name: str | None = None
    siret: str | None = None
    naf_code: str | None = None
    published_at: datetime | None = None
    source_updated_at: datetime | None = None
    source_contract: str | None = None
    rome_source: str | None = None
    appellation_label: str | None = None
    employer_url: str | None = None
    employer_description: str | None = None
    contact: dict[str, str] | None = None
    origin_url: str | None = None
    import_notes: list[str] = field(default_factory=list)
    # Beyond the territory's reach band and MAILLAGE_BEYOND_REACH=hide: stored, never sent to matching.
    beyond_reach: bool = False
    status: OfferStatus = OfferStatus.ACTIVE
    version: int = 1
    source_id: str | None = None
    # What the changes since the last save caused; the repository's save hands them to the unit of work.
    events: list[OfferUpsertedV1] = field(default_factory=list, init=False, repr=False)
    status_changes: list[StatusChange] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.status = OfferStatus(self.status)

    @classmethod
    def publish(cls, employer_id: str, data: OfferCreate, now: datetime, hidden: bool) -> Offer:
        """A new offer, active from now; `hidden`: beyond the reach band, so matching never hears of it."""
        offer = cls(
            employer_id=employer_id,
            **data.model_dump(exclude={"location", "expires_on"}),
            **_place(data.location),
            expires_on=data.expires_on or default_expiry(now),
            created_at=now,
            updated_at=now,
            beyond_reach=hidden,
        )
        offer.status_changes.append(StatusChange(offer.status, employer_id))
        offer._record_event()
        return offer

    def revise(self, data: OfferUpdate, now: datetime, hidden: bool | None = None) -> bool:
        """Apply the update; a new version (and its event) only when something changed. `hidden`: whether
        the new place is beyond the reach band (None: the place is unchanged). Returns whether it changed."""
        changes = data.model_dump(exclude_unset=True, exclude={"location"})
        if hidden is not None and hidden != self.beyond_reach:
            if hidden:  # matching knows the offer: it cannot silently leave its index
                raise ValidationFailed([{"field": "location", "message": MOVED_BEYOND}])
            changes["beyond_reach"] = False  # back within reach: published from now on
        if data.location is not None:
            changes.update(_place(data.location))
        current = self.to_public().model_dump(mode="json")
        if all(self._holds(current, name, value) for name, value in changes.items()):
            return False  # nothing changed: no new version, no event
        for name, value in changes.items():
            setattr(self, name, value)
        self._new_version(now)
        return True

    def act(self, action: OfferAction, by: str, now: datetime) -> None:
        """Pause, resume or close: refused (Conflict) when the current status does not allow it."""
        self.status = next_status(self.status, action)
        self.status_changes.append(StatusChange(self.status, by))
        self._new_version(now)

    def _new_version(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now
        self._record_event()

    def _record_event(self) -> None:
        """The offer's event — unless it lies beyond the reach band (hidden): matching never hears of it,
        so it is never suggested."""
        if not self.beyond_reach:
            self.events.append(OfferUpsertedV1.of(self.to_public()))

    def _holds(self, current: dict[str, Any], name: str, value: Any) -> bool:
        """Whether the offer already has `value` for `name` (compared as the API would show it)."""
        if name in ("commune", "insee_code", "lat", "lon"):
            return bool(getattr(self, name) == value)
        if isinstance(value, datetime):
            stored = getattr(self, name)
            return stored is not None and as_utc(stored) == as_utc(value)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        if isinstance(value, list):
            value = [getattr(v, "value", v) for v in value]
        return bool(current.get(name) == getattr(value, "value", value))

    def stored_fields(self) -> dict[str, Any]:
        """The offer's columns, without what it recorded (for the repositories)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}

    def to_public(self) -> OfferPublic:
        columns = self.stored_fields()
        place = {name: columns.pop(name) for name in ("commune", "lat", "lon", "insee_code")}
        return OfferPublic(
            **{
                **columns,
                "location": place,
                "skills": list(self.skills),
                "conditions": list(self.conditions),
                "contact": dict(self.contact) if self.contact else None,
                "import_notes": list(self.import_notes or []),
                "published_at": as_utc(self.published_at) if self.published_at else None,
                "source_updated_at": as_utc(self.source_updated_at) if self.source_updated_at else None,
                "created_at": as_utc(self.created_at),
                "updated_at": as_utc(self.updated_at),
            }
        )


def _place(location: Location) -> dict[str, Any]:
    """The place's columns. Territory aggregates need the INSEE code: when it is not given, take the
    commune whose centroid is near the point."""
    insee_code = location.insee_code
    if not insee_code:
        commune = nearest_commune(location.lat, location.lon)
        insee_code = commune.insee_code if commune else None
    return {"commune": location.commune, "insee_code": insee_code, "lat": location.lat, "lon": location.lon}
