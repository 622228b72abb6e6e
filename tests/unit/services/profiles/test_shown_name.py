"""The name an employer sees on a card: only as far as the person allowed."""

from __future__ import annotations

import pytest

from contracts.profiles import EmployerSharing
from services.profiles.domain import shown_name


@pytest.mark.parametrize(
    ("display_name", "sharing", "shown"),
    [
        ("Sophie Martin", EmployerSharing.FIRST_NAME, "Sophie"),
        ("Sophie Martin", EmployerSharing.INITIALS, "S. M."),
        ("Jean-Pierre Durand", EmployerSharing.INITIALS, "J. P. D."),
        ("Sophie Martin", EmployerSharing.ANONYMOUS, None),
        ("Sophie Martin", EmployerSharing.NONE, None),
        ("M. Bernard", EmployerSharing.FIRST_NAME, "B."),  # a civility is no first name: initials
        ("Mme B.", EmployerSharing.INITIALS, "B."),
        ("M.", EmployerSharing.INITIALS, None),
    ],
)
def test_the_name_is_shown_only_as_far_as_agreed(
    display_name: str, sharing: EmployerSharing, shown: str | None
) -> None:
    assert shown_name(display_name, sharing) == shown
