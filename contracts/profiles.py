"""The profiles API's shapes. A profile is a person followed by a référent: personal data, handled as such.

MatchingView is what the profiles service lets matching read of a person; Consultation names the reads
about a person that other services make (checked and audited by the profiles service).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from common.schemas import Location, ShortText, SkillText, WithoutNul, refuse_null
from common.vocabulary import ContractType, Contrainte, ContrainteStatus, Transport, WorkCondition

# A situation is a short neutral code of the diagnostic (e.g. "garde_enfants"), never a story.
Situation = Annotated[str, StringConstraints(min_length=1, max_length=60), WithoutNul]
AppellationCode = Annotated[str, StringConstraints(min_length=1, max_length=12), WithoutNul]
# A need agreed in the diagnostic is a short neutral code too (e.g. "solution_de_garde").
NeedCode = Annotated[str, StringConstraints(min_length=1, max_length=60), WithoutNul]


class EmployerSharing(StrEnum):
    """What the person agreed to let employers see when their référent proposes them an offer. Without
    their agreement (`none`) a proposal stays with the référent; with it the employer gets an anonymised
    card: relevant skills and availability, and the name only as far as the person allowed."""

    NONE = "none"
    ANONYMOUS = "anonymous"  # a card with no name at all
    INITIALS = "initials"
    FIRST_NAME = "first_name"


class Mobility(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_distance_km: float = Field(
        gt=0, le=200, strict=True, description="How far the person accepts to travel, one way."
    )
    transport: list[Transport] = Field(default_factory=list, max_length=6)
    driving_licence_valid: bool = False


class ContrainteEntry(BaseModel):
    """One contrainte of the diagnostic. Situations are short neutral codes, never free-text stories."""

    model_config = ConfigDict(extra="forbid")

    code: Contrainte
    status: ContrainteStatus = ContrainteStatus.NON_ABORDEE
    situations: list[Situation] = Field(default_factory=list, max_length=10)


class ProfileBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: ShortText = Field(description="How the référent names the person in their caseload.")
    target_jobs: list[ShortText] = Field(default_factory=list, max_length=10)
    appellation_codes: list[AppellationCode] = Field(default_factory=list, max_length=10)
    skills: list[SkillText] = Field(default_factory=list, max_length=50)
    location: Location
    mobility: Mobility
    contract_types: list[ContractType] = Field(
        default_factory=list, max_length=8, description="Contracts the person accepts; empty means any."
    )
    min_hours_per_week: float | None = Field(default=None, ge=0, le=48, strict=True)
    max_hours_per_week: float | None = Field(default=None, gt=0, le=48, strict=True)
    contraintes: list[ContrainteEntry] = Field(default_factory=list, max_length=7)
    # Neutral restrictions agreed with the person: conditions an offer must not require.
    excluded_conditions: list[WorkCondition] = Field(default_factory=list, max_length=10)
    needs: list[NeedCode] = Field(default_factory=list, max_length=15)
    employer_sharing: EmployerSharing = Field(
        default=EmployerSharing.NONE,
        description="The person's consent to share an anonymised card with the employers of the offers "
        "proposed to them; `none` keeps proposals with the référent.",
    )
    available_from: date | None = Field(default=None, description="When the person can start.")

    @model_validator(mode="after")
    def _hours_in_order(self) -> ProfileBase:
        low, high = self.min_hours_per_week, self.max_hours_per_week
        if low is not None and high is not None and low > high:
            raise ValueError("min_hours_per_week must not exceed max_hours_per_week")
        return self


class ProfileCreate(ProfileBase):
    pass


class ProfileUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    display_name: ShortText | None = None
    target_jobs: list[ShortText] | None = Field(default=None, max_length=10)
    appellation_codes: list[AppellationCode] | None = Field(default=None, max_length=10)
    skills: list[SkillText] | None = Field(default=None, max_length=50)
    location: Location | None = None
    mobility: Mobility | None = None
    contract_types: list[ContractType] | None = Field(default=None, max_length=8)
    min_hours_per_week: float | None = Field(default=None, ge=0, le=48, strict=True)
    max_hours_per_week: float | None = Field(default=None, gt=0, le=48, strict=True)
    contraintes: list[ContrainteEntry] | None = Field(default=None, max_length=7)
    excluded_conditions: list[WorkCondition] | None = Field(default=None, max_length=10)
    needs: list[NeedCode] | None = Field(default=None, max_length=15)
    employer_sharing: EmployerSharing | None = None
    available_from: date | None = None
    followup_ended_on: date | None = None

    # What every file has: absent from a PATCH keeps it, null would leave the file without it.
    _not_nullable = field_validator(
        "display_name",
        "target_jobs",
        "appellation_codes",
        "skills",
        "location",
        "mobility",
        "contract_types",
        "contraintes",
        "excluded_conditions",
        "needs",
        "employer_sharing",
        mode="before",
    )(refuse_null)


class ProfilePublic(ProfileBase):
    id: str
    referent_id: str
    version: int
    followup_ended_on: date | None = None
    created_at: datetime
    updated_at: datetime


class MatchingView(BaseModel):
    """What matching may know of a person: criteria only — no name, no diagnostic, no reasons."""

    profile_id: str
    version: int
    target_jobs: list[str]
    appellation_codes: list[str]
    skills: list[str]
    location: Location
    mobility: Mobility
    contract_types: list[ContractType]
    min_hours_per_week: float | None
    max_hours_per_week: float | None
    excluded_conditions: list[WorkCondition]


class CandidateCard(BaseModel):
    """What an employer may learn of a person proposed to them, and only with the person's consent: the
    name as far as they allowed (initials, first name, or nothing), their skills and availability. Never
    the diagnostic, the contraintes, the commune or anything else. Matching keeps the skills the offer
    asks for and drops the rest."""

    profile_id: str
    shown_name: str | None
    skills: list[str]
    available_from: date | None


class Consultation(StrEnum):
    """What a caller reads about a person from another service; checked like a read of the file and
    audited under its own name, so the trail says what was looked at."""

    SUGGESTIONS = "suggestions"
    OUTCOMES = "outcomes"

    @property
    def audit_action(self) -> str:
        return f"read {self.value}"
