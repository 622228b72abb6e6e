"""Labour demand as analysts read it, area by area: offers (public) beside the people followed (published
only as the disclosure policy allows, domain/disclosure.py), by period, sector, place and métier.

The index answers raw buckets (commune × ROME × publication month, and by area the skills and the age of
open offers); `aggregate_documents` computes the same in Python for the local index. The tables of one
area are built in domain/analytics_tables.py; the exports in domain/analytics_export.py.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from common.french_catalogue import OUTCOMES
from contracts.analytics import AreaOut, AreaReport, CountRow, DemandReport, PeriodOut, Row
from services.matching.domain import analytics_tables as tables
from services.matching.domain.disclosure import THRESHOLD, suppress_partition
from services.matching.domain.people import PeopleGrids
from services.matching.domain.periods import periods, trend_months
from services.matching.domain.sectors import month_key
from services.matching.domain.territories import Area, epci_names
from services.matching.ports import AGE_RANGES, AgeBucket, IndexAggregates, IndexedOffer, MonthCount

AGE_LABELS: dict[str, str] = {
    "0-30": "moins d'un mois",
    "31-60": "1 à 2 mois",
    "61-90": "2 à 3 mois",
    "90+": "plus de 3 mois",
}
EVERYWHERE: dict[str, frozenset[str] | None] = {"tout": None}


# -- the same aggregation in Python, over documents (the reference the indexes' answers are tested against) --
def aggregate_documents(
    docs: Iterable[IndexedOffer],
    today: date,
    since: date | None = None,
    areas: Mapping[str, frozenset[str] | None] | None = None,
    top_skills: int = 50,
    until: date | None = None,
    monthly: bool = True,
) -> IndexAggregates:
    areas = areas or EVERYWHERE
    places: dict[str, dict[tuple[str | None, date | None], list[int]]] = {
        k: defaultdict(_pair) for k in areas
    }
    jobs: dict[str, dict[tuple[str | None, date | None], list[int]]] = {k: defaultdict(_pair) for k in areas}
    skills: dict[str, Counter[str]] = {key: Counter() for key in areas}
    ages = {key: {age: [0, 0] for age, _, _ in AGE_RANGES} for key in areas}
    for doc in docs:
        published = doc.published_on
        month = published.replace(day=1) if published and monthly else None
        is_published = _published_between(published, since, until)
        is_open = doc.status == "active" and doc.expires_on >= today
        for key, communes in areas.items():
            if communes is not None and doc.insee_code not in communes:
                continue
            if is_published:
                for cells, value in ((places[key], doc.insee_code), (jobs[key], doc.rome_code)):
                    cells[(value, month)][0] += 1
                    cells[(value, month)][1] += doc.openings
            if is_open:
                skills[key].update(set(doc.skills))
                _count_age(ages[key], today, published, doc.openings)
    return IndexAggregates(
        places={k: _counts(c) for k, c in places.items()},
        jobs={k: _counts(c) for k, c in jobs.items()},
        skills={
            k: sorted(c.items(), key=lambda item: (-item[1], item[0]))[:top_skills] for k, c in skills.items()
        },
        unfilled={
            k: [AgeBucket(age, low, high, *ages[k][age]) for age, low, high in AGE_RANGES] for k in areas
        },
    )


def _pair() -> list[int]:
    return [0, 0]


def _published_between(published: date | None, since: date | None, until: date | None) -> bool:
    if since is None and until is None:
        return True
    return (
        published is not None
        and (since is None or published >= since)
        and (until is None or published < until)
    )


def _counts(cells: Mapping[tuple[str | None, date | None], list[int]]) -> list[MonthCount]:
    return [MonthCount(key, month, n, o) for (key, month), (n, o) in cells.items()]


def _count_age(ages: dict[str, list[int]], today: date, published: date | None, openings: int) -> None:
    if published is None:
        return
    age = (today - published).days
    for key, low, high in AGE_RANGES:
        if age >= low and (high is None or age <= high):
            ages[key][0] += 1
            ages[key][1] += openings


# -- the report -------------------------------------------------------------------------------------------
def area_report(aggregates: IndexAggregates, area: Area, people: PeopleGrids, month: date) -> AreaReport:
    found = tables.tally(
        aggregates.places.get(area.key, []),
        aggregates.jobs.get(area.key, []),
        periods(month),
        trend_months(month),
    )
    demanded, present = tables.skill_rows(aggregates.skills.get(area.key, []), area, people)
    without_candidates, without_offers = tables.job_rows(found, area, people)
    unfilled = aggregates.unfilled.get(area.key, [])
    return AreaReport(
        area=AreaOut(
            key=area.key,
            label=area.label,
            communes=None if area.communes is None else len(area.communes),
            people_epcis=sorted(epci_names().get(s, s) for s in area.epcis),
        ),
        total=tables.figures(found.total),
        by_sector=tables.sector_rows(found, area, people),
        by_epci=tables.epci_rows(found, area, people),
        by_commune=tables.commune_rows(found),
        trend=tables.trend_rows(found),
        skills_demanded=demanded,
        skills_present=present,
        jobs_without_candidates=without_candidates,
        jobs_without_offers=without_offers,
        unfilled=[
            Row(key=b.key, label=AGE_LABELS.get(b.key, b.key), offers=b.offers, openings=b.openings)
            for b in unfilled
        ],
    )


def outcome_rows(
    outcomes: Mapping[str, int], refusals: Mapping[str, int], reason_labels: Mapping[str, str], threshold: int
) -> tuple[list[CountRow], list[CountRow]]:
    """Outcomes of proposals (people: hidden below the threshold), for the whole deployment; the reasons
    partition the refusals, whose number is published, hence the complementary suppression."""
    steps = [(k, wording.tally, int(outcomes.get(k, 0))) for k, wording in OUTCOMES.items()]
    reasons = [
        (k, reason_labels.get(k, k), int(n)) for k, n in sorted(refusals.items(), key=lambda kv: -kv[1])
    ]

    def rows(items: Sequence[tuple[str, str, int]], total_known: bool) -> list[CountRow]:
        flags = suppress_partition([n for _, _, n in items], threshold, total_known)
        return [
            CountRow(key=k, label=label, count=None if flag else n, suppressed=flag)
            for (k, label, n), flag in zip(items, flags, strict=True)
        ]

    # Statuses are steps of one proposal, not a partition of a total.
    return rows(steps, total_known=False), rows(reasons, total_known=True)


def build_report(
    aggregates: IndexAggregates,
    people: PeopleGrids,
    outcomes: Mapping[str, int],
    refusals: Mapping[str, int],
    today: date,
    month: date,
    areas: Sequence[Area],
    threshold: int = THRESHOLD,
    reason_labels: Mapping[str, str] | None = None,
) -> DemandReport:
    steps, reasons = outcome_rows(outcomes, refusals, reason_labels or {}, threshold)
    return DemandReport(
        generated_on=today,
        month=month_key(month),
        threshold=threshold,
        periods=[PeriodOut(key=p.key, label=p.label, first=p.first, last=p.last) for p in periods(month)],
        trend_months=[month_key(m) for m in trend_months(month)],
        areas=[area_report(aggregates, area, people, month) for area in areas],
        outcomes=steps,
        refusal_reasons=reasons,
    )
