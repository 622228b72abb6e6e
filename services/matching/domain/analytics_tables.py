"""One area's tables: offers by period, sector, EPCI and commune (public), beside the people of the EPCI the
area covers whole (published through the grids of domain/people.py), the tension between the two, the
skills and the métiers that meet no demand or no supply."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from common.territory import french_commune
from common.text import normalise
from contracts.analytics import Figures, JobRow, PlaceRow, SectorRow, SkillRow, TrendRow
from services.matching.domain.disclosure import masked, ratio
from services.matching.domain.people import PeopleGrids
from services.matching.domain.periods import Period
from services.matching.domain.sectors import UNKNOWN, job_label, sector_key, sector_label
from services.matching.domain.territories import Area, epci_names, epci_of
from services.matching.ports import DemandBucket

ROLLING = "trois_mois"
ROLLING_BEFORE = "trois_mois_precedents"


def _zeros(n: int) -> list[int]:
    return [0] * n


@dataclass
class AreaTally:
    """Offers and openings of one area, by period (lists aligned with the report's periods)."""

    periods: Sequence[Period]
    months: Sequence[date]
    total: list[list[int]] = field(default_factory=list)
    sectors: dict[str, list[list[int]]] = field(default_factory=dict)
    epcis: dict[str, list[list[int]]] = field(default_factory=dict)
    communes: dict[str, list[list[int]]] = field(default_factory=dict)
    jobs: dict[str, list[list[int]]] = field(default_factory=dict)
    trend: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.total = self._new()

    def _new(self) -> list[list[int]]:
        return [_zeros(len(self.periods)), _zeros(len(self.periods))]

    def add(self, bucket: DemandBucket) -> None:
        sector = sector_key(bucket.rome_code)
        if bucket.month in self.months:
            trend = self.trend.setdefault(sector, _zeros(len(self.months)))
            trend[self.months.index(bucket.month)] += bucket.offers
        epci = epci_of(bucket.insee_code) or UNKNOWN
        targets = [
            self.total,
            self.sectors.setdefault(sector, self._new()),
            self.epcis.setdefault(epci, self._new()),
            self.communes.setdefault(bucket.insee_code or UNKNOWN, self._new()),
            self.jobs.setdefault(bucket.rome_code or UNKNOWN, self._new()),
        ]
        for i, period in enumerate(self.periods):
            if period.holds(bucket.month):
                for target in targets:
                    target[0][i] += bucket.offers
                    target[1][i] += bucket.openings

    def index(self, key: str) -> int:
        return next(i for i, p in enumerate(self.periods) if p.key == key)


def tally(
    buckets: Iterable[DemandBucket], area: Area, periods: Sequence[Period], months: Sequence[date]
) -> AreaTally:
    found = AreaTally(periods, months)
    for bucket in buckets:
        if area.communes is None or bucket.insee_code in area.communes:
            found.add(bucket)
    return found


def figures(values: list[list[int]]) -> Figures:
    return Figures(offers=values[0], openings=values[1])


def sector_rows(found: AreaTally, area: Area, people: PeopleGrids) -> list[SectorRow]:
    now, before = found.index(ROLLING), found.index(ROLLING_BEFORE)
    project = people.sectors.by_category(area.epcis)
    fits = people.skill_fits.by_category(area.epcis)
    keys = set(found.sectors) | set(project) | set(fits)
    rows = []
    for key in keys:
        values = found.sectors.get(key) or found._new()
        people_project = masked(project.get(key, 0), people.sectors.threshold)
        rows.append(
            SectorRow(
                key=key,
                label=sector_label(key),
                figures=figures(values),
                people_project=people_project,
                people_skills=masked(fits.get(key, 0), people.skill_fits.threshold),
                tension=ratio(values[1][now], people_project),
                tension_before=ratio(values[1][before], people_project),
            )
        )
    rows.sort(key=lambda r: (-r.figures.offers[now], r.label))
    return rows


def epci_rows(found: AreaTally, area: Area, people: PeopleGrids) -> list[PlaceRow]:
    project = people.sectors.by_epci(area.epcis)
    rows = [
        PlaceRow(
            code=code,
            label=epci_names().get(code, "EPCI inconnu ou hors territoire"),
            figures=figures(values),
            people_project=masked(project.get(code, 0), people.sectors.threshold),
        )
        for code, values in found.epcis.items()
    ]
    return sorted(rows, key=lambda r: r.label)


def commune_rows(found: AreaTally) -> list[PlaceRow]:
    rows = []
    for code, values in found.communes.items():
        commune = french_commune(code) if code != UNKNOWN else None
        rows.append(
            PlaceRow(
                code=code, label=commune.name if commune else "Commune inconnue", figures=figures(values)
            )
        )
    return sorted(rows, key=lambda r: r.label)


def trend_rows(found: AreaTally) -> list[TrendRow]:
    rows = [TrendRow(key=k, label=sector_label(k), offers=v) for k, v in found.trend.items()]
    return sorted(rows, key=lambda r: (-sum(r.offers), r.label))


def skill_rows(
    demanded: Sequence[tuple[str, int]], area: Area, people: PeopleGrids, limit: int = 20
) -> tuple[list[SkillRow], list[SkillRow]]:
    """The skills most demanded by the area's active offers, with how many people have them; and the
    skills most present among the area's people (published figures only), with the offers citing them."""
    present = people.skills.by_category(area.epcis)
    offers_by_skill: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for skill, n in demanded:
        offers_by_skill[normalise(skill)] += n
        labels.setdefault(normalise(skill), skill)
    most_demanded = [
        SkillRow(skill=skill, demanded=n, present=masked(present.get(normalise(skill), 0)))
        for skill, n in demanded[:limit]
    ]
    ranked = sorted(present.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    most_present = [
        SkillRow(skill=labels.get(skill, skill), demanded=offers_by_skill.get(skill, 0), present=n)
        for skill, n in ranked
    ]
    return most_demanded, most_present


def job_rows(
    found: AreaTally, area: Area, people: PeopleGrids, limit: int = 20
) -> tuple[list[JobRow], list[JobRow]]:
    """Métiers with offers in the rolling 3 months and no published candidate; métiers with a published
    number of candidates and no offer in those months."""
    now = found.index(ROLLING)
    candidates: Mapping[str, int] = people.jobs.by_category(area.epcis)
    offered = {code: v[0][now] for code, v in found.jobs.items() if v[0][now] and code != UNKNOWN}
    without_candidates = [
        JobRow(rome_code=code, label=job_label(code), offers=n, people=None)
        for code, n in offered.items()
        if code not in candidates
    ]
    without_offers = [
        JobRow(rome_code=code, label=job_label(code), offers=0, people=n)
        for code, n in candidates.items()
        if code not in offered and code != UNKNOWN
    ]
    without_candidates.sort(key=lambda r: (-r.offers, r.rome_code))
    without_offers.sort(key=lambda r: (-(r.people or 0), r.rome_code))
    return without_candidates[:limit], without_offers[:limit]
