"""Labour demand as analysts read it: aggregates only, small counts suppressed.

The index answers raw buckets (commune × NAF × ROME × month, skills of active offers, active offers by
age); this module turns them into the dashboard's tables — sector (NAF section when the employer's NAF code
is known, else the ROME *grand domaine*), territory (EPCI and arrondissement from the commune's INSEE code)
and month — and hides every count below the threshold wherever it could point at a person (a private
employer, a person in a caseload, a refusal). When exactly one row of a table with a published total is
hidden, the next smallest is hidden too (complementary suppression), so subtraction cannot reveal it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from common.french_catalogue import OUTCOMES
from common.spreadsheet import SpreadsheetCsv
from common.territory import commune_by_code
from common.text import normalise
from contracts.analytics import Cell, CountRow, DemandReport, Row, SkillRow
from services.matching.domain.sectors import NAF_SECTIONS, sector_codes
from services.matching.ports import AGE_RANGES, AgeBucket, DemandBucket, IndexAggregates, IndexedOffer

THRESHOLD = 5
UNKNOWN = "inconnu"

# ROME 4.0 grands domaines: the first letter of the ROME code.
ROME_DOMAINS: dict[str, str] = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}

AGE_LABELS: dict[str, str] = {
    "0-30": "moins d'un mois",
    "31-60": "1 à 2 mois",
    "61-90": "2 à 3 mois",
    "90+": "plus de 3 mois",
}

MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


# -- classification ---------------------------------------------------------------------------------------
def naf_section(naf_code: str | None) -> str | None:
    if not naf_code or len(naf_code) < 2 or not naf_code[:2].isdigit():
        return None
    division = int(naf_code[:2])
    for section, (divisions, _) in NAF_SECTIONS.items():
        if division in divisions:
            return section
    return None


@cache
def sector_of(naf_code: str | None, rome_code: str | None) -> tuple[str, str]:
    """(key, French label): 'naf:I' when the NAF code is known, else 'rome:G', else 'inconnu'."""
    section = naf_section(naf_code)
    if section is not None:
        return f"naf:{section}", f"{NAF_SECTIONS[section][1]} (NAF {section})"
    letter = (rome_code or "")[:1].upper()
    if letter in ROME_DOMAINS:
        return f"rome:{letter}", f"{ROME_DOMAINS[letter]} (ROME {letter})"
    return UNKNOWN, "Secteur non renseigné"


OUTSIDE = "Hors territoire ou inconnu"


@cache
def territory_of(insee_code: str | None) -> tuple[str, str]:
    """(EPCI name, arrondissement) of a commune of the territory or its reach band; "Hors territoire ou
    inconnu" otherwise."""
    commune = commune_by_code(insee_code) if insee_code else None
    if commune is None:
        return OUTSIDE, OUTSIDE
    return commune.epci_name, commune.arrondissement


def month_key(month: date | None) -> str:
    return month.strftime("%Y-%m") if month else UNKNOWN


def month_label(key: str) -> str:
    if key == UNKNOWN:
        return "date inconnue"
    year, month = key.split("-")
    return f"{MONTHS_FR[int(month) - 1]} {year}"


# -- the same aggregation in Python, over documents (the local index uses it) ------------------------------
def aggregate_documents(
    docs: Iterable[IndexedOffer], today: date, since: date | None = None, top_skills: int = 50
) -> IndexAggregates:
    cells: dict[tuple[str | None, str | None, str | None, date | None], list[int]] = defaultdict(
        lambda: [0, 0]
    )
    skills: Counter[str] = Counter()
    ages = {key: [0, 0] for key, _, _ in AGE_RANGES}
    for doc in docs:
        published = doc.published_on
        if since is None or (published is not None and published >= since):
            month = published.replace(day=1) if published else None
            cell = cells[(doc.insee_code, *sector_codes(doc.naf_code, doc.rome_code), month)]
            cell[0] += 1
            cell[1] += doc.openings
        if doc.status != "active" or doc.expires_on < today:
            continue
        skills.update(set(doc.skills))
        if published is None:
            continue
        age = (today - published).days
        for key, low, high in AGE_RANGES:
            if age >= low and (high is None or age <= high):
                ages[key][0] += 1
                ages[key][1] += doc.openings
    buckets = [
        DemandBucket(insee, naf, rome, month, offers, openings)
        for (insee, naf, rome, month), (offers, openings) in cells.items()
    ]
    ranked = sorted(skills.items(), key=lambda item: (-item[1], item[0]))[:top_skills]
    unfilled = [AgeBucket(key, low, high, *ages[key]) for key, low, high in AGE_RANGES]
    return IndexAggregates(buckets=buckets, skills=ranked, unfilled=unfilled)


# -- the report -------------------------------------------------------------------------------------------
def hidden(count: int, threshold: int = THRESHOLD) -> bool:
    """Zero points at nobody; 1 to threshold-1 might."""
    return 0 < count < threshold


def suppress_rows(
    counts: Sequence[tuple[str, str, int, int]], threshold: int = THRESHOLD, total_published: bool = True
) -> list[Row]:
    """Rows (key, label, offers, openings) with small counts hidden, complementary suppression included."""
    flags = [hidden(offers, threshold) for _, _, offers, _ in counts]
    _complement(flags, [offers for _, _, offers, _ in counts], total_published)
    return [
        Row(key=k, label=label, offers=None, openings=None, suppressed=True)
        if flag
        else Row(key=k, label=label, offers=offers, openings=openings)
        for (k, label, offers, openings), flag in zip(counts, flags, strict=True)
    ]


def suppress_counts(
    counts: Sequence[tuple[str, str, int]], threshold: int = THRESHOLD, total_published: bool = True
) -> list[CountRow]:
    flags = [hidden(n, threshold) for _, _, n in counts]
    _complement(flags, [n for _, _, n in counts], total_published)
    return [
        CountRow(key=k, label=label, count=None if flag else n, suppressed=flag)
        for (k, label, n), flag in zip(counts, flags, strict=True)
    ]


def _complement(flags: list[bool], values: Sequence[int], total_published: bool) -> None:
    """With the total published, one hidden row could be recomputed: hide the smallest other one too."""
    if not total_published or sum(flags) != 1:
        return
    candidates = [i for i, (flag, v) in enumerate(zip(flags, values, strict=True)) if not flag and v > 0]
    if candidates:
        flags[min(candidates, key=lambda i: (values[i], i))] = True


# Each tally is [offers, openings]; the detail key is (sector key, sector label, EPCI, arrondissement, month).
_DetailKey = tuple[str, str, str, str, str]


@dataclass
class _Tallies:
    by_sector: defaultdict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(_zero))
    by_epci: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(_zero))
    by_arr: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(_zero))
    by_month: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(_zero))
    detail: defaultdict[_DetailKey, list[int]] = field(default_factory=lambda: defaultdict(_zero))
    total: list[int] = field(default_factory=lambda: [0, 0])


def _zero() -> list[int]:
    return [0, 0]


def _tally(buckets: Iterable[DemandBucket]) -> _Tallies:
    tallies = _Tallies()
    for bucket in buckets:
        sector = sector_of(bucket.naf_code, bucket.rome_code)
        epci, arrondissement = territory_of(bucket.insee_code)
        month = month_key(bucket.month)
        for target in (
            tallies.by_sector[sector],
            tallies.by_epci[epci],
            tallies.by_arr[arrondissement],
            tallies.by_month[month],
            tallies.detail[(sector[0], sector[1], epci, arrondissement, month)],
            tallies.total,
        ):
            target[0] += bucket.offers
            target[1] += bucket.openings
    return tallies


def _table(
    items: Iterable[tuple[str, str, list[int]]], threshold: int, order_by_key: bool = False
) -> list[Row]:
    rows = [(k, label, v[0], v[1]) for k, label, v in items]
    rows.sort(key=(lambda r: r[0]) if order_by_key else (lambda r: (-r[2], r[1])))
    return suppress_rows(rows, threshold)


def _detail_cells(detail: Mapping[_DetailKey, list[int]], threshold: int) -> list[Cell]:
    """The sector × EPCI × month cells, suppressed sector by sector (each sector's cells add up)."""
    cells: list[Cell] = []
    groups: dict[str, list[tuple[_DetailKey, list[int]]]] = defaultdict(list)
    for key, value in detail.items():
        groups[key[0]].append((key, value))
    for sector_key in sorted(groups):
        items = sorted(groups[sector_key], key=lambda kv: (kv[0][2], kv[0][4]))
        rows = suppress_rows([("", "", v[0], v[1]) for _, v in items], threshold)
        for ((_, sector_label, epci, arrondissement, month), _), row in zip(items, rows, strict=True):
            cells.append(
                Cell(
                    sector=sector_key,
                    sector_label=sector_label,
                    epci=epci,
                    arrondissement=arrondissement,
                    month=month,
                    offers=row.offers,
                    openings=row.openings,
                    suppressed=row.suppressed,
                )
            )
    return cells


def _skill_rows(
    demanded: Iterable[tuple[str, int]], profile_skills: Mapping[str, int], threshold: int
) -> list[SkillRow]:
    available: Counter[str] = Counter()
    for skill, n in profile_skills.items():
        available[normalise(skill)] += n
    skills = []
    for skill, n in demanded:
        have = available.get(normalise(skill), 0)
        skills.append(
            SkillRow(
                skill=skill,
                demanded=None if hidden(n, threshold) else n,
                demanded_suppressed=hidden(n, threshold),
                available=None if hidden(have, threshold) else have,
                available_suppressed=hidden(have, threshold),
            )
        )
    return skills


def build_report(
    aggregates: IndexAggregates,
    profile_skills: Mapping[str, int],
    outcomes: Mapping[str, int],
    refusals: Mapping[str, int],
    today: date,
    since: date | None = None,
    threshold: int = THRESHOLD,
    reason_labels: Mapping[str, str] | None = None,
) -> DemandReport:
    tallies = _tally(aggregates.buckets)
    total = tallies.total
    total_row = suppress_rows([("total", "Toutes offres", total[0], total[1])], threshold, False)[0]
    labels = reason_labels or {}
    return DemandReport(
        generated_on=today,
        since=since,
        threshold=threshold,
        total=total_row,
        by_sector=_table(((k, label, v) for (k, label), v in tallies.by_sector.items()), threshold),
        by_epci=_table(((k, k, v) for k, v in tallies.by_epci.items()), threshold),
        by_arrondissement=_table(((k, k, v) for k, v in tallies.by_arr.items()), threshold),
        by_month=_table(
            ((k, month_label(k), v) for k, v in tallies.by_month.items()), threshold, order_by_key=True
        ),
        cells=_detail_cells(tallies.detail, threshold),
        skills=_skill_rows(aggregates.skills, profile_skills, threshold),
        unfilled=suppress_rows(
            [(b.key, AGE_LABELS.get(b.key, b.key), b.offers, b.openings) for b in aggregates.unfilled],
            threshold,
        ),
        outcomes=suppress_counts(
            [(k, wording.tally, int(outcomes.get(k, 0))) for k, wording in OUTCOMES.items()],
            threshold,
            total_published=False,  # statuses are steps of one proposal, not a partition of a total
        ),
        refusal_reasons=suppress_counts(
            [(k, labels.get(k, k), int(n)) for k, n in sorted(refusals.items(), key=lambda kv: -kv[1])],
            threshold,
        ),
    )


def report_csv(report: DemandReport) -> str:
    """One flat table: section, key, label, offers, openings, suppressed (hidden counts left empty), for a
    French office (common.spreadsheet: `;`, a BOM, no cell that runs as a formula)."""
    sheet = SpreadsheetCsv()
    write = sheet.row
    write(["tableau", "cle", "libelle", "offres", "postes", "masque"])

    def number(value: int | None) -> str:
        return "" if value is None else str(value)

    def rows(section: str, items: Iterable[Row]) -> None:
        for r in items:
            suppressed = int(r.suppressed)
            write([section, r.key, r.label, number(r.offers), number(r.openings), suppressed])

    rows("total", [report.total])
    rows("secteur", report.by_sector)
    rows("epci", report.by_epci)
    rows("arrondissement", report.by_arrondissement)
    rows("mois", report.by_month)
    for c in report.cells:
        key = f"{c.sector}|{c.epci}|{c.month}"
        label = f"{c.sector_label} — {c.epci} — {month_label(c.month)}"
        write(["detail", key, label, number(c.offers), number(c.openings), int(c.suppressed)])
    for s in report.skills:
        write(
            [
                "competence_demandee",
                s.skill,
                s.skill,
                number(s.demanded),
                "",
                int(s.demanded_suppressed),
            ]
        )
        write(
            [
                "competence_disponible",
                s.skill,
                s.skill,
                number(s.available),
                "",
                int(s.available_suppressed),
            ]
        )
    rows("offres_non_pourvues", report.unfilled)
    for o in [*report.outcomes, *report.refusal_reasons]:
        write(["resultats", o.key, o.label, number(o.count), "", int(o.suppressed)])
    return sheet.text()
