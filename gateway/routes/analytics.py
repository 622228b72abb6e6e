"""Demand analytics (analysts and admins) and the territory groups administrators keep; also gathers the
other API routes the web surfaces added — reference data for autocomplete and the bulk import upload — so
the app includes one router for them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from common.identity import Role
from contracts.analytics import AreaChoice, DemandReport, TerritoryGroupIn, TerritoryGroupOut
from gateway.auth import CallerDep, require
from gateway.routes import analytics_map, imports, reference, reference_skills
from gateway.routes.analytics_params import AreaQuery, MonthQuery
from gateway.upstream import Upstream

router = APIRouter()
router.include_router(reference.router)
router.include_router(reference_skills.router)
router.include_router(imports.router)
router.include_router(analytics_map.router)

api = APIRouter(prefix="/api/v1/analytics", tags=["analytics"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GroupKey = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]


def _matching(request: Request) -> Upstream:
    services: dict[str, Upstream] = request.app.state.upstreams
    return services["matching"]


def _params(
    area: AreaQuery = None, compare: AreaQuery = None, month: MonthQuery = None
) -> dict[str, str | None]:
    return {"area": area, "compare": compare, "month": month}


ReportParams = Annotated[dict[str, str | None], Depends(_params)]


@api.get("/demand", response_model=DemandReport)
async def demand(
    request: Request,
    caller: CallerDep,
    params: ReportParams,
) -> Response:
    """One area (the served territory by default), and a second to compare with, for a month and the periods
    around it: offers and openings (public), people followed and tension (null when the disclosure policy
    withholds them, docs/analytics.md), skills, métiers, unfilled offers, outcomes."""
    require(caller, Role.ANALYST, Role.ADMIN)
    return await _matching(request).relay("GET", "/analytics/demand", caller, request, params=params)


async def _download(
    request: Request, caller: CallerDep, path: str, params: dict[str, str | None], media_type: str, name: str
) -> Response:
    require(caller, Role.ANALYST, Role.ADMIN)
    upstream = await _matching(request).call("GET", path, caller, request, params=params)
    return Response(
        content=upstream.content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@api.get("/demand.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def demand_csv(
    request: Request,
    caller: CallerDep,
    params: ReportParams,
    sep: Literal[";", ","] = ";",
) -> Response:
    """The same report as one CSV table: `;`, decimal commas and a UTF-8 BOM for French Excel; `?sep=,`
    for tools. Withheld people figures are empty, with `masque` = 1."""
    return await _download(
        request,
        caller,
        "/analytics/demand.csv",
        {**params, "sep": sep},
        "text/csv; charset=utf-8",
        "maillage-demande.csv",
    )


@api.get("/demand.xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}})
async def demand_xlsx(
    request: Request,
    caller: CallerDep,
    params: ReportParams,
) -> Response:
    """The same table as an Excel workbook."""
    return await _download(request, caller, "/analytics/demand.xlsx", params, XLSX, "maillage-demande.xlsx")


@api.get("/areas", response_model=list[AreaChoice])
async def areas(request: Request, caller: CallerDep) -> Response:
    """The areas the report can be asked for: the served territory, the groups, départements and EPCI."""
    require(caller, Role.ANALYST, Role.ADMIN)
    return await _matching(request).relay("GET", "/analytics/areas", caller, request)


@api.get("/territory-groups", response_model=list[TerritoryGroupOut])
async def territory_groups(request: Request, caller: CallerDep) -> Response:
    """The named groups of EPCI and communes (the Montargois, the Giennois…)."""
    require(caller, Role.ANALYST, Role.ADMIN)
    return await _matching(request).relay("GET", "/analytics/territory-groups", caller, request)


@api.put("/territory-groups/{key}", response_model=TerritoryGroupOut)
async def save_territory_group(
    key: GroupKey, body: TerritoryGroupIn, request: Request, caller: CallerDep
) -> Response:
    """Create or replace a group (administrators)."""
    require(caller, Role.ADMIN)
    path = f"/analytics/territory-groups/{key}"
    return await _matching(request).relay("PUT", path, caller, request, json_body=body.model_dump())


@api.delete("/territory-groups/{key}", status_code=204)
async def delete_territory_group(key: GroupKey, request: Request, caller: CallerDep) -> Response:
    """Delete a group (administrators)."""
    require(caller, Role.ADMIN)
    await _matching(request).call("DELETE", f"/analytics/territory-groups/{key}", caller, request)
    return Response(status_code=204)


router.include_router(api)
