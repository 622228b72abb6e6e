"""Demand analytics of the matching service: aggregates for analysts and admins, small counts hidden."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse

from common.errors import Forbidden
from common.french_catalogue import REFUSAL_REASON_LABELS
from common.http import CallerDep
from common.identity import Caller, Role
from contracts.analytics import DemandReport
from services.matching.analytics_cache import demand_aggregates, people_counts, report_from
from services.matching.domain.analytics import build_report, report_csv
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
    today = service.today()
    aggregates = demand_aggregates(service, since)
    stored = people_counts(service)
    return report_from(
        service,
        aggregates,
        stored,
        since,
        lambda: build_report(
            aggregates,
            stored.skills,
            stored.outcomes_by_status,
            stored.refusals_by_reason,
            today,
            since,
            reason_labels=REFUSAL_REASON_LABELS,
        ),
    )


@router.get("/demand", response_model=DemandReport)
def demand(caller: CallerDep, service: ServiceDep, since: date | None = None) -> DemandReport:
    _check(caller)
    return demand_report(service, since)


@router.get("/demand.csv", response_class=PlainTextResponse)
def demand_csv(caller: CallerDep, service: ServiceDep, since: date | None = None) -> PlainTextResponse:
    _check(caller)
    return PlainTextResponse(report_csv(demand_report(service, since)), media_type="text/csv; charset=utf-8")
