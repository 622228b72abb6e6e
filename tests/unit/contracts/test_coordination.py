"""The period a coordinator reads the follow-up over: the same day N months earlier, clamped to the month's
end, or none (since the beginning)."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.coordination import DEFAULT_FOLLOWUP_MONTHS, FOLLOWUP_PERIODS_MONTHS, period_start


@pytest.mark.parametrize(
    ("today", "months", "start"),
    [
        (date(2026, 12, 1), 12, date(2025, 12, 1)),
        (date(2026, 12, 1), 3, date(2026, 9, 1)),
        (date(2026, 2, 15), 6, date(2025, 8, 15)),  # across the year
        (date(2026, 5, 31), 3, date(2026, 2, 28)),  # February is shorter
        (date(2028, 5, 31), 3, date(2028, 2, 29)),  # a leap year
        (date(2026, 1, 31), 1, date(2025, 12, 31)),
    ],
)
def test_a_period_starts_the_same_day_months_earlier(today: date, months: int, start: date) -> None:
    assert period_start(today, months) == start


def test_zero_months_is_since_the_beginning() -> None:
    assert period_start(date(2026, 12, 1), 0) is None


def test_the_default_period_is_one_of_the_choices() -> None:
    assert DEFAULT_FOLLOWUP_MONTHS in FOLLOWUP_PERIODS_MONTHS
