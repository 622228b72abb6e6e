"""Query parameters the analytics routes share: one definition of the month and the area they accept."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

AreaQuery = Annotated[
    str | None,
    Query(
        max_length=60, description="`territoire`, `dep:45`, `epci:<SIREN>`, `commune:<INSEE>`, `groupe:<clé>`"
    ),
]
MonthQuery = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="The chosen month, YYYY-MM.")]
