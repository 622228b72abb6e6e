"""Differencing attacks on the published demand report, on random caseloads (hypothesis).

Two claims of docs/analytics.md, tried on every table one query publishes (sectors, EPCI, skills, métiers,
the CSV) and on every area a user can ask for or combine (each EPCI, nested groups, overlapping groups, the
département, a commune):

1. Subtracting published people figures — a group minus a nested one, two overlapping filters, a total
   minus its rows, a domain minus its métiers — never gives a number from 1 to threshold − 1.
2. Stronger: for every atom below the threshold, another caseload where that atom is different publishes
   exactly the same report, byte for byte, in every area: nothing in the output pins it down.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from itertools import combinations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from common.territory import all_communes
from contracts.analytics import AreaReport, DemandReport
from services.matching.domain.analytics import aggregate_documents, build_report
from services.matching.domain.analytics_export import report_csv
from services.matching.domain.disclosure import THRESHOLD
from services.matching.domain.people import PersonFacts, people_grids
from services.matching.domain.sectors import sector_key
from services.matching.domain.territories import Area, TerritoryGroup, resolve_area
from tests.factories import indexed_offer

TODAY = date(2026, 3, 15)
MONTH = date(2026, 3, 1)
# Montargois, Giennois and Pithiverais EPCI and Orléans Métropole: one commune of each.
EPCIS = [
    "244500203",
    "200067676",
    "244500419",
    "244500211",
    "200068278",
    "200066280",
    "200071850",
    "244500468",
]
COMMUNE_OF = {e: min(c.insee_code for c in all_communes() if c.epci_siren == e) for e in EPCIS}
JOBS = ["G1602", "G1603", "G1605", "K2204", "K2205", "N1101", "N1103"]  # two or more métiers per domain
SKILLS = ["plonge", "caisse", "cariste", "accueil"]

people_strategy = st.lists(
    st.builds(
        PersonFacts,
        # Most people in two EPCI where domains K and N have no offer, so métiers "without offers" and
        # their domains are published side by side; the rest anywhere.
        insee_code=st.sampled_from(
            [COMMUNE_OF[EPCIS[0]]] * 4 + [COMMUNE_OF[EPCIS[4]]] * 3 + [COMMUNE_OF[e] for e in EPCIS]
        ),
        project=st.sampled_from([*JOBS, None]),
        skill_fits=st.lists(st.sampled_from(JOBS), max_size=2, unique=True).map(tuple),
        skills=st.lists(st.sampled_from(SKILLS), max_size=3, unique=True).map(lambda s: tuple(sorted(s))),
    ),
    max_size=150,
)
group_strategy = st.lists(
    st.lists(st.sampled_from(EPCIS), min_size=1, max_size=6, unique=True), min_size=2, max_size=3
)


def groups_of(drawn: list[list[str]]) -> dict[str, TerritoryGroup]:
    return {f"g{i}": TerritoryGroup(f"g{i}", f"Groupe {i}", tuple(epcis)) for i, epcis in enumerate(drawn)}


def areas_of(groups: dict[str, TerritoryGroup]) -> list[Area]:
    keys = ["dep:45", "territoire", *(f"epci:{e}" for e in EPCIS), f"commune:{COMMUNE_OF[EPCIS[3]]}"]
    keys += [f"groupe:{k}" for k in groups]
    return [resolve_area(k, groups) for k in keys]


OFFERS = [
    indexed_offer(id=f"o{i}-{j}", commune="Gien", rome_code=job, published_on=MONTH, insee_code=COMMUNE_OF[e])
    for i, e in enumerate(EPCIS)
    for j, job in enumerate(JOBS[: 2 + i % 4])
]


def publish(people: list[PersonFacts], groups: dict[str, TerritoryGroup]) -> list[DemandReport]:
    areas = areas_of(groups)
    aggregates = aggregate_documents(OFFERS, TODAY, None, {a.key: a.communes for a in areas})
    grids = people_grids(people)
    return [build_report(aggregates, grids, {}, {}, TODAY, MONTH, [a]) for a in areas]


def outputs(people: list[PersonFacts], groups: dict[str, TerritoryGroup]) -> list[str]:
    return [r.model_dump_json() + report_csv(r) for r in publish(people, groups)]


def figures(area: AreaReport) -> dict[str, int]:
    """Every people figure of the area's tables, by name (a withheld figure reads as 0: it says nothing)."""
    found = {f"sector:{s.key}": s.people_project or 0 for s in area.by_sector}
    found |= {f"fits:{s.key}": s.people_skills or 0 for s in area.by_sector}
    found |= {f"epci:{p.code}": p.people_project or 0 for p in area.by_epci}
    found |= {f"skill:{s.skill}": s.present or 0 for s in area.skills_demanded}
    found |= {f"job:{j.rome_code}": j.people or 0 for j in area.jobs_without_offers}
    return found


def small(n: int) -> bool:
    return 0 < n < THRESHOLD


# The attack, seeded: 9 people aim at domain K in one EPCI, 6 of them at one métier without offers
# there; and 12 people in the Pithiverais, 3 of them in one of its two EPCI.
SEEDED = (
    [PersonFacts(COMMUNE_OF[EPCIS[0]], "K2204")] * 6
    + [PersonFacts(COMMUNE_OF[EPCIS[0]], "K2205")] * 3
    + [PersonFacts(COMMUNE_OF[EPCIS[5]], "G1602")] * 3
    + [PersonFacts(COMMUNE_OF[EPCIS[6]], "G1602")] * 9
)
SEEDED_GROUPS = [[EPCIS[5], EPCIS[6]], [EPCIS[6], EPCIS[0]]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=people_strategy, drawn=group_strategy)
@example(people=SEEDED, drawn=SEEDED_GROUPS)
def test_no_difference_of_published_figures_is_small(
    people: list[PersonFacts], drawn: list[list[str]]
) -> None:
    groups = groups_of(drawn)
    reports = publish(people, groups)
    by_area = {r.areas[0].area.key: figures(r.areas[0]) for r in reports}
    for report in reports:
        found = by_area[report.areas[0].area.key]
        assert not any(small(n) for n in found.values())
        # Margins: the EPCI table and the sector table add up to the same people.
        epcis = sum(n for k, n in found.items() if k.startswith("epci:"))
        sectors = sum(n for k, n in found.items() if k.startswith("sector:"))
        assert epcis == sectors
        # A domain minus its métiers published beside it.
        for key, n in found.items():
            if key.startswith("sector:"):
                parts = sum(
                    m for k, m in found.items() if k.startswith("job:") and sector_key(k[4:]) == key[7:]
                )
                assert not small(n - parts)
    # Nested areas: the difference of the same figure between an area and one inside it is the figure of
    # the people of the one outside the other, so it must not be small either. (Between two areas side by
    # side, a difference is no population's figure; overlapping groups are checked through their union.)
    counted = {area.key: area for area in areas_of(groups)}
    for (key_a, first), (key_b, second) in combinations(by_area.items(), 2):
        outer, inner = counted[key_a].epcis, counted[key_b].epcis
        if not (inner <= outer or outer <= inner):
            continue
        for key in first.keys() | second.keys():
            assert not small(abs(first.get(key, 0) - second.get(key, 0))), (key_a, key_b, key)
    # Two overlapping groups: A + B − (A ∪ B) is their intersection's figure.
    union = TerritoryGroup("union", "Union", tuple(dict.fromkeys(drawn[0] + drawn[1])))
    joined = figures(publish(people, {"union": union})[-1].areas[0])
    a, b = by_area["groupe:g0"], by_area["groupe:g1"]
    for key in a.keys() | b.keys():
        assert not small(abs(a.get(key, 0) + b.get(key, 0) - joined.get(key, 0))), key


def moved(people: list[PersonFacts], index: int, job: str | None) -> list[PersonFacts]:
    return [replace(p, project=job) if i == index else p for i, p in enumerate(people)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=people_strategy, drawn=group_strategy)
@example(people=SEEDED, drawn=SEEDED_GROUPS)
def test_every_small_atom_has_a_twin_caseload_publishing_the_same(
    people: list[PersonFacts], drawn: list[list[str]]
) -> None:
    groups = groups_of(drawn)
    published = outputs(people, groups)
    atoms: dict[tuple[str | None, str | None], list[int]] = {}
    for i, p in enumerate(people):
        atoms.setdefault((p.insee_code, p.project), []).append(i)
    for (commune, job), members in atoms.items():
        if not small(len(members)):
            continue
        # Move one person of the small atom to another métier of the same domain, or one person of another
        # métier of that domain into it, or add one more person: the atom changes, the report must not.
        twins = [[*people, PersonFacts(commune, job)]] if small(len(members) + 1) else []
        if job is not None:
            domain = sector_key(job)
            twins += [
                moved(people, members[0], other)
                for other in JOBS
                if other != job and sector_key(other) == domain
            ]
            twins += [
                moved(people, i, job)
                for i, p in enumerate(people)
                if p.insee_code == commune
                and p.project not in (job, None)
                and sector_key(p.project) == domain
            ]
        if job is None and not twins:
            continue  # T − 1 people with no project, and no spare slot to move one to: claim 1 covers it
        assert any(outputs(twin, groups) == published for twin in twins), (commune, job, len(members))
    for skill in SKILLS:
        for commune in {p.insee_code for p in people}:
            holders = [i for i, p in enumerate(people) if p.insee_code == commune and skill in p.skills]
            if small(len(holders)):
                dropped = [
                    replace(p, skills=tuple(s for s in p.skills if s != skill)) if i == holders[0] else p
                    for i, p in enumerate(people)
                ]
                assert outputs(dropped, groups) == published, (commune, skill)
