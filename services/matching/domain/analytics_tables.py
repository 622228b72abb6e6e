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
from services.matching.ports import MonthCount

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
        self._slots: dict[date | None, tuple[int, ...]] = {}  # month -> the periods holding it
        self._month_index = {month: i for i, month in enumerate(self.months)}

    def _new(self) -> list[list[int]]:
        return [_zeros(len(self.periods)), _zeros(len(self.periods))]

    def _row(self, table: dict[str, list[list[int]]], key: str) -> list[list[int]]:
        row = table.get(key)
        if row is None:
            row = table[key] = self._new()
        return row

    def _add(self, targets: Sequence[list[list[int]]], count: MonthCount) -> None:
        slots = self._slots.get(count.month)
        if slots is None:
            slots = self._slots[count.month] = tuple(
                i for i, period in enumerate(self.periods) if period.holds(count.month)
            )
        for i in slots:
            for target in targets:
                target[0][i] += count.offers
                target[1][i] += count.openings

    def add_place(self, count: MonthCount, epci: str) -> None:
        """Offers of one commune in one month: the area's total, its EPCI and its commune."""
        targets = (self.total, self._row(self.epcis, epci), self._row(self.communes, count.key or UNKNOWN))
        self._add(targets, count)

    def add_job(self, count: MonthCount, sector: str) -> None:
        """Offers of one ROME code in one month: its sector (and the sector's trend) and its métier."""
        at = self._month_index.get(count.month) if count.month is not None else None
        if at is not None:
            trend = self.trend.get(sector)
            if trend is None:
                trend = self.trend[sector] = _zeros(len(self.months))
            trend[at] += count.offers
        self._add((self._row(self.sectors, sector), self._row(self.jobs, count.key or UNKNOWN)), count)

    def index(self, key: str) -> int:
        return next(i for i, p in enumerate(self.periods) if p.key == key)


def tally(
    places: Iterable[MonthCount],
    jobs: Iterable[MonthCount],
    periods: Sequence[Period],
    months: Sequence[date],
) -> AreaTally:
    """One area's offers (the index counted them in the area already), by commune and by ROME code."""
    found = AreaTally(periods, months)
    epcis: dict[str | None, str] = {}  # a commune's EPCI, a code's sector: looked up once per key
    sectors: dict[str | None, str] = {}
    for count in places:
        if count.key not in epcis:
            epcis[count.key] = epci_of(count.key) or UNKNOWN
        found.add_place(count, epcis[count.key])
    for count in jobs:
        if count.key not in sectors:
            sectors[count.key] = sector_key(count.key)
        found.add_job(count, sectors[count.key])
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
    # Ranked as plain pairs, and only the rows shown become objects (a territory has ~1,000 métiers).
    unmatched = sorted((-n, code) for code, n in offered.items() if code not in candidates)
    unoffered = sorted(
        (-n, code) for code, n in candidates.items() if code not in offered and code != UNKNOWN
    )
    without_candidates = [
        JobRow(rome_code=code, label=job_label(code), offers=-minus_n, people=None)
        for minus_n, code in unmatched[:limit]
    ]
    without_offers = [
        JobRow(rome_code=code, label=job_label(code), offers=0, people=-minus_n)
        for minus_n, code in unoffered[:limit]
    ]
    return without_candidates, without_offers
