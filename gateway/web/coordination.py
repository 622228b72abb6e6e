"""The coordinator's page: the follow-up of the référents of their structure, in counts (no person)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from contracts.coordination import FOLLOWUP_PERIODS_MONTHS
from gateway.web.access import CoordinatorCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


def period_label(months: int) -> str:
    return "Depuis le début" if months == 0 else f"Les {months} derniers mois"


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
    # The page's choices, and the period asked for when it is another (a link, ?mois=5): the list never
    # shows one period while the figures are of another.
    shown = list(FOLLOWUP_PERIODS_MONTHS)
    if followup["months"] not in shown:
        shown.append(int(followup["months"]))
    periods = [(months, period_label(months)) for months in shown]
    return render(request, "coordination.html", caller=caller, followup=followup, periods=periods)
