"""The demand dashboard, for analysts and admins: the API's aggregates as tables and charts, and as CSV."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from gateway import charts
from gateway.web.access import DashboardCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.dashboard_map import chosen_level, map_section
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)


def _since(value: str | None) -> str | None:
    """The ?depuis= date when it is one; anything else means "since the beginning"."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def figures(report: dict[str, Any]) -> dict[str, str]:
    """The report's charts, as SVG."""
    return {
        "sector": charts.bar_chart(
            "Offres par secteur", [(r["label"], r["offers"]) for r in report["by_sector"]], "offres"
        ),
        "epci": charts.bar_chart(
            "Offres par intercommunalité (EPCI)",
            [(r["label"], r["offers"]) for r in report["by_epci"]],
            "offres",
        ),
        "month": charts.column_chart(
            "Offres publiées par mois", [(r["label"], r["offers"]) for r in report["by_month"]]
        ),
        "skills": charts.paired_chart(
            "Compétences demandées et disponibles",
            [(s["skill"], s["demanded"], s["available"]) for s in report["skills"][:12]],
            ("demandées (offres)", "disponibles (personnes)"),
        ),
        "unfilled": charts.bar_chart(
            "Offres non pourvues selon leur ancienneté",
            [(r["label"], r["offers"]) for r in report["unfilled"]],
            "offres",
        ),
    }


@router.get("/tableau-de-bord", response_class=HTMLResponse)
async def dashboard(
    request: Request, caller: DashboardCaller, depuis: str | None = None, carte: str | None = None
) -> Response:
    since = _since(depuis)
    level = chosen_level(carte)
    try:
        async with api(request) as client:
            report = ok(
                await client.get("/api/v1/analytics/demand", params={"since": since} if since else {})
            )
            places = ok(
                await client.get(
                    "/api/v1/analytics/demand/map",
                    params={"level": level, **({"since": since} if since else {})},
                )
            )
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(
        request,
        "dashboard.html",
        caller=caller,
        report=report,
        figures={k: Markup(v) for k, v in figures(report).items()},
        since=since or "",
        demand_map=map_section(places, level),
    )


@router.get("/tableau-de-bord/export.csv")
async def dashboard_csv(request: Request, caller: DashboardCaller, depuis: str | None = None) -> Response:
    since = _since(depuis)
    async with api(request) as client:
        answer = await client.get("/api/v1/analytics/demand.csv", params={"since": since} if since else {})
    if answer.status_code != 200:
        return failure_page(request, caller, ApiFailure(answer))
    return Response(
        answer.content,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="maillage-demande.csv"'},
    )
