"""The forms that confirm which métier an ambiguous job title means (see gateway.routes.occupation_choices).

The référent confirms a person's target job: its text becomes the chosen appellation's label and the code
joins the appellations they chose. The employer confirms an offer's title: the offer gets the appellation
and its fiche (the title is kept). Both go through the public API with the session's token, like every
page, after a CSRF check.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common.rome import appellation
from gateway.routes.occupation_choices import PICK_ONE, confirmed_project, offer_change, offer_choice
from gateway.routes.pages import (
    ApiFailure,
    EmployerCaller,
    ReferentCaller,
    _person_context,
    api,
    failure_page,
    offer_form_values,
    ok,
    person_page,
    render,
)
from gateway.session import check_csrf

router = APIRouter(include_in_schema=False)

ChoiceText = Annotated[str, Form(max_length=200)]
ChoiceCode = Annotated[str, Form(max_length=10)]


@router.post("/referent/personnes/{profile_id}/metiers/choix", response_class=HTMLResponse)
async def confirm_target_job(
    request: Request,
    caller: ReferentCaller,
    profile_id: str,
    text: ChoiceText = "",
    appellation_code: ChoiceCode = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    pid = quote(profile_id)
    chosen = appellation(appellation_code) if appellation_code else None
    error = PICK_ONE
    try:
        async with api(request) as client:
            profile = ok(await client.get(f"/api/v1/profiles/{pid}"))
            change = confirmed_project(profile, text, chosen) if chosen else None
            if chosen is not None and change is None:  # the target job changed meanwhile: nothing to do
                return RedirectResponse(f"/referent/personnes/{pid}#projet", status_code=303)
            if change is not None:
                answer = await client.patch(f"/api/v1/profiles/{pid}", json=change)
                if answer.status_code == 200:
                    return RedirectResponse(f"/referent/personnes/{pid}?ok=metier#projet", status_code=303)
                failure = ApiFailure(answer)
                if failure.status_code in (401, 403, 404):
                    raise failure
                error = " ".join(failure.field_errors().values())
            context = await _person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    context["occupation_errors"] = {text: error}
    return person_page(request, caller, context, 422)


@router.post("/employeur/offres/{offer_id}/metier/choix", response_class=HTMLResponse)
async def confirm_offer_job(
    request: Request,
    caller: EmployerCaller,
    offer_id: str,
    appellation_code: ChoiceCode = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, csrf)
    oid = quote(offer_id)
    chosen = appellation(appellation_code) if appellation_code else None
    error = PICK_ONE
    try:
        async with api(request) as client:
            offer = ok(await client.get(f"/api/v1/offers/{oid}"))
            if chosen is not None:
                answer = await client.patch(f"/api/v1/offers/{oid}", json=offer_change(chosen))
                if answer.status_code == 200:
                    return RedirectResponse(f"/employeur/offres/{oid}?ok=metier-offre", status_code=303)
                failure = ApiFailure(answer)
                if failure.status_code in (401, 403, 404):
                    raise failure
                error = " ".join(failure.field_errors().values())
            choice = await offer_choice(client, offer)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    values = offer_form_values(offer)
    return render(
        request,
        "offer_form.html",
        422,
        caller,
        offer=offer,
        values=values,
        errors={},
        choice=choice,
        choice_error=error,
    )
