"""Caseload handover (admins): a référent's whole caseload, or the files named, moved to another référent.
The profiles service keeps each person's history of référents and audits every move."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gateway.session import check_csrf
from gateway.web.access import AdminCaller, failure_page
from gateway.web.admin_accounts import fetch_accounts
from gateway.web.admin_forms import HandoverBody
from gateway.web.api_client import ApiFailure, api
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/portefeuilles", response_class=HTMLResponse)
async def handover_page(request: Request, caller: AdminCaller) -> Response:
    return await _page(request, caller, values={}, errors={})


async def _page(
    request: Request, caller: Any, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    try:
        referents = await fetch_accounts(request, role="referent")
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    active = [r for r in referents if r["active"]]
    return render(
        request,
        "admin_caseloads.html",
        status,
        caller,
        referents=referents,
        active_referents=active,
        values=values,
        errors=errors,
        moved=request.query_params.get("moved"),
    )


@router.post("/admin/portefeuilles", response_class=HTMLResponse)
async def hand_over(request: Request, caller: AdminCaller, form: HandoverBody) -> Response:
    check_csrf(request, form.csrf)
    async with api(request) as client:
        answer = await client.post("/api/v1/admin/caseloads/handover", json=form.body())
    if answer.status_code == 200:
        moved = len(answer.json()["moved"])
        return RedirectResponse(f"/admin/portefeuilles?ok=transfert&moved={moved}", status_code=303)
    failure = ApiFailure(answer)
    if failure.status_code in (401, 403):
        return failure_page(request, caller, failure)
    errors = failure.field_errors()
    if failure.status_code == 404:  # a file named is not there (or not in the caseload named)
        errors = {"profile_ids": failure.message("")}
    return await _page(request, caller, form.model_dump(exclude={"csrf"}), errors, 422)
