"""The demand report analysts read (GET /analytics/demand): aggregates only, small counts suppressed.

A count hidden by the suppression rules is null with `suppressed: true`; how rows are built and hidden is
matching's business (services/matching/domain/analytics.py).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class Row(BaseModel):
    key: str
    label: str
    offers: int | None
    openings: int | None
    suppressed: bool = False


class Cell(BaseModel):
    sector: str
    sector_label: str
    epci: str
    arrondissement: str
    month: str
    offers: int | None
    openings: int | None
    suppressed: bool = False


class SkillRow(BaseModel):
    skill: str
    demanded: int | None
    demanded_suppressed: bool = False
    available: int | None
    available_suppressed: bool = False


class CountRow(BaseModel):
    key: str
    label: str
    count: int | None
    suppressed: bool = False


class DemandReport(BaseModel):
    generated_on: date
    since: date | None
    threshold: int
    total: Row
    by_sector: list[Row]
    by_epci: list[Row]
    by_arrondissement: list[Row]
    by_month: list[Row]
    cells: list[Cell]
    skills: list[SkillRow]
    unfilled: list[Row]
    outcomes: list[CountRow]
    refusal_reasons: list[CountRow]
