from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from services.matching.domain.analytics import (
    aggregate_documents,
    build_report,
    hidden,
    naf_section,
    report_csv,
    sector_of,
    suppress_counts,
    suppress_rows,
    territory_of,
)
from services.matching.ports import IndexedOffer

TODAY = date(2026, 3, 15)


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
        "insee_code": "45208",
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


def test_sector_prefers_naf_section_then_rome_domain() -> None:
    assert naf_section("56.10A") == "I"
    assert naf_section("8810C") == "Q"
    assert sector_of("56.10A", "K2204") == ("naf:I", "Hébergement et restauration (NAF I)")
    assert sector_of(None, "K2204")[0] == "rome:K"
    assert sector_of(None, None)[0] == "inconnu"


def test_territory_comes_from_the_insee_code() -> None:
    epci, arrondissement = territory_of("45208")
    assert "Montargoise" in epci and arrondissement == "Montargis"
    assert territory_of("75056")[0] == "Hors territoire ou inconnu"  # Paris: beyond the default band


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_not() -> None:
    assert [hidden(n) for n in (0, 1, 4, 5)] == [False, True, True, False]
    rows = suppress_rows([("a", "A", 9, 12), ("b", "B", 5, 5), ("c", "C", 0, 0)], total_published=False)
    assert [(r.offers, r.suppressed) for r in rows] == [(9, False), (5, False), (0, False)]


def test_one_hidden_row_drags_the_next_smallest_with_it() -> None:
    """With the total published, a lone hidden cell could be recomputed by subtraction."""
    rows = suppress_rows([("a", "A", 20, 20), ("b", "B", 7, 7), ("c", "C", 3, 3)])
    assert [r.suppressed for r in rows] == [False, True, True]
    assert rows[1].offers is None and rows[1].openings is None
    counts = suppress_counts([("x", "X", 2), ("y", "Y", 30), ("z", "Z", 6)])
    assert [c.count for c in counts] == [None, 30, None]


def test_two_hidden_rows_need_no_complement() -> None:
    rows = suppress_rows([("a", "A", 20, 20), ("b", "B", 2, 2), ("c", "C", 3, 3)])
    assert [r.suppressed for r in rows] == [False, True, True]


def test_aggregate_and_report_from_documents() -> None:
    docs = [offer(i) for i in range(6)]
    docs += [offer(10, naf_code="56.10A", published_on=date(2026, 1, 5))]
    docs += [offer(11, status="closed", skills=("caisse",))]
    docs += [offer(12, insee_code="45155", published_on=date(2025, 11, 1))]  # Gien, old
    docs += [offer(20 + i, rome_code="K2204", skills=(), status="paused") for i in range(5)]
    aggregates = aggregate_documents(docs, TODAY)
    assert sum(b.offers for b in aggregates.buckets) == 14
    assert dict(aggregates.skills)["plonge"] == 8  # the closed offer's skills are not demand
    ages = {b.key: b.offers for b in aggregates.unfilled}
    assert ages == {"0-30": 6, "31-60": 0, "61-90": 1, "90+": 1}

    report = build_report(
        aggregates,
        {"Plonge": 3, "caisse": 7},
        {"proposed": 12, "refused": 3},
        {"not_mobile": 3},
        TODAY,
    )
    assert report.total.offers == 14 and report.total.openings == 28
    sectors = {r.key: r for r in report.by_sector}
    assert sectors["rome:G"].offers == 8
    assert sectors["naf:I"].suppressed and sectors["naf:I"].offers is None
    # rome:K (5) is not small, but hidden too: otherwise 14 - 8 - 5 would give naf:I away.
    assert sectors["rome:K"].suppressed
    skills = {s.skill: s for s in report.skills}
    assert skills["plonge"].demanded == 8
    assert skills["plonge"].available is None and skills["plonge"].available_suppressed
    outcomes = {o.key: o for o in report.outcomes}
    assert outcomes["proposed"].count == 12
    assert outcomes["refused"].suppressed
    assert all(c.suppressed == (c.offers is None) for c in report.cells)
    assert all(c.offers is None or c.offers >= 5 or c.offers == 0 for c in report.cells)


def test_since_filters_publication_but_not_unfilled_offers() -> None:
    docs = [offer(1, published_on=date(2025, 1, 1)), offer(2)]
    aggregates = aggregate_documents(docs, TODAY, since=date(2026, 1, 1))
    assert sum(b.offers for b in aggregates.buckets) == 1
    assert sum(b.offers for b in aggregates.unfilled) == 2


def test_csv_leaves_hidden_counts_empty() -> None:
    report = build_report(aggregate_documents([offer(1)], TODAY), {}, {}, {}, TODAY)
    lines = report_csv(report).splitlines()
    assert lines[0] == "\ufefftableau;cle;libelle;offres;postes;masque"
    assert "total;total;Toutes offres;;;1" in lines


@pytest.mark.parametrize("skill", ['=HYPERLINK("http://x.test")', "+33 1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_cannot_start_a_formula(skill: str) -> None:
    """French Excel reads `;`-separated UTF-8 with a BOM; a cell that starts like a formula is quoted
    with a leading apostrophe so the spreadsheet shows it as text instead of running it."""
    docs = [offer(i, skills=(skill,)) for i in range(1, 7)]
    report = build_report(aggregate_documents(docs, TODAY), {}, {}, {}, TODAY)
    text = report_csv(report)
    assert text.startswith("\ufeff")
    cells = [cell for row in csv.reader(io.StringIO(text[1:], newline=""), delimiter=";") for cell in row]
    assert any(cell == "'" + skill for cell in cells), cells
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
