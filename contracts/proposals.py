"""Proposals shared with employers: the anonymised card an employer sees, their answer, and how quickly
each employer answers. Matching keeps them; the gateway serves them to employers and référents.

An employer only ever sees a proposal's id, the offer it is about and the card the person agreed to
share: never the person's id, their file, their diagnostic or their commune.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from common.schemas import WithoutNul
from contracts.matching import RefusalReason


class EmployerAnswer(StrEnum):
    INTERVIEW = "interview"  # entretien proposé
    HIRED = "hired"  # embauché(e)
    NOT_RETAINED = "not_retained"  # pas retenu(e), with a reason of EMPLOYER_REFUSAL_REASONS
    QUESTION = "question"  # a short question to the référent; the proposal stays open


# The reasons an employer may give for not retaining someone: never one that would need to know the
# person's contraintes (`incompatible`) or that only the référent can say (`no_answer`).
EMPLOYER_REFUSAL_REASONS: tuple[RefusalReason, ...] = (
    RefusalReason.LACKING_SKILLS,
    RefusalReason.POSITION_FILLED,
    RefusalReason.DID_NOT_COME,
    RefusalReason.PERSON_DECLINED,
    RefusalReason.OTHER,
)

# A proposal shared with an employer and left without any answer this long counts as unanswered in the
# employer's penalty (matching's ranking), and the employer is told so.
ANSWER_WITHIN_DAYS = 14

# An employer's responsiveness (median time to a first answer, share answered) is measured over the latest
# proposals shared with them: how they answer now, and a read that does not grow with their history.
RESPONSIVENESS_OVER_LATEST = 100

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), WithoutNul]


class EmployerAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: EmployerAnswer
    reason: RefusalReason | None = Field(default=None, description="Required with `not_retained`.")
    question: Question | None = Field(default=None, description="Required with `question` (500 characters).")


class ProposalToEmployer(BaseModel):
    """A proposal as its employer sees it: the card the person agreed to share, and where it stands."""

    id: str
    offer_id: str
    shown_name: str | None = Field(description="Initials or first name, only if the person agreed.")
    relevant_skills: list[str] = Field(description="The person's skills that the offer asks for.")
    available_from: date | None
    referent_account: str = Field(description="The account of the référent who proposed: the contact.")
    referent_name: str | None = Field(default=None, description="The référent's name (the gateway's).")
    proposed_at: datetime
    answer: EmployerAnswer | None
    reason: RefusalReason | None
    question: str | None
    answered_at: datetime | None
    closed: bool = Field(description="Hired, not retained, or closed by the référent: no more answers.")


class ProposalsToEmployer(BaseModel):
    items: list[ProposalToEmployer]


class EmployerAnswerToReferent(BaseModel):
    """An employer's latest answer to one of the référent's proposals, for their « Réponses » list."""

    id: str
    profile_id: str
    offer_id: str
    answer: EmployerAnswer
    reason: RefusalReason | None
    question: str | None
    answered_at: datetime
    unread: bool


class EmployerAnswersToReferent(BaseModel):
    items: list[EmployerAnswerToReferent]
    unread: int


class Responsiveness(BaseModel):
    """How an employer answers the proposals shared with them. For the employer themselves, counts from
    1 to 4 are about so few people that they are null (`suppressed: true`), as the offers' counts are."""

    employer_id: str
    shared: int | None
    answered: int | None
    answered_share: float | None = Field(description="answered / shared, from 0 to 1.")
    median_hours_to_first_answer: float | None
    summary: str = Field(description="The same, in one plain French sentence.")
    suppressed: bool = False
