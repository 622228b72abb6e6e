"""The events services publish to each other: one model per event type and schema version.

Every event travels as one JSON envelope — event_id, type, schema_version, key, occurred_at, payload — and
(type, schema_version) says which model reads it. A change a consumer could not read with the model it
knows is a new version (a new class here, beside the old one), never an edit of a published model: records
already in topics and outboxes must still decode. contracts/examples/ holds one event per model, and
tests/contract/test_events.py checks each against its model (add a new model to EVENT_MODELS and to the
Event union below, with its example).

Events carry ids and the facts a consumer needs, never a person's story: a profile event says *which*
profile changed and its version; the consumer fetches what it is allowed to see. Offer events carry the
offer itself, which is public by nature (an employer publishes it) — in their own model, mapped field by
field from the offers API's OfferPublic, so that a change to the API cannot change an event unnoticed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Discriminator, Field, Tag, TypeAdapter

from common.messaging.worker import DEAD_LETTER_TOPIC
from common.schemas import Location
from common.vocabulary import ContractType, OpportunityKind, WorkCondition
from contracts.offers import OfferPublic, OfferStatus

OFFERS_TOPIC = "maillage.offers.v1"
PROFILES_TOPIC = "maillage.profiles.v1"
OUTCOMES_TOPIC = "maillage.outcomes.v1"
ALL_TOPICS = [OFFERS_TOPIC, PROFILES_TOPIC, OUTCOMES_TOPIC, DEAD_LETTER_TOPIC]


class EventEnvelope(BaseModel):
    """What every event has. Subclasses fix `type` and `schema_version` (with a Literal and its default)
    and give the payload its model."""

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    type: str
    schema_version: int
    key: str
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()


# -- offer.upserted -------------------------------------------------------------------------------------
class OfferLocationV1(BaseModel):
    commune: str
    lat: float
    lon: float
    insee_code: str | None = None


class OfferV1(BaseModel):
    """The offer as `offer.upserted` v1 carries it: every field of the offer, in the API's JSON names."""

    title: str
    description: str
    kind: OpportunityKind
    location: OfferLocationV1
    contract_type: ContractType
    hours_per_week: float
    skills: list[str]
    rome_code: str | None
    appellation_code: str | None
    openings: int
    conditions: list[WorkCondition]
    employer_name: str | None
    siret: str | None
    naf_code: str | None
    published_at: datetime | None
    source_updated_at: datetime | None
    source_contract: str | None
    rome_source: str | None
    appellation_label: str | None
    employer_url: str | None
    employer_description: str | None
    contact: dict[str, str] | None
    origin_url: str | None
    import_notes: list[str]
    id: str
    employer_id: str
    status: OfferStatus
    version: int
    expires_on: date
    created_at: datetime
    updated_at: datetime
    source_id: str | None
    beyond_reach: bool


class OfferUpsertedV1(EventEnvelope):
    """An offer was created or changed (status included); the key is the offer's id."""

    type: Literal["offer.upserted"] = "offer.upserted"
    schema_version: Literal[1] = 1
    payload: OfferV1

    @classmethod
    def of(cls, offer: OfferPublic) -> OfferUpsertedV1:
        return cls(key=offer.id, payload=_offer_v1(offer))

    def offer(self) -> OfferPublic:
        return _offer_public(self.payload)


def _offer_v1(offer: OfferPublic) -> OfferV1:
    place = offer.location
    return OfferV1(
        title=offer.title,
        description=offer.description,
        kind=offer.kind,
        location=OfferLocationV1(
            commune=place.commune, lat=place.lat, lon=place.lon, insee_code=place.insee_code
        ),
        contract_type=offer.contract_type,
        hours_per_week=offer.hours_per_week,
        skills=list(offer.skills),
        rome_code=offer.rome_code,
        appellation_code=offer.appellation_code,
        openings=offer.openings,
        conditions=list(offer.conditions),
        employer_name=offer.employer_name,
        siret=offer.siret,
        naf_code=offer.naf_code,
        published_at=offer.published_at,
        source_updated_at=offer.source_updated_at,
        source_contract=offer.source_contract,
        rome_source=offer.rome_source,
        appellation_label=offer.appellation_label,
        employer_url=offer.employer_url,
        employer_description=offer.employer_description,
        contact=dict(offer.contact) if offer.contact is not None else None,
        origin_url=offer.origin_url,
        import_notes=list(offer.import_notes),
        id=offer.id,
        employer_id=offer.employer_id,
        status=offer.status,
        version=offer.version,
        expires_on=offer.expires_on,
        created_at=offer.created_at,
        updated_at=offer.updated_at,
        source_id=offer.source_id,
        beyond_reach=offer.beyond_reach,
    )


def _offer_public(event: OfferV1) -> OfferPublic:
    place = event.location
    return OfferPublic(
        title=event.title,
        description=event.description,
        kind=event.kind,
        location=Location(commune=place.commune, lat=place.lat, lon=place.lon, insee_code=place.insee_code),
        contract_type=event.contract_type,
        hours_per_week=event.hours_per_week,
        skills=list(event.skills),
        rome_code=event.rome_code,
        appellation_code=event.appellation_code,
        openings=event.openings,
        conditions=list(event.conditions),
        employer_name=event.employer_name,
        siret=event.siret,
        naf_code=event.naf_code,
        published_at=event.published_at,
        source_updated_at=event.source_updated_at,
        source_contract=event.source_contract,
        rome_source=event.rome_source,
        appellation_label=event.appellation_label,
        employer_url=event.employer_url,
        employer_description=event.employer_description,
        contact=dict(event.contact) if event.contact is not None else None,
        origin_url=event.origin_url,
        import_notes=list(event.import_notes),
        id=event.id,
        employer_id=event.employer_id,
        status=event.status,
        version=event.version,
        expires_on=event.expires_on,
        created_at=event.created_at,
        updated_at=event.updated_at,
        source_id=event.source_id,
        beyond_reach=event.beyond_reach,
    )


# -- profile.upserted, profile.deleted ----------------------------------------------------------------
class ProfileChanged(BaseModel):
    """The payload of both profile events, v1: an id and a version, nothing personal."""

    profile_id: str
    version: int


class ProfileUpsertedV1(EventEnvelope):
    """A profile was created or changed; consumers read what they may see of it from the profiles service."""

    type: Literal["profile.upserted"] = "profile.upserted"
    schema_version: Literal[1] = 1
    payload: ProfileChanged

    @classmethod
    def of(cls, profile_id: str, version: int) -> ProfileUpsertedV1:
        return cls(key=profile_id, payload=ProfileChanged(profile_id=profile_id, version=version))


class ProfileDeletedV1(EventEnvelope):
    """A profile was deleted (retention, or the person left): consumers drop what they kept of it."""

    type: Literal["profile.deleted"] = "profile.deleted"
    schema_version: Literal[1] = 1
    payload: ProfileChanged

    @classmethod
    def of(cls, profile_id: str, version: int) -> ProfileDeletedV1:
        return cls(key=profile_id, payload=ProfileChanged(profile_id=profile_id, version=version))


# -- outcome.recorded -----------------------------------------------------------------------------------
class OutcomeRecorded(BaseModel):
    """The payload of `outcome.recorded` v1. `status` and `reason` are the values of contracts.matching's
    OutcomeStatus and RefusalReason, kept as text so that a new reason does not break old readers."""

    profile_id: str
    offer_id: str
    status: str
    reason: str | None = None


class OutcomeRecordedV1(EventEnvelope):
    """A référent recorded what came of a suggestion; the key is the profile's id."""

    type: Literal["outcome.recorded"] = "outcome.recorded"
    schema_version: Literal[1] = 1
    payload: OutcomeRecorded


# -- proposal.made, proposal.answered --------------------------------------------------------------------
class ProposalMade(BaseModel):
    """The payload of `proposal.made` v1: a proposal was shared with the offer's employer (the person
    agreed). Ids only: the card itself stays in matching's store."""

    proposal_id: str
    profile_id: str
    offer_id: str
    employer_id: str


class ProposalMadeV1(EventEnvelope):
    """A référent's proposal reached the employer; the key is the profile's id (like outcome.recorded)."""

    type: Literal["proposal.made"] = "proposal.made"
    schema_version: Literal[1] = 1
    payload: ProposalMade


class ProposalAnswered(BaseModel):
    """The payload of `proposal.answered` v1. `answer` and `reason` are the values of
    contracts.proposals' EmployerAnswer and contracts.matching's RefusalReason, kept as text; a question's
    words are never in the event."""

    proposal_id: str
    profile_id: str
    offer_id: str
    employer_id: str
    answer: str
    reason: str | None = None


class ProposalAnsweredV1(EventEnvelope):
    """The employer answered a proposal; the key is the profile's id."""

    type: Literal["proposal.answered"] = "proposal.answered"
    schema_version: Literal[1] = 1
    payload: ProposalAnswered


# -- every event, as one discriminated union -------------------------------------------------------------
EVENT_MODELS: tuple[type[EventEnvelope], ...] = (
    OfferUpsertedV1,
    ProfileUpsertedV1,
    ProfileDeletedV1,
    OutcomeRecordedV1,
    ProposalMadeV1,
    ProposalAnsweredV1,
)


def event_tag(type_: str, schema_version: int) -> str:
    """The union's tag of an event model, e.g. 'offer.upserted@1'."""
    return f"{type_}@{schema_version}"


def _tag_of(value: Any) -> str | None:
    if isinstance(value, EventEnvelope):
        return event_tag(value.type, value.schema_version)
    if isinstance(value, dict) and isinstance(value.get("schema_version"), int):
        return event_tag(str(value.get("type")), value["schema_version"])
    return None


Event = Annotated[
    Annotated[OfferUpsertedV1, Tag(event_tag("offer.upserted", 1))]
    | Annotated[ProfileUpsertedV1, Tag(event_tag("profile.upserted", 1))]
    | Annotated[ProfileDeletedV1, Tag(event_tag("profile.deleted", 1))]
    | Annotated[OutcomeRecordedV1, Tag(event_tag("outcome.recorded", 1))]
    | Annotated[ProposalMadeV1, Tag(event_tag("proposal.made", 1))]
    | Annotated[ProposalAnsweredV1, Tag(event_tag("proposal.answered", 1))],
    Discriminator(_tag_of),
]
"""Any event of any known type and version; an unknown (type, schema_version) fails validation."""

_EVENTS: TypeAdapter[Event] = TypeAdapter(Event)


def decode_event(raw: bytes) -> Event:
    """The typed event a record holds; raises pydantic's ValidationError for an unknown type or version,
    or a payload its model does not accept."""
    return _EVENTS.validate_json(raw)
