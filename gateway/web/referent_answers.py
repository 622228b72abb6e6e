"""The référent's side of the loop with employers: the « Réponses des employeurs » list (with what is
unread), and the person's consent to share an anonymised card with employers (and their availability)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from contracts.profiles import EmployerSharing
from gateway.session import check_csrf
from gateway.web.access import ReferentCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.forms import CsrfBody, SharingBody
from gateway.web.person_view import person_context, person_page
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

ANSWERS_PAGE = "/referent/reponses"


async def _offer_titles(client: httpx.AsyncClient, offer_ids: set[str]) -> dict[str, str]:
    titles = {}
    for offer_id in offer_ids:
        answer = await client.get(f"/api/v1/offers/{quote(offer_id)}")
        if answer.status_code == 200:
            titles[offer_id] = answer.json()["title"]
    return titles


@router.get(ANSWERS_PAGE, response_class=HTMLResponse)
async def employer_answers(request: Request, caller: ReferentCaller) -> Response:
    try:
        async with api(request) as client:
            answers = ok(await client.get("/api/v1/referent/employer-answers"))
            people = ok(await client.get("/api/v1/profiles", params={"limit": 200}))["items"]
            titles = await _offer_titles(client, {a["offer_id"] for a in answers["items"]})
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(
        request,
        "referent_answers.html",
        caller=caller,
        answers=answers["items"],
        unread=answers["unread"],
        names={p["id"]: p["display_name"] for p in people},
        titles=titles,
        employer_answer_labels=fr.EMPLOYER_ANSWER_LABELS,
    )


@router.post(ANSWERS_PAGE + "/lues")
async def mark_answers_read(request: Request, caller: ReferentCaller, form: CsrfBody) -> Response:
    check_csrf(request, form.csrf)
    try:
        async with api(request) as client:
            ok(await client.post("/api/v1/referent/employer-answers/read"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return RedirectResponse(f"{ANSWERS_PAGE}?ok=reponses-lues", status_code=303)


def _date(text: str) -> date | None:
    """A date as typed (jj/mm/aaaa) or as a date input sends it (aaaa-mm-jj); None when unreadable."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


@router.post("/referent/personnes/{profile_id}/partage", response_class=HTMLResponse)
async def update_sharing(
    request: Request, caller: ReferentCaller, profile_id: str, form: SharingBody
) -> Response:
    check_csrf(request, form.csrf)
    errors: dict[str, str] = {}
    if form.employer_sharing not in {s.value for s in EmployerSharing}:
        errors["employer_sharing"] = fr.INVALID_VALUE
    available = _date(form.available_from) if form.available_from.strip() else None
    if form.available_from.strip() and available is None:
        errors["available_from"] = fr.DATE_EXPECTED
    body: dict[str, Any] = {
        "employer_sharing": form.employer_sharing,
        "available_from": available.isoformat() if available else None,
    }
    try:
        async with api(request) as client:
            if not errors:
                ok(await client.patch(f"/api/v1/profiles/{quote(profile_id)}", json=body))
                return RedirectResponse(
                    f"/referent/personnes/{quote(profile_id)}?ok=partage#partage", status_code=303
                )
            context = await person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(request, caller, context, 422, sharing_errors=errors)
