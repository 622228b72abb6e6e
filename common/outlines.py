"""Outlines of places for maps: communes and EPCI of the Loiret and its neighbouring départements, and the
départements of metropolitan France, simplified at build time (`scripts/build_outlines.py`) and shipped as
`common/data/territory_outlines.json` (IGN Admin Express COG 2018, Licence Ouverte 2.0).

`territory_outlines(level)` gives the outlines of the configured territory's places at that level, or
None when some of them have no shipped outline (a deployment outside the shipped area): pages then show
the table alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from common.territory import Commune, territory

Level = Literal["commune", "epci", "departement"]
LEVELS: tuple[Level, ...] = ("epci", "commune", "departement")
LonLat = tuple[float, float]


@dataclass(frozen=True)
class Outline:
    code: str
    name: str
    rings: tuple[tuple[LonLat, ...], ...]  # outer rings and holes alike: drawn with the even-odd rule


@dataclass(frozen=True)
class OutlineSet:
    notice: str
    shapes: dict[str, Outline]


def _rings(encoded: Iterable[list[int]], scale: float) -> tuple[tuple[LonLat, ...], ...]:
    rings = []
    for flat in encoded:
        x, y = 0, 0
        points = []
        for i in range(0, len(flat), 2):
            x, y = (flat[0], flat[1]) if i == 0 else (x + flat[i], y + flat[i + 1])
            points.append((x / scale, y / scale))
        rings.append(tuple(points))
    return tuple(rings)


@cache
def shipped(level: Level) -> OutlineSet:
    """Every shipped outline of that level, by code (read once)."""
    raw = json.loads(
        resources.files("common.data").joinpath("territory_outlines.json").read_text(encoding="utf-8")
    )
    scale = float(raw["scale"])
    shapes = {
        str(s["code"]): Outline(str(s["code"]), str(s["name"]), _rings(s["rings"], scale))
        for s in raw["layers"][level]
    }
    return OutlineSet(str(raw["notice"]), shapes)


def place_code(commune: Commune, level: Level) -> str:
    """The code of the commune's place at that level (its own INSEE code, its EPCI's SIREN, its
    département)."""
    if level == "commune":
        return commune.insee_code
    return commune.epci_siren if level == "epci" else commune.departement


def territory_codes(level: Level) -> set[str]:
    """The places of the configured territory at that level (communes without an EPCI left out)."""
    return {code for c in territory().members if (code := place_code(c, level))}


def territory_outlines(level: Level) -> OutlineSet | None:
    """The territory's outlines at that level, or None when any of its places has no shipped outline."""
    wanted = territory_codes(level)
    known = shipped(level)
    if not wanted or not wanted <= known.shapes.keys():
        return None
    return OutlineSet(known.notice, {code: known.shapes[code] for code in sorted(wanted)})
