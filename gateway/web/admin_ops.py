"""Running the platform from its pages (admins): matching's status and the reindex with its progress, the
dead letters (look, replay, discard), and the audit log searched by person, user and period."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gateway.session import check_csrf
from gateway.web.access import AdminCaller, failure_page
from gateway.web.admin_forms import AuditQuery, DeadLetterBody
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.forms import CsrfBody
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/exploitation", response_class=HTMLResponse)
async def operations_page(request: Request, caller: AdminCaller) -> Response:
    try:
        async with api(request) as client:
            status = ok(await client.get("/api/v1/matching/status"))
            reindex = ok(await client.get("/api/v1/matching/reindex"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "admin_ops.html", caller=caller, status=status, reindex=reindex)


@router.post("/admin/exploitation/reindex", response_class=HTMLResponse)
async def start_reindex(request: Request, caller: AdminCaller, form: CsrfBody) -> Response:
    check_csrf(request, form.csrf)
    async with api(request) as client:
        answer = await client.post("/api/v1/matching/reindex")
    if answer.status_code in (202, 409):  # 409: one is running already; the page shows its progress
        return RedirectResponse("/admin/exploitation?ok=reindex#reindex", status_code=303)
    return failure_page(request, caller, ApiFailure(answer))


@router.get("/admin/exploitation/messages", response_class=HTMLResponse)
async def dead_letters_page(request: Request, caller: AdminCaller) -> Response:
    return await _dead_letters(request, caller, error=None)


async def _dead_letters(request: Request, caller: Any, error: str | None, status: int = 200) -> Response:
    try:
        async with api(request) as client:
            letters = ok(await client.get("/api/v1/admin/deadletters"))["items"]
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "admin_deadletters.html", status, caller, letters=letters, error=error)


@router.post("/admin/exploitation/messages", response_class=HTMLResponse)
async def settle_dead_letters(request: Request, caller: AdminCaller, form: DeadLetterBody) -> Response:
    check_csrf(request, form.csrf)
    action = "replay" if form.action == "replay" else "discard"
    async with api(request) as client:
        answer = await client.post(f"/api/v1/admin/deadletters/{action}", json={"expected": form.expected})
    if answer.status_code == 200:
        notice = "lettre-rejouee" if action == "replay" else "lettre-ecartee"
        return RedirectResponse(f"/admin/exploitation/messages?ok={notice}", status_code=303)
    failure = ApiFailure(answer)
    if failure.status_code in (401, 403):
        return failure_page(request, caller, failure)
    return await _dead_letters(request, caller, failure.message(""), 409)


@router.get("/admin/journal", response_class=HTMLResponse)
async def audit_page(
    request: Request,
    caller: AdminCaller,
    profile_id: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=64)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    query = AuditQuery(profile_id=profile_id, actor=actor, since=since, until=until)
    lines: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    if query.asked():
        async with api(request) as client:
            answer = await client.get("/api/v1/admin/audit", params=query.params())
        if answer.status_code == 200:
            lines = answer.json()
        else:
            failure = ApiFailure(answer)
            if failure.status_code in (401, 403):
                return failure_page(request, caller, failure)
            errors = failure.field_errors()
    return render(
        request, "admin_audit.html", 422 if errors else 200, caller, query=query, lines=lines, errors=errors
    )
