"""API shapes shared by several services (and so by the gateway's one OpenAPI document)."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

T = TypeVar("T")


def _without_nul(value: str) -> str:
    # A NUL byte is never part of a French text; PostgreSQL refuses it in text columns (a 5xx at the
    # store), and other readers of the data (CSV, logs) may cut the text at it.
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed in a text")
    return value


WithoutNul = AfterValidator(_without_nul)
FreeText = Annotated[str, WithoutNul]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), WithoutNul]
SkillText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), WithoutNul]


def refuse_null(value: T) -> T:
    """For partial updates (PATCH), as a `mode="before"` field validator: a field left out keeps its
    value, but `null` for a field that always has one is a field error rather than a broken store."""
    if value is None:
        raise ValueError("null is not allowed here; leave the field out to keep its value")
    return value


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    commune: ShortText = Field(description="Commune name, e.g. 'Montargis'.")
    lat: float = Field(ge=-90, le=90, strict=True)
    lon: float = Field(ge=-180, le=180, strict=True)
    insee_code: str | None = Field(
        default=None, pattern=r"^(\d{5}|2[AB]\d{3})$", description="INSEE commune code."
    )


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
