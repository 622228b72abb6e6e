"""The employer's « Candidatures proposées »: the anonymised cards of the people référents proposed for
their offers (only those who agreed to share), the answer form, and how responsive the employer is.

The cards come from the API's ProposalToEmployer, itself built from matching's projection of the card
(name as far as the person allowed, relevant skills, availability, the référent): the page never holds
more of a person than that, so it cannot show more.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from contracts.proposals import ANSWER_WITHIN_DAYS, EMPLOYER_REFUSAL_REASONS, EmployerAnswerIn
from gateway.session import check_csrf
from gateway.web.access import EmployerCaller, failure_page
from gateway.web.api_client import ApiFailure, api, form_refusal, ok
from gateway.web.forms import EmployerAnswerBody, checked
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

PAGE = "/employeur/candidatures"


async def _page_context(request: Request) -> dict[str, Any]:
    async with api(request) as client:
        proposals = ok(await client.get("/api/v1/employer/proposals"))["items"]
        offers = ok(await client.get("/api/v1/offers", params={"limit": 200}))["items"]
        answering = ok(await client.get("/api/v1/employer/responsiveness"))
    return {
        "proposals": proposals,
        "offer_titles": {o["id"]: o["title"] for o in offers},
        "answering": answering,
        "answers": list(fr.EMPLOYER_ANSWER_LABELS.items()),
        "employer_answer_labels": fr.EMPLOYER_ANSWER_LABELS,
        "answer_within_days": ANSWER_WITHIN_DAYS,
        "employer_reasons": [(r.value, fr.REFUSAL_REASON_LABELS[r.value]) for r in EMPLOYER_REFUSAL_REASONS],
    }


@router.get(PAGE, response_class=HTMLResponse)
async def proposals_page(request: Request, caller: EmployerCaller) -> Response:
    try:
        context = await _page_context(request)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "employer_proposals.html", caller=caller, answer_errors={}, **context)


@router.post(PAGE + "/{proposal_id}/reponse", response_class=HTMLResponse)
async def answer_proposal(
    request: Request, caller: EmployerCaller, proposal_id: str, form: EmployerAnswerBody
) -> Response:
    check_csrf(request, form.csrf)
    body = {"answer": form.answer, "reason": form.reason or None, "question": form.question.strip() or None}
    errors = checked(EmployerAnswerIn, body)
    try:
        if not errors:
            async with api(request) as client:
                answer = await client.post(
                    f"/api/v1/employer/proposals/{quote(proposal_id)}/answer", json=body
                )
            if answer.status_code == 200:
                return RedirectResponse(f"{PAGE}?ok=reponse-envoyee", status_code=303)
            errors = form_refusal(answer).field_errors()
        context = await _page_context(request)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(
        request, "employer_proposals.html", 422, caller, answer_errors={proposal_id: errors}, **context
    )
