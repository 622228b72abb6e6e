"""Demand analytics of the matching service: aggregates for analysts and admins (people figures only as
the disclosure policy allows), and the territory groups administrators keep."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import PlainTextResponse

from common.errors import Forbidden
from common.http import CallerDep
from common.identity import Caller, Role
from contracts.analytics import AreaChoice, DemandReport, TerritoryGroupIn, TerritoryGroupOut
from services.matching import demand as use_cases
from services.matching.domain.analytics_export import report_csv, report_xlsx
from services.matching.service import MatchingService

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_service(request: Request) -> MatchingService:
    service: MatchingService = request.app.state.matching
    return service


ServiceDep = Annotated[MatchingService, Depends(get_service)]

router = APIRouter(prefix="/analytics", tags=["analytics"])


def asked_report(
    area: str | None = None, compare: str | None = None, month: str | None = None
) -> tuple[str | None, str | None, str | None]:
    return area, compare, month


Asked = Annotated[tuple[str | None, str | None, str | None], Depends(asked_report)]


def _check(caller: Caller, *roles: Role) -> None:
    if caller.role not in (*(roles or (Role.ANALYST, Role.ADMIN)), Role.SYSTEM):
        raise Forbidden("Demand analytics are for analysts and admins.")


@router.get("/demand", response_model=DemandReport)
def demand(
    caller: CallerDep,
    service: ServiceDep,
    asked: Asked,
) -> DemandReport:
    _check(caller)
    return use_cases.demand_report(service, *asked)


@router.get("/demand.csv", response_class=PlainTextResponse)
def demand_csv(
    caller: CallerDep,
    service: ServiceDep,
    asked: Asked,
    sep: str = ";",
) -> PlainTextResponse:
    _check(caller)
    report = use_cases.demand_report(service, *asked)
    return PlainTextResponse(
        report_csv(report, "," if sep == "," else ";"), media_type="text/csv; charset=utf-8"
    )


@router.get("/demand.xlsx")
def demand_xlsx(
    caller: CallerDep,
    service: ServiceDep,
    asked: Asked,
) -> Response:
    _check(caller)
    return Response(report_xlsx(use_cases.demand_report(service, *asked)), media_type=XLSX)


@router.get("/areas", response_model=list[AreaChoice])
def areas(caller: CallerDep, service: ServiceDep) -> list[AreaChoice]:
    _check(caller)
    return use_cases.choices(service)


@router.get("/territory-groups", response_model=list[TerritoryGroupOut])
def territory_groups(caller: CallerDep, service: ServiceDep) -> list[TerritoryGroupOut]:
    _check(caller)
    return [use_cases.group_out(g) for g in use_cases.groups(service).values()]


@router.put("/territory-groups/{key}", response_model=TerritoryGroupOut)
def save_territory_group(
    key: str, body: TerritoryGroupIn, caller: CallerDep, service: ServiceDep
) -> TerritoryGroupOut:
    _check(caller, Role.ADMIN)
    return use_cases.save_group(service, key, body)


@router.delete("/territory-groups/{key}", status_code=204)
def delete_territory_group(key: str, caller: CallerDep, service: ServiceDep) -> Response:
    _check(caller, Role.ADMIN)
    use_cases.delete_group(service, key)
    return Response(status_code=204)
