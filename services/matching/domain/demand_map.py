"""Offers by place for the dashboard's map: every place of the territory at one level (commune, EPCI or
département), with its offers and openings published since a date — 0 where none was.

Offer and opening counts are public facts about job offers: they are not hidden (the map and its table
show them as they are); figures derived from people are not on the map.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from common.outlines import Level, place_code, territory_codes
from common.territory import Commune, french_commune, territory
from services.matching.ports import MonthCount


@dataclass(frozen=True)
class PlaceCount:
    code: str
    label: str
    offers: int
    openings: int


def _label(commune: Commune, level: Level) -> str:
    if level == "commune":
        return commune.name
    return commune.epci_name if level == "epci" else f"Département {commune.departement}"


def offers_by_place(by_commune: Iterable[MonthCount], level: Level) -> tuple[list[PlaceCount], int]:
    """(the territory's places ordered by code, offers published outside the territory or unplaced)."""
    tallies: dict[str, list[int]] = {code: [0, 0] for code in territory_codes(level)}
    labels: dict[str, str] = {}
    for commune in territory().members:
        code = place_code(commune, level)
        if code:
            labels.setdefault(code, _label(commune, level))
    outside = 0
    for bucket in by_commune:
        found = french_commune(bucket.key) if bucket.key else None
        code = place_code(found, level) if found is not None else ""
        if code not in tallies:
            outside += bucket.offers
            continue
        tallies[code][0] += bucket.offers
        tallies[code][1] += bucket.openings
    places = [PlaceCount(code, labels[code], *tallies[code]) for code in sorted(tallies)]
    return places, outside
