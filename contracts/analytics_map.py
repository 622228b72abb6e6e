"""The dashboard's map data (GET /analytics/demand/map): offers and openings by place of the territory.

Offer and opening counts are public (never hidden); `outside` counts the offers published beyond the
territory or without a known place, which no place of the map holds.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

MapLevel = Literal["commune", "epci", "departement"]


class MapPlace(BaseModel):
    code: str
    label: str
    offers: int
    openings: int


class DemandMap(BaseModel):
    level: MapLevel
    generated_on: date
    since: date | None
    places: list[MapPlace]
    outside: int
