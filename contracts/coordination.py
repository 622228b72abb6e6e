"""What a coordinator sees of the référents of their structure: counts per référent, never a person.

Matching answers the outcome counts (`ReferentOutcomes`), the profiles service the caseload sizes; the
gateway puts them together (`StructureFollowUp`) and hides every number of people below the disclosure
threshold (`DISCLOSURE_THRESHOLD`, the one the demand report applies).
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from pydantic import BaseModel, Field

# Counts of people from 1 to this minus one are hidden wherever they could point at someone.
DISCLOSURE_THRESHOLD = 5

# The periods a coordinator reads the follow-up over, in months (0: since the beginning), and the one shown
# first: a structure's activity of the year, and a page whose read does not grow with the years.
FOLLOWUP_PERIODS_MONTHS = (3, 6, 12, 0)
DEFAULT_FOLLOWUP_MONTHS = 12


def period_start(today: date, months: int) -> date | None:
    """The first day of the last `months` months up to `today`: the same day `months` months earlier
    (the month's last day when that month is shorter); None for 0, since the beginning."""
    if months <= 0:
        return None
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))


class ReferentOutcomes(BaseModel):
    """The proposals one référent made and what came of them."""

    referent: str
    proposals: int = Field(description="Offers proposed to a person.")
    answered: int = Field(description="Proposals that came to an outcome (accepted, refused, withdrawn).")
    accepted: int
    median_days_to_outcome: float | None = Field(description="From the proposal to its outcome.")


class OutcomesByReferent(BaseModel):
    items: list[ReferentOutcomes]


class ReferentFollowUp(BaseModel):
    """One référent's follow-up. A caseload of 1 to the threshold - 1 people is None, `suppressed`."""

    referent: str
    referent_name: str
    caseload: int | None
    caseload_suppressed: bool
    proposals: int
    answered: int
    accepted: int
    median_days_to_outcome: float | None


class StructureFollowUp(BaseModel):
    structure: str
    threshold: int
    months: int = Field(description="The period, in months up to today; 0: since the beginning.")
    since: date | None = Field(description="The first day of the period; None: since the beginning.")
    referents: list[ReferentFollowUp]
