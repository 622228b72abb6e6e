"""The matching API's shapes: suggestions, outcomes, the status of the index, and the occupation
candidates of a job title — what the gateway serves and the matching service answers.

The outcome vocabulary (status, refusal reasons and their French labels) lives here because the gateway's
pages offer it in their forms as well.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class OutcomeStatus(StrEnum):
    PROPOSED = "proposed"
    INTERVIEW = "interview"  # the employer offered the person an interview: still open
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class RefusalReason(StrEnum):
    INCOMPATIBLE = "incompatible"  # a frein conflicts with the post
    NOT_MOBILE = "not_mobile"
    LACKING_SKILLS = "lacking_skills"
    NO_ANSWER = "no_answer"  # the employer never answered
    DID_NOT_COME = "did_not_come_to_interview"
    PERSON_DECLINED = "person_declined"
    POSITION_FILLED = "position_filled"
    OTHER = "other"


class ReasonOut(BaseModel):
    code: str
    text: str
    effect: Literal["+", "-", "="]
    detail: str | None = Field(
        default=None, description="Codes and scores behind the reason, for a « détails » line."
    )


class SuggestionOut(BaseModel):
    offer_id: str
    score: float
    title: str
    commune: str
    distance_km: float
    contract_type: str
    hours_per_week: float
    employer_name: str | None
    components: dict[str, float]
    reasons: list[ReasonOut]
    tier: Literal["metier", "metier_proche"] = Field(
        description="`metier`: an offer of the person's own métiers; `metier_proche`: of a neighbouring "
        "métier they could move to (ROME mobility links), listed after the others."
    )
    employer_responsiveness: str | None = Field(
        default=None,
        description="How the offer's employer answers the proposals shared with them, in plain French "
        "(« Répond en général sous 3 jours ; 8 propositions sur 10 ont eu une réponse. »); null when none "
        "was shared with them yet.",
    )


class Suggestions(BaseModel):
    profile_id: str
    items: list[SuggestionOut]
    end_of_list: str | None = Field(
        default=None,
        description="Why the list stops before `limit`, in French (e.g. « Plus aucune offre de ce métier "
        "dans un rayon de 15 km. »); null when it was cut at `limit`.",
    )


class MatchingStatus(BaseModel):
    indexed_offers: int
    projected_profiles: int
    consumer_lag: int
    index_backend: str
    encoder: str
    consumer: dict[str, int | str | None] = {}


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_id: str = Field(min_length=1, max_length=32)
    status: OutcomeStatus
    reason: RefusalReason | None = Field(default=None, description="Required when status is 'refused'.")


class OutcomeOut(BaseModel):
    id: str
    offer_id: str
    status: OutcomeStatus
    reason: RefusalReason | None
    recorded_by: str
    recorded_at: datetime


class Outcomes(BaseModel):
    profile_id: str
    items: list[OutcomeOut]


class OfferOutcomeCounts(BaseModel):
    """How often an offer was proposed and what came of it: counts only, never who. For the offer's
    employer a count from 1 to 4 could point at a person: it is null, with `suppressed: true`."""

    offer_id: str
    proposed: int | None
    accepted: int | None
    refused: int | None
    withdrawn: int | None
    interview: int | None = None
    suppressed: bool = False


class ReindexStatus(BaseModel):
    """The latest reindex of this matching instance: `running` (with the offers embedded so far), `done`
    (with the offers indexed), `failed` (with why; the live index is untouched) or `idle`."""

    state: Literal["idle", "running", "done", "failed"]
    started_at: datetime | None
    finished_at: datetime | None
    embedded_offers: int
    indexed_offers: int | None
    error: str | None


# -- occupation candidates of a job title ------------------------------------------------------------
class OccupationCandidateOut(BaseModel):
    appellation_code: str = Field(description="ROME appellation (OGR code).")
    label: str = Field(description="The appellation's label, as forms show it.")
    rome_code: str
    fiche_label: str = Field(description="The label of the appellation's ROME fiche.")
    confidence: float = Field(ge=0, le=1)


class OccupationCandidates(BaseModel):
    """What a job title may mean in the ROME, and whether to ask someone which métier is meant."""

    text: str
    ambiguous: bool
    reason: str | None = Field(
        description="Why it is ambiguous, in French (« plusieurs métiers possibles », "
        "« correspondance incertaine »); null when it is not."
    )
    candidates: list[OccupationCandidateOut] = Field(description="At most 5, one per fiche, best first.")
