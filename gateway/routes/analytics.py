"""Demand analytics (analysts and admins); also gathers the other API routes the web surfaces added —
reference data for autocomplete and the bulk import upload — so the app includes one router for them."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from common.identity import Role
from contracts.analytics import DemandReport
from gateway.auth import CallerDep, require
from gateway.routes import analytics_map, imports, reference
from gateway.upstream import Upstream

router = APIRouter()
router.include_router(reference.router)
router.include_router(imports.router)
router.include_router(analytics_map.router)

api = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


def _matching(request: Request) -> Upstream:
    services: dict[str, Upstream] = request.app.state.upstreams
    return services["matching"]


@api.get("/demand", response_model=DemandReport)
async def demand(request: Request, caller: CallerDep, since: date | None = None) -> Response:
    """Offers and openings by sector × territory × month, skills demanded vs available, unfilled offers by
    age, outcomes. Counts from 1 to 4 are returned as null with `suppressed: true`."""
    require(caller, Role.ANALYST, Role.ADMIN)
    params = {"since": since.isoformat() if since else None}
    return await _matching(request).relay("GET", "/analytics/demand", caller, request, params=params)


@api.get("/demand.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def demand_csv(request: Request, caller: CallerDep, since: date | None = None) -> Response:
    """The same report as one CSV table (hidden counts left empty, `masque` = 1)."""
    require(caller, Role.ANALYST, Role.ADMIN)
    params = {"since": since.isoformat() if since else None}
    upstream = await _matching(request).call("GET", "/analytics/demand.csv", caller, request, params=params)
    return Response(
        content=upstream.content,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="maillage-demande.csv"'},
    )


router.include_router(api)
