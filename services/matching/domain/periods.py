"""The periods the dashboard compares, all counted on the offers' publication month: the chosen month, the
month before, the same month a year earlier, the rolling three months ending with it and the three before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.matching.domain.sectors import add_months, month_key, month_label


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: date  # first day of its first month
    last: date  # first day of its last month

    def holds(self, month: date | None) -> bool:
        return month is not None and self.first <= month <= self.last


def periods(month: date) -> list[Period]:
    chosen = month.replace(day=1)

    def one(key: str, at: date, label: str) -> Period:
        return Period(key, f"{label} ({month_label(month_key(at))})", at, at)

    def span(key: str, first: date, last: date, label: str) -> Period:
        start, end = month_label(month_key(first)), month_label(month_key(last))
        return Period(key, f"{label} ({start} – {end})", first, last)

    return [
        one("mois", chosen, "Mois choisi"),
        one("mois_precedent", add_months(chosen, -1), "Mois précédent"),
        one("annee_precedente", add_months(chosen, -12), "Même mois un an plus tôt"),
        span("trois_mois", add_months(chosen, -2), chosen, "3 mois glissants"),
        span("trois_mois_precedents", add_months(chosen, -5), add_months(chosen, -3), "3 mois précédents"),
    ]


def earliest(month: date) -> date:
    """The first month any period of `month` needs (what the index is asked for)."""
    return add_months(month.replace(day=1), -12)


def trend_months(month: date, count: int = 13) -> list[date]:
    """The months of the sector trends, oldest first, ending with the chosen one."""
    chosen = month.replace(day=1)
    return [add_months(chosen, offset) for offset in range(1 - count, 1)]


def parse_month(value: str | None, today: date) -> date:
    """`2026-11` → 2026-11-01; nothing → this month. ValueError for anything else."""
    if not value:
        return today.replace(day=1)
    year, _, month = value.partition("-")
    if len(year) != 4 or not year.isdigit() or not month.isdigit():
        raise ValueError(value)
    return date(int(year), int(month), 1)
