"""The employer's portal: their offers with what came of them, the offer form, pause/resume/close."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from gateway.session import check_csrf
from gateway.web.access import EmployerCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.forms import CsrfBody, OfferBody
from gateway.web.occupation_choices import offer_choice
from gateway.web.offer_form import offer_form_values, offer_payload
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

OFFER_ACTIONS = ("pause", "resume", "close")


@router.get("/employeur", response_class=HTMLResponse)
async def employer_home(request: Request, caller: EmployerCaller) -> Response:
    try:
        async with api(request) as client:
            page = ok(await client.get("/api/v1/offers", params={"limit": 200}))
            offers = page["items"]
            for offer in offers:
                offer["outcomes"] = ok(await client.get(f"/api/v1/offers/{offer['id']}/outcomes"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "employer.html", caller=caller, offers=offers, total=page["total"])


@router.get("/employeur/offres/nouvelle", response_class=HTMLResponse)
def new_offer_page(request: Request, caller: EmployerCaller) -> Response:
    return render(
        request, "offer_form.html", caller=caller, offer=None, values=offer_form_values(None), errors={}
    )


@router.post("/employeur/offres/nouvelle", response_class=HTMLResponse)
async def create_offer(request: Request, caller: EmployerCaller, form: OfferBody) -> Response:
    check_csrf(request, form.csrf)
    body, errors = offer_payload(form, creating=True)
    if not errors:
        async with api(request) as client:
            answer = await client.post("/api/v1/offers", json=body)
        if answer.status_code == 201:
            return RedirectResponse("/employeur?ok=offre-creee", status_code=303)
        errors = ApiFailure(answer).field_errors()
    values = form.values()
    return render(request, "offer_form.html", 422, caller, offer=None, values=values, errors=errors)


@router.get("/employeur/offres/{offer_id}", response_class=HTMLResponse)
async def edit_offer_page(request: Request, caller: EmployerCaller, offer_id: str) -> Response:
    try:
        async with api(request) as client:
            offer = ok(await client.get(f"/api/v1/offers/{quote(offer_id)}"))
            choice = await offer_choice(client, offer)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    values = offer_form_values(offer)
    return render(
        request, "offer_form.html", caller=caller, offer=offer, values=values, errors={}, choice=choice
    )


@router.post("/employeur/offres/{offer_id}", response_class=HTMLResponse)
async def update_offer(request: Request, caller: EmployerCaller, offer_id: str, form: OfferBody) -> Response:
    check_csrf(request, form.csrf)
    body, errors = offer_payload(form, creating=False)
    try:
        async with api(request) as client:
            offer = ok(await client.get(f"/api/v1/offers/{quote(offer_id)}"))
            if not errors:
                answer = await client.patch(f"/api/v1/offers/{quote(offer_id)}", json=body)
                if answer.status_code == 200:
                    return RedirectResponse("/employeur?ok=offre-modifiee", status_code=303)
                errors = ApiFailure(answer).field_errors()
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    values = form.values()
    return render(request, "offer_form.html", 422, caller, offer=offer, values=values, errors=errors)


@router.post("/employeur/offres/{offer_id}/{action}")
async def act_on_offer(
    request: Request, caller: EmployerCaller, offer_id: str, action: str, form: CsrfBody
) -> Response:
    check_csrf(request, form.csrf)
    if action not in OFFER_ACTIONS:
        return render(
            request, "error.html", 404, caller, title=fr.ERROR_PAGE_TITLES[404], message=fr.UNKNOWN_ACTION
        )
    try:
        async with api(request) as client:
            ok(await client.post(f"/api/v1/offers/{quote(offer_id)}/{action}"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return RedirectResponse(f"/employeur?ok=offre-{action}", status_code=303)
