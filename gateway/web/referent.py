"""The référent's workspace: the caseload, a person's page, and the forms about that person (project,
diagnostic, proposals and what came of them)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from common import french_catalogue as fr
from common.vocabulary import Contrainte
from contracts.matching import OutcomeIn
from contracts.profiles import ProfileUpdate
from gateway.session import check_csrf
from gateway.web.access import ReferentCaller, failure_page
from gateway.web.api_client import ApiFailure, api, form_refusal, ok
from gateway.web.caseload import caseload_page
from gateway.web.forms import (
    FORM_FIELDS,
    NUMBER,
    OPTIONAL_NUMBER,
    DiagnosticBody,
    OutcomeBody,
    ProjectBody,
    ProjectForm,
    checked,
    read_numbers,
)
from gateway.web.offer_form import resolve_appellation, skill_list
from gateway.web.person_view import person_context, person_page

router = APIRouter(include_in_schema=False)

# The profile's fields, as the project form names them.
PROJECT_FIELDS = {
    **FORM_FIELDS,
    "mobility": "radius",
    "min_hours_per_week": "min_hours",
    "max_hours_per_week": "max_hours",
}


@router.get("/referent", response_class=HTMLResponse)
async def caseload(request: Request, caller: ReferentCaller) -> Response:
    return await caseload_page(request, caller)


@router.get("/referent/personnes/{profile_id}", response_class=HTMLResponse)
async def person(request: Request, caller: ReferentCaller, profile_id: str) -> Response:
    try:
        async with api(request) as client:
            context = await person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(request, caller, context)


def project_change(form: ProjectForm) -> tuple[dict[str, Any], dict[str, str]]:
    """The profile change from the project form, and {form field: French message} for what is wrong."""
    values = form.values()
    jobs = [j for j in values["target_jobs"] if j]
    numbers, errors = read_numbers(
        values,
        {"min_hours": OPTIONAL_NUMBER, "max_hours": OPTIONAL_NUMBER, "radius": NUMBER},
        unreadable={"radius": fr.DISTANCE_EXPECTED},
    )
    body: dict[str, Any] = {
        "target_jobs": jobs,
        "appellation_codes": [found[0] for found in map(resolve_appellation, jobs) if found],
        "contract_types": values["contract_types"],
        "skills": skill_list(values["skills"]),
        "excluded_conditions": values["excluded_conditions"],
        "min_hours_per_week": numbers.get("min_hours"),
        "max_hours_per_week": numbers.get("max_hours"),
        "mobility": {
            "max_distance_km": numbers.get("radius", 0.0),
            "transport": values["transport"],
            "driving_licence_valid": values["driving_licence_valid"],
        },
    }
    if not errors:  # the API's own checks, so that every wrong field shows at once, in French
        errors = checked(ProfileUpdate, body, PROJECT_FIELDS)
    return body, errors


@router.post("/referent/personnes/{profile_id}/projet", response_class=HTMLResponse)
async def update_project(
    request: Request, caller: ReferentCaller, profile_id: str, form: ProjectBody
) -> Response:
    check_csrf(request, form.csrf)
    body, errors = project_change(form)
    try:
        async with api(request) as client:
            if not errors:
                answer = await client.patch(f"/api/v1/profiles/{quote(profile_id)}", json=body)
                if answer.status_code == 200:
                    return RedirectResponse(
                        f"/referent/personnes/{quote(profile_id)}?ok=projet#projet", status_code=303
                    )
                errors = ApiFailure(answer).field_errors(PROJECT_FIELDS)
            context = await person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(request, caller, context, 422, project=form.values(), errors=errors)


@router.post("/referent/personnes/{profile_id}/diagnostic", response_class=HTMLResponse)
async def update_diagnostic(
    request: Request, caller: ReferentCaller, profile_id: str, form: DiagnosticBody
) -> Response:
    check_csrf(request, form.csrf)
    try:
        async with api(request) as client:
            profile = ok(await client.get(f"/api/v1/profiles/{quote(profile_id)}"))
            current = {c["code"]: c for c in profile.get("contraintes", [])}
            contraintes = []
            for code in Contrainte:
                status = form.status_of(code, fr.CONTRAINTE_STATUS_LABELS)
                situations = current.get(code.value, {}).get("situations", [])
                if status != "NON_ABORDEE" or situations:
                    contraintes.append({"code": code.value, "status": status, "situations": situations})
            ok(await client.patch(f"/api/v1/profiles/{quote(profile_id)}", json={"contraintes": contraintes}))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return RedirectResponse(f"/referent/personnes/{quote(profile_id)}?ok=diagnostic#diagnostic", 303)


@router.post("/referent/personnes/{profile_id}/resultats", response_class=HTMLResponse)
async def record_outcome(
    request: Request, caller: ReferentCaller, profile_id: str, form: OutcomeBody
) -> Response:
    """Propose an offer (status=proposed), or record what came of a proposal (with a reason on refusal)."""
    check_csrf(request, form.csrf)
    body = {"offer_id": form.offer_id, "status": form.status, "reason": form.reason or None}
    errors = checked(OutcomeIn, body)
    try:
        async with api(request) as client:
            if not errors:
                answer = await client.post(f"/api/v1/profiles/{quote(profile_id)}/outcomes", json=body)
                if answer.status_code == 201:
                    proposing = form.status == "proposed"
                    notice, anchor = ("proposee", "suggestions") if proposing else ("resultat", "historique")
                    return RedirectResponse(
                        f"/referent/personnes/{quote(profile_id)}?ok={notice}#{anchor}", status_code=303
                    )
                errors = form_refusal(answer).field_errors()
            context = await person_context(client, profile_id)
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return person_page(request, caller, context, 422, outcome_errors={form.offer_id: errors})
