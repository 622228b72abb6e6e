"""The dashboard's map section: offers by place of the territory as a choropleth drawn on the server,
with the same numbers in a table under it (gateway/web/dashboard_map.html, included by dashboard.html).

The map shows whatever territory the deployment serves (common.territory); where its outlines are not
shipped (common.outlines), the section shows the table alone and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from common import french_catalogue as fr
from common.outlines import Level, territory_codes, territory_outlines
from gateway import maps

DEFAULT_LEVEL: Level = "epci"


def levels() -> list[Level]:
    """The levels worth choosing for this territory: EPCI and commune, and département when it spans
    several."""
    chosen: list[Level] = ["epci", "commune"]
    if len(territory_codes("departement")) > 1:
        chosen.append("departement")
    return chosen


def chosen_level(value: str | None) -> Level:
    """The ?carte= level when it is one on offer; anything else means the default."""
    for level in levels():
        if value == level:
            return level
    return DEFAULT_LEVEL


@dataclass(frozen=True)
class MapSection:
    level: Level
    places: list[dict[str, Any]]
    outside: int
    svg: Markup | None  # None: no shipped outline for this territory at this level
    notice: str
    levels: list[tuple[str, str]]
    place_head: str
    no_outlines: str = fr.MAP_NO_OUTLINES


def map_section(answer: dict[str, Any], level: Level) -> MapSection:
    """The section for the API's answer (GET /api/v1/analytics/demand/map)."""
    head = fr.MAP_LEVEL_LABELS[level][1]
    outlines = territory_outlines(level)
    svg = None
    notice = ""
    if outlines is not None:
        values = {p["code"]: p["offers"] for p in answer["places"]}
        title = f"Carte des offres publiées par {head.lower()}"
        svg = Markup(maps.choropleth(list(outlines.shapes.values()), values, title, "offres"))
        notice = outlines.notice
    return MapSection(
        level=level,
        places=answer["places"],
        outside=int(answer["outside"]),
        svg=svg,
        notice=notice,
        levels=[(key, fr.MAP_LEVEL_LABELS[key][0]) for key in levels()],
        place_head=head,
    )
