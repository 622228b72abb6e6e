"""API shapes shared by several services (and so by the gateway's one OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
SkillText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


# Every entity id in Maillage is a short token (uuid4 hex for offers and profiles); anything else is refused
# at the edge, before it reaches a URL or a query.
EntityId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="Entity id.")]

# Read-your-writes: a read that must reflect at least this version of a profile (the `version` its last
# save returned). Optional, so clients that do not send it read as before.
MinVersion = Annotated[
    int | None,
    Query(
        ge=1,
        le=2_000_000_000,
        description="Answer from this version of the profile or a newer one: pass the `version` that "
        "the last PATCH returned to see its effect at once.",
    ),
]


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commune: ShortText = Field(description="Commune name, e.g. 'Montargis'.")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    insee_code: str | None = Field(
        default=None, pattern=r"^(\d{5}|2[AB]\d{3})$", description="INSEE commune code."
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000)
