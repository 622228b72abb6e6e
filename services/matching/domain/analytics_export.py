"""The demand report as one flat table — the same rows in the CSV and the XLSX, and the same figures as
the API: withheld people figures are empty cells, with `masque` = 1 on their row."""

from __future__ import annotations

from collections.abc import Iterator

from common.spreadsheet import SEPARATOR, SpreadsheetCsv, Value, xlsx_bytes
from contracts.analytics import AreaReport, DemandReport, Figures

COLUMNS = [
    "territoire",
    "tableau",
    "code",
    "libelle",
    "periode",
    "offres",
    "postes",
    "personnes_projet",
    "personnes_competences",
    "tension",
    "masque",
]
WHOLE_SERVICE = "tout le service"


def _masked(*people: int | None) -> int:
    return int(any(p is None for p in people))


def _by_period(
    report: DemandReport, area: str, table: str, code: str, label: str, figures: Figures
) -> Iterator[list[Value]]:
    for i, period in enumerate(report.periods):
        yield [
            area,
            table,
            code,
            label,
            period.key,
            figures.offers[i],
            figures.openings[i],
            None,
            None,
            None,
            0,
        ]


def _place_rows(report: DemandReport, found: AreaReport) -> Iterator[list[Value]]:
    area = found.area.label
    yield from _by_period(report, area, "total", found.area.key, area, found.total)
    for s in found.by_sector:
        for row in _by_period(report, area, "secteur", s.key, s.label, s.figures):
            tension = {"trois_mois": s.tension, "trois_mois_precedents": s.tension_before}.get(str(row[4]))
            row[7:] = [s.people_project, s.people_skills, tension, _masked(s.people_project, s.people_skills)]
            yield row
    for p in found.by_epci:
        for row in _by_period(report, area, "epci", p.code, p.label, p.figures):
            row[7], row[10] = p.people_project, _masked(p.people_project)
            yield row
    for p in found.by_commune:
        yield from _by_period(report, area, "commune", p.code, p.label, p.figures)


def _list_rows(report: DemandReport, found: AreaReport) -> Iterator[list[Value]]:
    area = found.area.label
    for t in found.trend:
        for month, n in zip(report.trend_months, t.offers, strict=True):
            yield [area, "tendance", t.key, t.label, month, n, None, None, None, None, 0]
    skill_tables = (
        ("competence_demandee", found.skills_demanded),
        ("competence_presente", found.skills_present),
    )
    for table, skills in skill_tables:
        for k in skills:
            yield [
                area,
                table,
                k.skill,
                k.skill,
                "",
                k.demanded,
                None,
                k.present,
                None,
                None,
                _masked(k.present),
            ]
    job_tables = (
        ("metier_sans_candidat", found.jobs_without_candidates),
        ("metier_sans_offre", found.jobs_without_offers),
    )
    for table, jobs in job_tables:
        for j in jobs:
            yield [
                area,
                table,
                j.rome_code,
                j.label,
                "trois_mois",
                j.offers,
                None,
                j.people,
                None,
                None,
                _masked(j.people),
            ]
    for u in found.unfilled:
        yield [area, "anciennete", u.key, u.label, "", u.offers, u.openings, None, None, None, 0]


def report_rows(report: DemandReport) -> list[list[Value]]:
    rows: list[list[Value]] = [list(COLUMNS)]
    for found in report.areas:
        rows.extend(_place_rows(report, found))
        rows.extend(_list_rows(report, found))
    for table, counts in (("resultats", report.outcomes), ("motifs_refus", report.refusal_reasons)):
        for c in counts:
            rows.append(
                [WHOLE_SERVICE, table, c.key, c.label, "", None, None, c.count, None, None, int(c.suppressed)]
            )
    return rows


def report_csv(report: DemandReport, separator: str = SEPARATOR) -> str:
    """`;`, decimal commas and a BOM for French Excel; `,` for tools (common.spreadsheet)."""
    sheet = SpreadsheetCsv(separator)
    for row in report_rows(report):
        sheet.row(row)
    return sheet.text()


def report_xlsx(report: DemandReport) -> bytes:
    periods = [["periode", "libelle", "premier_mois", "dernier_mois"]]
    periods += [[p.key, p.label, p.first.isoformat(), p.last.isoformat()] for p in report.periods]
    note = [
        ["note"],
        [f"Rapport du {report.generated_on.isoformat()}, mois choisi {report.month}."],
        ["Offres et postes : publics, jamais masqués."],
        [f"Personnes : chiffre vide (masque = 1) quand il n'est pas publiable (seuil {report.threshold})."],
    ]
    return xlsx_bytes([("donnees", report_rows(report)), ("periodes", periods), ("lisez-moi", note)])
