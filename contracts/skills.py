"""The ROME skills referential as the matching service serves it: competences found by their wording
(autocomplete), and the competences a free-text skill stands for (how it is understood)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from common.schemas import SkillText

CompetenceKind = Literal["savoir_faire", "savoir_etre", "savoir"]


class CompetenceOut(BaseModel):
    code: str = Field(description="The competence's OGR code in ROME 4.0.")
    label: str
    kind: CompetenceKind = Field(description="savoir-faire, savoir-être or savoir (knowledge).")


class LinkedCompetenceOut(CompetenceOut):
    confidence: float = Field(ge=0, le=1, description="1 when the wording is the competence's own.")


class SkillLinkOut(BaseModel):
    """One free-text skill and the competences of the referential it is closest to, best first."""

    text: str
    competences: list[LinkedCompetenceOut] = Field(
        description="At most the number asked for; empty when the service links no skills."
    )


class SkillLinksIn(BaseModel):
    """Free-text skills to link (a person's list, say), and how many competences to give each."""

    texts: list[SkillText] = Field(min_length=1, max_length=50)
    top: int = Field(default=1, ge=1, le=5)
