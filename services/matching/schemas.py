"""The matching API's shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.matching.domain.outcomes import OutcomeStatus, RefusalReason
from services.matching.domain.ranking import Suggestion


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

    @classmethod
    def from_domain(cls, s: Suggestion) -> SuggestionOut:
        return cls(
            offer_id=s.offer_id,
            score=s.score,
            title=s.title,
            commune=s.commune,
            distance_km=s.distance_km,
            contract_type=s.contract_type,
            hours_per_week=s.hours_per_week,
            employer_name=s.employer_name,
            components={k: round(v, 4) for k, v in s.components.items()},
            reasons=[
                ReasonOut(code=r.code, text=r.text, effect=r.effect, detail=r.detail) for r in s.reasons
            ],
            tier=s.tier,
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
    """How often an offer was proposed and what came of it: counts only, never who."""

    offer_id: str
    proposed: int
    accepted: int
    refused: int
    withdrawn: int


class ReindexStatus(BaseModel):
    """The latest reindex of this matching instance: `running` (with the offers embedded so far), `done`
    (with the offers indexed), `failed` (with why; the live index is untouched) or `idle`."""

    state: Literal["idle", "running", "done", "failed"]
    started_at: datetime | None
    finished_at: datetime | None
    embedded_offers: int
    indexed_offers: int | None
    error: str | None
