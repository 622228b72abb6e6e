"""Demand analytics of the matching service: aggregates for analysts and admins, small counts hidden."""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from common.errors import Forbidden, Unavailable
from common.french_catalogue import REFUSAL_REASON_LABELS
from common.http import CallerDep
from common.identity import Caller, Role
from contracts.analytics import DemandReport
from services.matching.domain.analytics import build_report, report_csv
from services.matching.ports import AnalyticsIndex
from services.matching.service import MatchingService


def get_service(request: Request) -> MatchingService:
    service: MatchingService = request.app.state.matching
    return service


ServiceDep = Annotated[MatchingService, Depends(get_service)]

router = APIRouter(prefix="/analytics", tags=["analytics"])


def _check(caller: Caller) -> None:
    if caller.role not in (Role.ANALYST, Role.ADMIN, Role.SYSTEM):
        raise Forbidden("Demand analytics are for analysts and admins.")


def demand_report(service: MatchingService, since: date | None = None) -> DemandReport:
    index = service.index
    if not hasattr(index, "aggregate_demand"):
        raise Unavailable(f"The {index.backend} index cannot aggregate.")
    today = service.today()
    aggregates = cast(AnalyticsIndex, index).aggregate_demand(today, since)
    stored = service.stored_counts()
    return build_report(
        aggregates,
        stored.skills,
        stored.outcomes_by_status,
        stored.refusals_by_reason,
        today,
        since,
        reason_labels=REFUSAL_REASON_LABELS,
    )


@router.get("/demand", response_model=DemandReport)
def demand(caller: CallerDep, service: ServiceDep, since: date | None = None) -> DemandReport:
    _check(caller)
    return demand_report(service, since)


@router.get("/demand.csv", response_class=PlainTextResponse)
def demand_csv(caller: CallerDep, service: ServiceDep, since: date | None = None) -> PlainTextResponse:
    _check(caller)
    return PlainTextResponse(report_csv(demand_report(service, since)), media_type="text/csv; charset=utf-8")
