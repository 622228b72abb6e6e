"""The forms that confirm which métier an ambiguous job title means (see gateway.web.occupation_choices).

The référent confirms a person's target job: its text becomes the chosen appellation's label and the code
joins the appellations they chose. The employer confirms an offer's title: the offer gets the appellation
and its fiche (the title is kept). Both go through the public API with the session's token, like every
page, after a CSRF check, and take the same path (confirm_choice): read the file, change it, then go back
to the page, or show it again with what went wrong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from common.identity import Caller
from common.rome import Appellation, appellation
from gateway.session import check_csrf
from gateway.web.access import EmployerCaller, ReferentCaller, failure_page
from gateway.web.api_client import ApiFailure, api, form_refusal, ok
from gateway.web.forms import OccupationChoiceBody
from gateway.web.occupation_choices import confirmed_project, offer_change, offer_choice
from gateway.web.offer_form import offer_form_values
from gateway.web.person_view import person_context, person_page
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

# Shows the page again (status 422) with the error next to the question: (client, resource, error).
Redisplay = Callable[[httpx.AsyncClient, dict[str, Any], str], Awaitable[Response]]


@dataclass(frozen=True)
class ChoiceTarget:
    resource: str  # the API path of the profile or offer the choice changes
    confirmed: str  # where to go once the choice is saved
    unchanged: str  # where to go when the choice no longer applies (the file changed meanwhile)


async def confirm_choice(
    request: Request,
    caller: Caller,
    target: ChoiceTarget,
    chosen: Appellation | None,
    change_of: Callable[[dict[str, Any], Appellation], dict[str, Any] | None],
    redisplay: Redisplay,
) -> Response:
    """Read the resource, apply the change that confirms `chosen` (none: the choice no longer applies),
    then redirect; nothing chosen or a change refused shows the page again with the reason."""
    error = fr.PICK_ONE_OCCUPATION
    try:
        async with api(request) as client:
            current = ok(await client.get(target.resource))
            if chosen is not None:
                change = change_of(current, chosen)
                if change is None:
                    return RedirectResponse(target.unchanged, status_code=303)
                answer = await client.patch(target.resource, json=change)
                if answer.status_code == 200:
                    return RedirectResponse(target.confirmed, status_code=303)
                error = " ".join(form_refusal(answer).field_errors().values())
            return await redisplay(client, current, error)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)


@router.post("/referent/personnes/{profile_id}/metiers/choix", response_class=HTMLResponse)
async def confirm_target_job(
    request: Request, caller: ReferentCaller, profile_id: str, form: OccupationChoiceBody
) -> Response:
    check_csrf(request, form.csrf)
    pid = quote(profile_id)
    target = ChoiceTarget(
        resource=f"/api/v1/profiles/{pid}",
        confirmed=f"/referent/personnes/{pid}?ok=metier#projet",
        unchanged=f"/referent/personnes/{pid}#projet",
    )

    async def redisplay(client: httpx.AsyncClient, _: dict[str, Any], error: str) -> Response:
        context = await person_context(client, profile_id)
        context["occupation_errors"] = {form.text: error}
        return person_page(request, caller, context, 422)

    def change_of(profile: dict[str, Any], chosen: Appellation) -> dict[str, Any] | None:
        return confirmed_project(profile, form.text, chosen)

    chosen = appellation(form.appellation_code) if form.appellation_code else None
    return await confirm_choice(request, caller, target, chosen, change_of, redisplay)


@router.post("/employeur/offres/{offer_id}/metier/choix", response_class=HTMLResponse)
async def confirm_offer_job(
    request: Request, caller: EmployerCaller, offer_id: str, form: OccupationChoiceBody
) -> Response:
    check_csrf(request, form.csrf)
    oid = quote(offer_id)
    target = ChoiceTarget(
        resource=f"/api/v1/offers/{oid}",
        confirmed=f"/employeur/offres/{oid}?ok=metier-offre",
        unchanged=f"/employeur/offres/{oid}",
    )

    async def redisplay(client: httpx.AsyncClient, offer: dict[str, Any], error: str) -> Response:
        choice = await offer_choice(client, offer)
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

    def change_of(_: dict[str, Any], chosen: Appellation) -> dict[str, Any]:
        return offer_change(chosen)

    chosen = appellation(form.appellation_code) if form.appellation_code else None
    return await confirm_choice(request, caller, target, chosen, change_of, redisplay)
