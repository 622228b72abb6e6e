"""Demand analytics' use cases: the report of one or two areas for a month, and the territory groups an
administrator keeps. Figures come from the index's aggregations and matching's store; what may be
published is the domain's rule (domain/disclosure.py)."""

from __future__ import annotations

from datetime import date
from typing import cast

from common.errors import NotFound, Unavailable, ValidationFailed
from common.french_catalogue import REFUSAL_REASON_LABELS
from contracts.analytics import AreaChoice, DemandReport, TerritoryGroupIn, TerritoryGroupOut
from services.matching.domain.analytics import build_report
from services.matching.domain.people import PeopleGrids, people_grids
from services.matching.domain.periods import earliest, parse_month
from services.matching.domain.sectors import add_months
from services.matching.domain.territories import (
    TERRITORY,
    TerritoryGroup,
    area_choices,
    check_group,
    resolve_area,
)
from services.matching.ports import AnalyticsIndex
from services.matching.service import MatchingService


def groups(service: MatchingService) -> dict[str, TerritoryGroup]:
    with service.units_of_work() as uow:
        return {g.key: g for g in uow.territory_groups.all()}


def demand_report(
    service: MatchingService, area: str | None = None, compare: str | None = None, month: str | None = None
) -> DemandReport:
    """The report of `area` (the served territory by default), beside `compare` when given, for `month`
    (`2026-11`, this month by default) and the periods around it."""
    index = service.index
    if not hasattr(index, "aggregate_demand"):
        raise Unavailable(f"The {index.backend} index cannot aggregate.")
    today = service.today()
    chosen = chosen_month(month, today)
    known = groups(service)
    areas = [resolve_area(area or TERRITORY, known)]
    if compare and compare != areas[0].key:
        areas.append(resolve_area(compare, known))
    # Only the months the report shows: the chosen one and the twelve before it.
    aggregates = cast(AnalyticsIndex, index).aggregate_demand(
        today, earliest(chosen), {a.key: a.communes for a in areas}, until=add_months(chosen, 1)
    )
    people, by_status, by_reason = people_and_outcomes(service)
    return build_report(
        aggregates,
        people,
        by_status,
        by_reason,
        today,
        chosen,
        areas,
        reason_labels=REFUSAL_REASON_LABELS,
    )


def chosen_month(month: str | None, today: date) -> date:
    """The first day of `month` (`2026-11`); nothing or an empty value is this month, by the service's clock.
    The report and the map both read the month here, so a page asking both names the same one."""
    try:
        return parse_month(month, today)
    except ValueError:
        raise ValidationFailed("month must be YYYY-MM.", code="analytics.bad_month") from None


def people_and_outcomes(service: MatchingService) -> tuple[PeopleGrids, dict[str, int], dict[str, int]]:
    with service.units_of_work() as uow:
        by_status, by_reason = uow.outcomes.totals()
        generation = uow.projections.people_generation()  # read before the facts: never older than them
        people = service.people_grids.grids(generation, lambda: people_grids(uow.projections.people_facts()))
    return people, by_status, by_reason


def choices(service: MatchingService) -> list[AreaChoice]:
    return [AreaChoice(key=k, label=label) for k, label in area_choices(groups(service))]


def group_out(group: TerritoryGroup) -> TerritoryGroupOut:
    return TerritoryGroupOut(
        key=group.key, name=group.name, epcis=list(group.epcis), communes=list(group.communes)
    )


def save_group(service: MatchingService, key: str, body: TerritoryGroupIn) -> TerritoryGroupOut:
    group = check_group(TerritoryGroup(key, body.name, tuple(body.epcis), tuple(body.communes)))
    with service.units_of_work() as uow:
        uow.territory_groups.save(group)
        uow.commit()
    return group_out(group)


def delete_group(service: MatchingService, key: str) -> None:
    with service.units_of_work() as uow:
        if not uow.territory_groups.delete(key):
            raise NotFound(f"No territory group {key}.", code="analytics.group_not_found")
        uow.commit()
