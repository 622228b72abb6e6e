"""The offers API's shapes (Create / Update / Public) and the status vocabulary they use.

The gateway serves these models and the offers service answers with them; the `offer.upserted` event has
its own model (contracts/events.py), mapped from OfferPublic field by field.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from common.schemas import FreeText, Location, ShortText, SkillText, WithoutNul, refuse_null
from common.vocabulary import ContractType, OpportunityKind, WorkCondition


class OfferStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class OfferAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


ROME_CODE = r"^[A-N]\d{4}$"
WEB_URL = r"^https?://\S+$"  # shown as links: no javascript: or data: URLs
ContactKey = Annotated[str, StringConstraints(min_length=1, max_length=40), WithoutNul]
ContactValue = Annotated[str, StringConstraints(max_length=500), WithoutNul]
Note = Annotated[str, StringConstraints(max_length=500), WithoutNul]


class OfferBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText
    description: FreeText = Field(default="", max_length=10_000)
    kind: OpportunityKind = OpportunityKind.JOB
    location: Location
    contract_type: ContractType
    hours_per_week: float = Field(
        gt=0, le=48, strict=True, description="Weekly hours (French legal maximum is 48)."
    )
    skills: list[SkillText] = Field(default_factory=list, max_length=50)
    rome_code: str | None = Field(default=None, pattern=ROME_CODE)
    appellation_code: str | None = Field(
        default=None, pattern=r"^\d{1,7}$", description="ROME appellation (OGR)."
    )
    openings: int = Field(default=1, ge=1, le=1000, strict=True)
    conditions: list[WorkCondition] = Field(default_factory=list, max_length=10)
    employer_name: FreeText | None = Field(default=None, max_length=200)
    siret: str | None = Field(default=None, pattern=r"^\d{14}$")
    naf_code: str | None = Field(default=None, pattern=r"^\d{2}\.?\d{2}[A-Z]$")
    # What a feed tells about the offer beyond the domain's fields, kept as given (all optional).
    published_at: datetime | None = Field(default=None, description="Publication date at the source.")
    source_updated_at: datetime | None = Field(default=None, description="Last update at the source.")
    source_contract: FreeText | None = Field(
        default=None,
        max_length=120,
        description="The source's own contract code and label, e.g. 'FRA — Franchise'.",
    )
    rome_source: FreeText | None = Field(
        default=None, max_length=60, description="Who gave the ROME code, e.g. 'code France Travail'."
    )
    appellation_label: FreeText | None = Field(default=None, max_length=200)
    employer_url: str | None = Field(default=None, max_length=500, pattern=WEB_URL)
    employer_description: FreeText | None = Field(default=None, max_length=4_000)
    contact: dict[ContactKey, ContactValue] | None = Field(
        default=None, max_length=12, description="How to apply: name, e-mail, phone, URL."
    )
    origin_url: str | None = Field(
        default=None, max_length=500, pattern=WEB_URL, description="The offer at its source."
    )
    import_notes: list[Note] = Field(
        default_factory=list, max_length=20, description="What the import flagged (implausible hours…)."
    )


class OfferCreate(OfferBase):
    expires_on: date | None = Field(default=None, description="Defaults to 90 days from now.")
    source_id: str | None = Field(
        default=None, min_length=1, max_length=120, description="Id in the source system, for imports."
    )


class OfferUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: ShortText | None = None
    description: FreeText | None = Field(default=None, max_length=10_000)
    kind: OpportunityKind | None = None
    location: Location | None = None
    contract_type: ContractType | None = None
    hours_per_week: float | None = Field(default=None, gt=0, le=48, strict=True)
    skills: list[SkillText] | None = Field(default=None, max_length=50)
    rome_code: str | None = Field(default=None, pattern=ROME_CODE)
    appellation_code: str | None = Field(default=None, pattern=r"^\d{1,7}$")
    openings: int | None = Field(default=None, ge=1, le=1000, strict=True)
    conditions: list[WorkCondition] | None = Field(default=None, max_length=10)
    expires_on: date | None = None
    employer_name: FreeText | None = Field(default=None, max_length=200)
    siret: str | None = Field(default=None, pattern=r"^\d{14}$")
    naf_code: str | None = Field(default=None, pattern=r"^\d{2}\.?\d{2}[A-Z]$")
    published_at: datetime | None = None
    source_updated_at: datetime | None = None
    source_contract: FreeText | None = Field(default=None, max_length=120)
    rome_source: FreeText | None = Field(default=None, max_length=60)
    appellation_label: FreeText | None = Field(default=None, max_length=200)
    employer_url: str | None = Field(default=None, max_length=500, pattern=WEB_URL)
    employer_description: FreeText | None = Field(default=None, max_length=4_000)
    contact: dict[ContactKey, ContactValue] | None = Field(default=None, max_length=12)
    origin_url: str | None = Field(default=None, max_length=500, pattern=WEB_URL)
    import_notes: list[Note] | None = Field(default=None, max_length=20)

    # What every offer has: absent from a PATCH keeps it, null would leave the offer without it.
    _not_nullable = field_validator(
        "title",
        "description",
        "kind",
        "location",
        "contract_type",
        "hours_per_week",
        "skills",
        "openings",
        "conditions",
        "expires_on",
        "import_notes",
        mode="before",
    )(refuse_null)


class OfferPublic(OfferBase):
    id: str
    employer_id: str
    status: OfferStatus
    version: int
    expires_on: date
    created_at: datetime
    updated_at: datetime
    source_id: str | None = None
    beyond_reach: bool = Field(
        default=False, description="Beyond the territory's reach band: stored, never suggested."
    )
