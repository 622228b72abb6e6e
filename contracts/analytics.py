"""The demand report analysts read (GET /analytics/demand): aggregates only.

Offer and opening counts are public and always given. A figure about people is null when the disclosure
policy withholds it (docs/analytics.md); how figures are built and withheld is matching's business
(services/matching/domain/).
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class PeriodOut(BaseModel):
    key: str
    label: str
    first: date
    last: date


class AreaOut(BaseModel):
    key: str
    label: str
    communes: int | None  # None: every French commune
    people_epcis: list[str] = Field(description="Names of the EPCI whose people the figures count.")


class Figures(BaseModel):
    """Offers and openings, one per period of the report (same order as `periods`)."""

    offers: list[int]
    openings: list[int]


class SectorRow(BaseModel):
    key: str
    label: str
    figures: Figures
    people_project: int | None  # people whose main project is in the sector
    people_skills: int | None  # people whose skills fit the sector
    tension: float | None = Field(description="Openings of the rolling 3 months per person (project).")
    tension_before: float | None = Field(description="The same for the 3 months before.")


class PlaceRow(BaseModel):
    code: str  # EPCI SIREN or commune INSEE code
    label: str
    figures: Figures
    people_project: int | None = None  # EPCI only


class TrendRow(BaseModel):
    key: str
    label: str
    offers: list[int]  # one per month of `trend_months`


class SkillRow(BaseModel):
    skill: str
    demanded: int | None  # active offers citing it
    present: int | None  # people having it


class JobRow(BaseModel):
    rome_code: str
    label: str
    offers: int  # offers of the rolling 3 months
    people: int | None


class Row(BaseModel):
    key: str
    label: str
    offers: int
    openings: int


class CountRow(BaseModel):
    key: str
    label: str
    count: int | None
    suppressed: bool = False


class AreaReport(BaseModel):
    area: AreaOut
    total: Figures
    by_sector: list[SectorRow]
    by_epci: list[PlaceRow]
    by_commune: list[PlaceRow]
    trend: list[TrendRow]
    skills_demanded: list[SkillRow]
    skills_present: list[SkillRow]
    jobs_without_candidates: list[JobRow]
    jobs_without_offers: list[JobRow]
    unfilled: list[Row]


class DemandReport(BaseModel):
    generated_on: date
    month: str
    threshold: int
    periods: list[PeriodOut]
    trend_months: list[str]
    areas: list[AreaReport]
    outcomes: list[CountRow]
    refusal_reasons: list[CountRow]


class TerritoryGroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    epcis: list[str] = Field(default_factory=list, max_length=200)
    communes: list[str] = Field(default_factory=list, max_length=2000)


class TerritoryGroupOut(TerritoryGroupIn):
    key: str


class AreaChoice(BaseModel):
    key: str
    label: str
