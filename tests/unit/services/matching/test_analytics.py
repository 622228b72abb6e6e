from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from common.errors import ValidationFailed
from contracts.analytics import DemandReport
from services.matching.domain.analytics import aggregate_documents, build_report
from services.matching.domain.analytics_export import COLUMNS, report_csv, report_xlsx
from services.matching.domain.demand_map import offers_by_place
from services.matching.domain.people import PersonFacts, people_grids
from services.matching.domain.periods import parse_month, periods
from services.matching.domain.sectors import sector_key, sector_label
from services.matching.domain.territories import default_groups, resolve_area
from services.matching.ports import IndexedOffer

TODAY = date(2026, 3, 15)
MONTH = date(2026, 3, 1)
GIEN, POILLY, MONTARGIS, AMILLY = "45155", "45254", "45208", "45004"
GROUPS = {g.key: g for g in default_groups()}


def offer(i: int, **kw: object) -> IndexedOffer:
    fields: dict[str, object] = {
        "id": f"o{i}",
        "version": 1,
        "title": "t",
        "description": "",
        "skills": ("plonge",),
        "kind": "job",
        "contract_type": "CDI",
        "hours_per_week": 35.0,
        "lat": 47.99,
        "lon": 2.73,
        "commune": "Montargis",
        "insee_code": MONTARGIS,
        "status": "active",
        "expires_on": date(2026, 6, 1),
        "conditions": (),
        "employer_id": "e",
        "employer_name": None,
        "rome_code": "G1605",
        "appellation_code": None,
        "openings": 2,
        "updated_at": "2026-03-01T00:00:00+00:00",
        "published_on": date(2026, 3, 1),
        "naf_code": None,
    }
    fields.update(kw)
    return IndexedOffer(**fields)  # type: ignore[arg-type]


def report_of(docs: list[IndexedOffer], people: list[PersonFacts], *keys: str) -> DemandReport:
    areas = [resolve_area(k, GROUPS) for k in keys or ("groupe:giennois",)]
    aggregates = aggregate_documents(docs, TODAY, None, {a.key: a.communes for a in areas})
    return build_report(aggregates, people_grids(people), {}, {}, TODAY, MONTH, areas)


def test_one_sector_classification_the_rome_domain() -> None:
    assert sector_key("G1605") == "rome:G" and sector_key(None) == "inconnu"
    assert sector_label("rome:K").endswith("(ROME K)")


def test_the_shipped_groups_are_the_priority_territories() -> None:
    giennois = resolve_area("groupe:giennois", GROUPS)
    assert GIEN in (giennois.communes or ()) and MONTARGIS not in (giennois.communes or ())
    assert giennois.epcis == {"244500211", "200068278"}
    assert resolve_area("commune:45155", GROUPS).epcis == frozenset()  # people are never counted by commune
    with pytest.raises(ValidationFailed):
        resolve_area("groupe:nowhere", GROUPS)


def test_periods_around_the_chosen_month() -> None:
    found = {p.key: (p.first, p.last) for p in periods(MONTH)}
    assert found["mois_precedent"] == (date(2026, 2, 1), date(2026, 2, 1))
    assert found["annee_precedente"] == (date(2025, 3, 1), date(2025, 3, 1))
    assert found["trois_mois"] == (date(2026, 1, 1), MONTH)
    assert parse_month("2025-12", TODAY) == date(2025, 12, 1) and parse_month(None, TODAY) == MONTH


def test_offers_are_never_hidden_and_counted_on_their_publication_month() -> None:
    docs = [offer(1, insee_code=GIEN), offer(2, insee_code=POILLY, published_on=date(2026, 2, 10))]
    docs += [offer(3, insee_code=GIEN, published_on=date(2025, 3, 3)), offer(4)]  # Montargis: elsewhere
    report = report_of(docs, [])
    area = report.areas[0]
    assert area.total.offers[:4] == [1, 1, 1, 2]  # March, February, March 2025, rolling three months
    assert {r.code: r.figures.offers[0] for r in area.by_epci} == {"244500211": 1}
    this_month = [b for b in aggregate_documents(docs, TODAY).places["tout"] if b.month == MONTH]
    places, _ = offers_by_place(this_month, "commune")  # the map's figures
    by_code = {p.code: (p.offers, p.openings) for p in places}
    assert (by_code[GIEN], by_code[MONTARGIS]) == ((1, 2), (1, 2))
    assert sum(p.offers for p in places) == 2


def test_people_figures_and_tension_follow_the_grid() -> None:
    docs = [offer(i, insee_code=GIEN, rome_code="G1602") for i in range(12)]
    people = [PersonFacts(GIEN, "G1602", ("G1603",), ("plonge",)) for _ in range(6)]
    people += [PersonFacts(POILLY, "K2204") for _ in range(3)]  # too few: published nowhere
    area = report_of(docs, people).areas[0]
    sectors = {s.key: s for s in area.by_sector}
    assert sectors["rome:G"].people_project == 6 and sectors["rome:G"].people_skills == 6
    assert sectors["rome:G"].tension == round(24 / 6, 2)  # 12 offers × 2 openings, per person
    assert "rome:K" not in sectors  # no offer, and its three people enter no figure: not even a row
    assert [j.rome_code for j in area.jobs_without_offers] == []
    assert {(s.skill, s.present) for s in area.skills_demanded} == {("plonge", 6)}


def test_csv_for_french_excel_and_for_tools() -> None:
    report = report_of([offer(1, insee_code=GIEN)], [])
    text = report_csv(report)
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))
    assert rows[0] == COLUMNS
    assert all(len(r) == len(COLUMNS) for r in rows)
    plain = report_csv(report, ",")
    assert not plain.startswith("\ufeff") and plain.splitlines()[0] == ",".join(COLUMNS)


FORMULAS = ['=HYPERLINK("http://x.test")', "+33 1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("skill", FORMULAS)
def test_no_export_cell_can_start_a_formula(skill: str) -> None:
    """A skill an employer posted, exported: in the CSV it gets a leading apostrophe (shown as text), in
    the XLSX it is a text cell, never a formula."""
    docs = [offer(i, skills=(skill,), insee_code=GIEN) for i in range(1, 7)]
    report = report_of(docs, [])
    text = report_csv(report)
    cells = [cell for row in csv.reader(io.StringIO(text[1:], newline=""), delimiter=";") for cell in row]
    assert any(cell == "'" + skill for cell in cells), cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    book = load_workbook(io.BytesIO(report_xlsx(report)))
    values = [c for row in book["donnees"].iter_rows() for c in row if c.value is not None]
    assert any(str(c.value).strip() == skill.strip() for c in values)  # XML turns a lone CR into LF
    assert all(c.data_type != "f" for c in values)
