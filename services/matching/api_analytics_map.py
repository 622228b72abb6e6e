"""The dashboard's map data: offers and openings by place of the territory (analysts and admins)."""

from __future__ import annotations

from datetime import date
from typing import cast

from fastapi import APIRouter

from common.errors import Unavailable
from common.http import CallerDep
from contracts.analytics_map import DemandMap, MapLevel, MapPlace
from services.matching.api_analytics import ServiceDep, _check
from services.matching.demand import chosen_month
from services.matching.domain.analytics import EVERYWHERE
from services.matching.domain.demand_map import offers_by_place
from services.matching.ports import AnalyticsIndex

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.get("/demand/map", response_model=DemandMap)
def demand_map(
    caller: CallerDep,
    service: ServiceDep,
    level: MapLevel = "epci",
    since: date | None = None,
    month: str | None = None,
) -> DemandMap:
    """Offers published since `since`, else since the first day of `month` (`2026-11`), else of this month:
    the report's month, read the same way."""
    _check(caller)
    if since is None:
        since = chosen_month(month, service.today())
    index = service.index
    if not hasattr(index, "aggregate_demand"):
        raise Unavailable(f"The {index.backend} index cannot aggregate.")
    # Offers published anywhere since `since`, by commune only: no skills, no months.
    aggregates = cast(AnalyticsIndex, index).aggregate_demand(
        service.today(), since, EVERYWHERE, top_skills=0, monthly=False
    )
    places, outside = offers_by_place(aggregates.places["tout"], level)
    return DemandMap(
        level=level,
        generated_on=service.today(),
        since=since,
        places=[MapPlace(code=p.code, label=p.label, offers=p.offers, openings=p.openings) for p in places],
        outside=outside,
    )
