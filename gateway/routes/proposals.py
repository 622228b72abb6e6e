"""The public API of the loop with employers: proposals shared with an employer (the anonymised card) and
their answers, the référent's « Réponses des employeurs », each employer's responsiveness.

Matching keeps the proposals; the gateway adds the one thing it owns, the référent's name (the card's
contact), and checks roles coarsely. An employer only ever reads their own proposals (matching takes the
employer from the caller, never from the request).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from common.http import EntityId
from common.identity import Role
from contracts.proposals import (
    EmployerAnswerIn,
    EmployerAnswersToReferent,
    ProposalsToEmployer,
    ProposalToEmployer,
    Responsiveness,
)
from gateway.auth import CallerDep, require
from gateway.routes.api import upstream
from gateway.users import UserStore

router = APIRouter(prefix="/api/v1", tags=["proposals"])


def _referent_names(users: UserStore, accounts: set[str]) -> dict[str, str]:
    names = {}
    for account in accounts:
        user = users.get(account)
        if user is not None:
            names[account] = user.display_name
    return names


@router.get("/employer/proposals", response_model=ProposalsToEmployer)
async def proposals_to_employer(request: Request, caller: CallerDep) -> Response:
    """The proposals référents made of your offers to people who agreed to share an anonymised card:
    the name as far as the person allowed, the skills your offer asks for, availability, the référent
    to contact. Never the person's file, situation or address."""
    require(caller, Role.EMPLOYER)
    answer = await upstream(request, "matching").call("GET", "/employer/proposals", caller, request)
    proposals = ProposalsToEmployer.model_validate(answer.json())
    users: UserStore = request.app.state.users
    names = await run_in_threadpool(_referent_names, users, {p.referent_account for p in proposals.items})
    for proposal in proposals.items:
        proposal.referent_name = names.get(proposal.referent_account)
    return Response(proposals.model_dump_json(), media_type="application/json")


@router.post("/employer/proposals/{proposal_id}/answer", response_model=ProposalToEmployer)
async def answer_proposal(
    proposal_id: EntityId, body: EmployerAnswerIn, request: Request, caller: CallerDep
) -> Response:
    """Answer a proposal: `interview` (entretien proposé), `hired`, `not_retained` with a `reason`, or a
    `question` to the référent. The référent sees it at once; hired and not retained close the proposal."""
    require(caller, Role.EMPLOYER)
    return await upstream(request, "matching").relay(
        "POST",
        f"/employer/proposals/{proposal_id}/answer",
        caller,
        request,
        json_body=body.model_dump(mode="json", exclude_none=True),
    )


@router.get("/employer/responsiveness", response_model=Responsiveness)
async def own_responsiveness(request: Request, caller: CallerDep) -> Response:
    """How quickly and how often you answer the proposals shared with you (hidden below 5 proposals)."""
    require(caller, Role.EMPLOYER)
    return await upstream(request, "matching").relay("GET", "/employer/responsiveness", caller, request)


@router.get("/employers/{employer_id}/responsiveness", response_model=Responsiveness)
async def employer_responsiveness(employer_id: EntityId, request: Request, caller: CallerDep) -> Response:
    """How an employer answers the proposals shared with them: median time to a first answer, share
    answered (référents and admins)."""
    require(caller, Role.REFERENT, Role.ADMIN)
    return await upstream(request, "matching").relay(
        "GET", f"/employers/{employer_id}/responsiveness", caller, request
    )


@router.get("/referent/employer-answers", response_model=EmployerAnswersToReferent)
async def answers_to_referent(request: Request, caller: CallerDep) -> Response:
    """The employers' answers to your proposals, latest first, with how many you have not read yet."""
    require(caller, Role.REFERENT)
    return await upstream(request, "matching").relay("GET", "/referent/employer-answers", caller, request)


@router.post("/referent/employer-answers/read")
async def mark_answers_read(request: Request, caller: CallerDep) -> Response:
    """Mark every employer answer to your proposals as read."""
    require(caller, Role.REFERENT)
    matching = upstream(request, "matching")
    return await matching.relay("POST", "/referent/employer-answers/read", caller, request)
