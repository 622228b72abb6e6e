"""API shapes shared by several services (and so by the gateway's one OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
SkillText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


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
