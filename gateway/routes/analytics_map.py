"""The dashboard's map data (analysts and admins): offers and openings by place of the territory."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from common.identity import Role
from contracts.analytics_map import DemandMap, MapLevel
from gateway.auth import CallerDep, require
from gateway.routes.analytics_params import MonthQuery
from gateway.upstream import Upstream

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])


@router.get("/demand/map", response_model=DemandMap)
async def demand_map(
    request: Request,
    caller: CallerDep,
    level: MapLevel = "epci",
    since: date | None = None,
    month: MonthQuery = None,
) -> Response:
    """Every place of the territory at `level` (commune, epci, departement) with the offers and openings
    published since `since`, else since the first day of `month` (`2026-11`), else of this month, as on the
    report; offer counts are public and never hidden."""
    require(caller, Role.ANALYST, Role.ADMIN)
    params = {"level": level, "since": since.isoformat() if since else None, "month": month}
    matching: Upstream = request.app.state.upstreams["matching"]
    return await matching.relay("GET", "/analytics/demand/map", caller, request, params=params)
