"""The demand dashboard, for analysts and admins: one area (a territory group, a département, an EPCI, a
commune) and another to compare, for a month and the periods around it; tables and charts from the API's
report, and the same report as CSV or XLSX."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from gateway import charts
from gateway.web.access import DashboardCaller, failure_page
from gateway.web.api_client import ApiFailure, api, ok
from gateway.web.dashboard_map import chosen_level, map_section
from gateway.web.rendering import render

router = APIRouter(include_in_schema=False)

MONTH = re.compile(r"^\d{4}-\d{2}$")
AREA = re.compile(r"^[a-z]+(:[0-9A-Za-z-]{1,40})?$")
EXPORTS = {
    "csv": ("/api/v1/analytics/demand.csv", "text/csv; charset=utf-8", "maillage-demande.csv"),
    "xlsx": (
        "/api/v1/analytics/demand.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "maillage-demande.xlsx",
    ),
}


def query(
    territoire: str | None = None,
    comparer: str | None = None,
    mois: str | None = None,
    carte: str | None = None,
) -> dict[str, str]:
    """The API's parameters from the page's, keeping only well-formed ones (anything else: the default)."""
    params = {}
    if territoire and AREA.match(territoire):
        params["area"] = territoire
    if comparer and AREA.match(comparer):
        params["compare"] = comparer
    if mois and MONTH.match(mois):
        params["month"] = mois
    params["level"] = chosen_level(carte)
    return params


PageQuery = Annotated[dict[str, str], Depends(query)]


def figures(report: dict[str, Any]) -> dict[str, str]:
    """The first area's charts, as SVG."""
    area = report["areas"][0]
    months = report["trend_months"]
    by_month = [sum(t["offers"][i] for t in area["trend"]) for i in range(len(months))]
    return {
        "sector": charts.bar_chart(
            "Offres du mois choisi par secteur",
            [(r["label"], r["figures"]["offers"][0]) for r in area["by_sector"]],
            "offres",
        ),
        "month": charts.column_chart("Offres publiées par mois", list(zip(months, by_month, strict=True))),
        "skills": charts.paired_chart(
            "Compétences demandées et présentes",
            [(s["skill"], s["demanded"], s["present"]) for s in area["skills_demanded"][:12]],
            ("demandées (offres actives)", "présentes (personnes)"),
        ),
    }


@router.get("/tableau-de-bord", response_class=HTMLResponse)
async def dashboard(request: Request, caller: DashboardCaller, params: PageQuery) -> Response:
    # The report and the map are asked together (the page waits for the slowest alone), for the same month:
    # the visitor's choice, else none, which both read as this month by matching's clock.
    month = params.get("month")
    try:
        async with api(request) as client:
            answers = await asyncio.gather(
                client.get("/api/v1/analytics/demand", params=_without(params, "level")),
                client.get("/api/v1/analytics/areas"),
                client.get("/api/v1/analytics/demand/map", params=map_query(params, month)),
            )
        report, choices, places = [ok(answer) for answer in answers]  # the report's error first
    except ApiFailure as exc:
        return failure_page(request, caller, exc)
    return render(
        request,
        "dashboard.html",
        caller=caller,
        report=report,
        choices=choices,
        chosen={"territoire": params.get("area", "territoire"), "comparer": params.get("compare", "")},
        figures={k: Markup(v) for k, v in figures(report).items()},
        export_query=str(request.url.query),
        demand_map=map_section(places, chosen_level(params["level"])),
        # The map's own form keeps the page's other choices.
        map_keeps={k: v for k, v in request.query_params.items() if k in ("territoire", "comparer", "mois")},
    )


def _without(params: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != name}


def map_query(params: dict[str, str], month: str | None) -> dict[str, str]:
    """The map's parameters: its level, and the chosen month when there is one (the offers published since
    its first day: the month the report's first figures are about)."""
    return {"level": params["level"]} | ({"month": month} if month else {})


async def _export(request: Request, caller: Any, kind: str, params: dict[str, str]) -> Response:
    path, media_type, name = EXPORTS[kind]
    async with api(request) as client:
        answer = await client.get(path, params=_without(params, "level"))
    if answer.status_code != 200:
        return failure_page(request, caller, ApiFailure(answer))
    return Response(
        answer.content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/tableau-de-bord/export.csv")
async def dashboard_csv(request: Request, caller: DashboardCaller, params: PageQuery) -> Response:
    return await _export(request, caller, "csv", params)


@router.get("/tableau-de-bord/export.xlsx")
async def dashboard_xlsx(request: Request, caller: DashboardCaller, params: PageQuery) -> Response:
    return await _export(request, caller, "xlsx", params)
