"""The référent's person file pages: « Ajouter une personne » and « Modifier le dossier », one form for
both (gateway.web.person_form). Both go through the public API with the session's token, like every
page: the API decides who may create or change a file (a référent, within their caseload)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from common.identity import Caller
from common.vocabulary import Contrainte, Transport, WorkCondition
from gateway.session import check_csrf
from gateway.web.access import ReferentCaller, failure_page
from gateway.web.api_client import ApiFailure, api, form_refusal, ok
from gateway.web.occupation_choices import person_choices
from gateway.web.person_form import (
    PERSON_FIELDS,
    PersonFileForm,
    linked_fiches,
    person_file_body,
    person_file_values,
)
from gateway.web.rendering import render
from gateway.web.skill_links import skill_links

router = APIRouter(include_in_schema=False)

PersonFileBody = Annotated[PersonFileForm, Form()]
NEW_PERSON = "/referent/nouvelle-personne"


def person_file_page(
    request: Request,
    caller: Caller,
    profile: dict[str, Any] | None,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
    occupation_choices: list[dict[str, Any]] | None = None,
    skill_links: dict[str, dict[str, Any]] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "person_file.html",
        status_code,
        caller,
        profile=profile,
        values=values,
        project=values,
        fiches=linked_fiches(values["target_jobs"]),
        errors=errors,
        occupation_choices=occupation_choices or [],
        skill_links=skill_links or {},
        contrainte_labels=[(code.value, fr.CONTRAINTE_LABELS[code]) for code in Contrainte],
        situations_by_contrainte={c.value: s for c, s in fr.SITUATIONS_BY_CONTRAINTE.items()},
        sharing_labels=fr.EMPLOYER_SHARING_LABELS,
        situation_labels=fr.SITUATION_LABELS,
        need_labels=fr.NEED_LABELS,
        contracts=list(fr.CONTRACT_LABELS.items()),
        transports=[(t.value, fr.TRANSPORT_LABELS_FR[t]) for t in Transport],
        conditions=[(c.value, fr.CONDITION_LABELS_FR[c]) for c in WorkCondition],
    )


def _shown_back(form: PersonFileForm) -> dict[str, Any]:
    """The values as posted, with at least three target job fields, as the form first shows them."""
    values = form.values()
    values["target_jobs"] = values["target_jobs"] + [""] * max(0, 3 - len(values["target_jobs"]))
    return values


@router.get(NEW_PERSON, response_class=HTMLResponse)
async def new_person(request: Request, caller: ReferentCaller) -> Response:
    return person_file_page(request, caller, None, person_file_values(None), {})


@router.post(NEW_PERSON, response_class=HTMLResponse)
async def create_person(request: Request, caller: ReferentCaller, form: PersonFileBody) -> Response:
    check_csrf(request, form.csrf)
    body, errors = person_file_body(form, None)
    if not errors:
        try:
            async with api(request) as client:
                answer = await client.post("/api/v1/profiles", json=body)
                if answer.status_code == 201:
                    created = quote(answer.json()["id"])
                    return RedirectResponse(f"/referent/personnes/{created}?ok=personne-creee", 303)
                errors = form_refusal(answer).field_errors(PERSON_FIELDS)
        except ApiFailure as exc:
            return failure_page(request, caller, exc)
    return person_file_page(request, caller, None, _shown_back(form), errors, 422)


@router.get("/referent/personnes/{profile_id}/dossier", response_class=HTMLResponse)
async def edit_person(request: Request, caller: ReferentCaller, profile_id: str) -> Response:
    try:
        async with api(request) as client:
            profile = ok(await client.get(f"/api/v1/profiles/{quote(profile_id)}"))
            choices = await person_choices(client, profile)
            links = await skill_links(client, profile.get("skills", []))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_file_page(request, caller, profile, person_file_values(profile), {}, 200, choices, links)


@router.post("/referent/personnes/{profile_id}/dossier", response_class=HTMLResponse)
async def save_person(
    request: Request, caller: ReferentCaller, profile_id: str, form: PersonFileBody
) -> Response:
    check_csrf(request, form.csrf)
    resource = f"/api/v1/profiles/{quote(profile_id)}"
    try:
        async with api(request) as client:
            profile = ok(await client.get(resource))
            body, errors = person_file_body(form, profile)
            if not errors:
                answer = await client.patch(resource, json=body)
                if answer.status_code == 200:
                    return RedirectResponse(f"/referent/personnes/{quote(profile_id)}?ok=dossier", 303)
                errors = form_refusal(answer).field_errors(PERSON_FIELDS)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_file_page(request, caller, profile, _shown_back(form), errors, 422)
