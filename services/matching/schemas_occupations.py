"""Wire models of the occupation-candidates endpoint (matching service and gateway alike)."""

from __future__ import annotations

from pydantic import BaseModel, Field


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
