"""The coordinator's page: the follow-up of the référents of their structure, in counts (no person)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from contracts.coordination import FOLLOWUP_PERIODS_MONTHS
from gateway.web.access import CoordinatorCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


PERIOD_LABELS = {
    3: "Les 3 derniers mois",
    6: "Les 6 derniers mois",
    12: "Les 12 derniers mois",
    0: "Depuis le début",
}


@router.get("/coordination", response_class=HTMLResponse)
async def coordination_page(request: Request, caller: CoordinatorCaller, mois: str | None = None) -> Response:
    """`mois`: the period's length, as the page's choices give it; any other value is the API's to refuse
    (a French error page)."""
    params = {"months": mois} if mois else {}
    try:
        async with api(request) as client:
            followup = ok(await client.get("/api/v1/coordination/followup", params=params))
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    periods = [(months, PERIOD_LABELS[months]) for months in FOLLOWUP_PERIODS_MONTHS]
    return render(request, "coordination.html", caller=caller, followup=followup, periods=periods)
