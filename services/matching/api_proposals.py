"""HTTP entrypoint of the loop with employers: the proposals shared with an employer and their answers,
the référent's « Réponses des employeurs », and each employer's responsiveness.

An employer is always the caller themselves (their subject): they never name another employer's id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from common.errors import Forbidden
from common.http import CallerDep, EntityId
from common.identity import Caller, Role
from contracts.proposals import (
    EmployerAnswerIn,
    EmployerAnswersToReferent,
    EmployerAnswerToReferent,
    ProposalsToEmployer,
    ProposalToEmployer,
    Responsiveness,
)
from services.matching.domain.proposals import EmployerProposal, ResponsivenessFigures
from services.matching.employer_proposals import EmployerProposals


def get_proposals(request: Request) -> EmployerProposals:
    proposals: EmployerProposals = request.app.state.proposals
    return proposals


ProposalsDep = Annotated[EmployerProposals, Depends(get_proposals)]

router = APIRouter(tags=["proposals"])


def _only(caller: Caller, *roles: Role) -> None:
    if caller.role not in (*roles, Role.SYSTEM):
        raise Forbidden("This is not for your role.")


def to_employer(p: EmployerProposal) -> ProposalToEmployer:
    """The card and where the answer stands: nothing else of the proposal (no person id)."""
    return ProposalToEmployer(
        id=p.id,
        offer_id=p.offer_id,
        shown_name=p.shown_name,
        relevant_skills=list(p.relevant_skills),
        available_from=p.available_from,
        referent_account=p.referent_id,
        proposed_at=p.proposed_at,
        answer=p.answer,
        reason=p.reason,
        question=p.question,
        answered_at=p.answered_at,
        closed=p.closed,
    )


def responsiveness_out(figures: ResponsivenessFigures, for_the_employer: bool) -> Responsiveness:
    shown, summary = figures.for_the_employer() if for_the_employer else (figures, figures.summary())
    return Responsiveness(
        employer_id=figures.employer_id,
        shared=shown.shared if shown else None,
        answered=shown.answered if shown else None,
        answered_share=round(shown.answered_share, 3) if shown and shown.answered_share is not None else None,
        median_hours_to_first_answer=shown.median_hours if shown else None,
        summary=summary,
        suppressed=shown is None,
    )


@router.get("/employer/proposals", response_model=ProposalsToEmployer)
def proposals_to_employer(caller: CallerDep, proposals: ProposalsDep) -> ProposalsToEmployer:
    _only(caller, Role.EMPLOYER)
    return ProposalsToEmployer(items=[to_employer(p) for p in proposals.for_employer(caller.subject)])


@router.post("/employer/proposals/{proposal_id}/answer", response_model=ProposalToEmployer)
def answer_proposal(
    proposal_id: EntityId, body: EmployerAnswerIn, caller: CallerDep, proposals: ProposalsDep
) -> ProposalToEmployer:
    _only(caller, Role.EMPLOYER)
    answered = proposals.answer(caller.subject, proposal_id, body.answer, body.reason, body.question)
    return to_employer(answered)


@router.get("/employer/responsiveness", response_model=Responsiveness)
def own_responsiveness(caller: CallerDep, proposals: ProposalsDep) -> Responsiveness:
    _only(caller, Role.EMPLOYER)
    figures = proposals.responsiveness([caller.subject])[caller.subject]
    return responsiveness_out(figures, for_the_employer=True)


@router.get("/employers/{employer_id}/responsiveness", response_model=Responsiveness)
def employer_responsiveness(
    employer_id: EntityId, caller: CallerDep, proposals: ProposalsDep
) -> Responsiveness:
    _only(caller, Role.REFERENT, Role.ADMIN)
    return responsiveness_out(proposals.responsiveness([employer_id])[employer_id], for_the_employer=False)


@router.get("/referent/employer-answers", response_model=EmployerAnswersToReferent)
def answers_to_referent(caller: CallerDep, proposals: ProposalsDep) -> EmployerAnswersToReferent:
    _only(caller, Role.REFERENT)
    answered, unread = proposals.answers_for_referent(caller.subject)
    items = [
        EmployerAnswerToReferent(
            id=p.id,
            profile_id=p.profile_id,
            offer_id=p.offer_id,
            answer=p.answer,
            reason=p.reason,
            question=p.question,
            answered_at=p.answered_at,
            unread=p.unread,
        )
        for p in answered
        if p.answer is not None and p.answered_at is not None
    ]
    return EmployerAnswersToReferent(items=items, unread=unread)


@router.post("/referent/employer-answers/read")
def mark_answers_read(caller: CallerDep, proposals: ProposalsDep) -> dict[str, Any]:
    _only(caller, Role.REFERENT)
    return {"marked": proposals.mark_read(caller.subject)}
