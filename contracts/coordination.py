"""What a coordinator sees of the référents of their structure: counts per référent, never a person.

Matching answers the outcome counts (`ReferentOutcomes`), the profiles service the caseload sizes; the
gateway puts them together (`StructureFollowUp`) and hides every number of people below the disclosure
threshold (`DISCLOSURE_THRESHOLD`, the one the demand report applies).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

# Counts of people from 1 to this minus one are hidden wherever they could point at someone.
DISCLOSURE_THRESHOLD = 5


class ReferentOutcomes(BaseModel):
    """The proposals one référent made and what came of them."""

    referent: str
    proposals: int = Field(description="Offers proposed to a person.")
    answered: int = Field(description="Proposals that came to an outcome (accepted, refused, withdrawn).")
    accepted: int
    median_days_to_outcome: float | None = Field(description="From the proposal to its outcome.")


class OutcomesByReferent(BaseModel):
    items: list[ReferentOutcomes]


class ReferentFollowUp(BaseModel):
    """One référent's follow-up. A caseload of 1 to the threshold - 1 people is None, `suppressed`."""

    referent: str
    referent_name: str
    caseload: int | None
    caseload_suppressed: bool
    proposals: int
    answered: int
    accepted: int
    median_days_to_outcome: float | None


class StructureFollowUp(BaseModel):
    structure: str
    threshold: int
    referents: list[ReferentFollowUp]
