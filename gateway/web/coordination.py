"""The coordinator's page: the follow-up of the référents of their structure, in counts (no person)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from gateway.web.access import CoordinatorCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/coordination", response_class=HTMLResponse)
async def coordination_page(request: Request, caller: CoordinatorCaller) -> Response:
    try:
        async with api(request) as client:
            followup = ok(await client.get("/api/v1/coordination/followup"))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(request, "coordination.html", caller=caller, followup=followup)
