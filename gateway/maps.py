"""Choropleth maps as inline SVG, drawn on the server: outlines + {code: value} → one SVG string.

One `<path>` per place (its rings drawn with the even-odd rule, so holes stay holes), coloured by quantile
class of its value, with a `<title>` that says the place and its value; places whose value is hidden or
unknown are hatched, never coloured. The whole map is a labelled image (role="img", aria-label) and its
numbers are also in the table under it. The projection is equirectangular around the places' mean
latitude: at the scale of a département or a region its distortion is below a pixel's worth.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from common.outlines import Outline

# Blues, light to dark (ColorBrewer "Blues" 5): each class is distinct, and every place also has a
# dark outline (STROKE, 12.6:1 on the lightest fill) so that even the lightest stands out from the page.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#2171b5", "#08306b")
STROKE = "#333333"
HATCH = "#595959"  # 7:1 on white
TEXT = "#1b1b1b"
Value = int | float | None


@dataclass(frozen=True)
class MapClass:
    low: float
    high: float
    colour: str


def fr_value(value: float) -> str:
    """12 345 for counts, 1,25 for ratios (French separators)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".replace(",", "\u202f").replace(".", ",")


def quantile_classes(values: Sequence[float], count: int = len(PALETTE)) -> list[MapClass]:
    """Up to `count` classes holding about as many places each; fewer when values repeat (five places
    at 0 make one class, not five). Colours spread over the whole palette, lightest for the lowest."""
    ordered = sorted(values)
    if not ordered:
        return []
    cuts = sorted(
        {ordered[min(len(ordered) - 1, math.ceil(len(ordered) * k / count) - 1)] for k in range(1, count + 1)}
    )
    lows = [ordered[0], *[_next_above(ordered, c) for c in cuts[:-1]]]
    step = (len(PALETTE) - 1) / max(1, len(cuts) - 1)
    return [
        MapClass(low, high, PALETTE[round(i * step)] if len(cuts) > 1 else PALETTE[len(PALETTE) // 2])
        for i, (low, high) in enumerate(zip(lows, cuts, strict=True))
    ]


def _next_above(ordered: Sequence[float], cut: float) -> float:
    return ordered[bisect_right(ordered, cut)]


def class_of(value: float, classes: Sequence[MapClass]) -> MapClass:
    """The first class whose upper bound holds the value (the last one above them all)."""
    return next((c for c in classes if value <= c.high), classes[-1])


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude → SVG pixels, fitting the outlines' bounds in `width`, north up."""

    west: float
    north: float
    scale: float  # pixels per degree of latitude
    shrink: float  # cos(mean latitude): a degree of longitude is shorter than one of latitude
    margin: float

    @classmethod
    def fitting(cls, outlines: Sequence[Outline], width: float, margin: float = 8) -> Projection:
        points = [p for o in outlines for ring in o.rings for p in ring]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        shrink = math.cos(math.radians((north + south) / 2))
        scale = (width - 2 * margin) / max((east - west) * shrink, 1e-9)
        return cls(west, north, scale, shrink, margin)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.margin + (lon - self.west) * self.shrink * self.scale,
            self.margin + (self.north - lat) * self.scale,
        )

    def height(self, south: float) -> float:
        return self.xy(self.west, south)[1] + self.margin


def _path(outline: Outline, projection: Projection) -> str:
    parts = []
    for ring in outline.rings:
        xy = [projection.xy(lon, lat) for lon, lat in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    return "".join(parts)


def _legend(classes: Sequence[MapClass], unit: str, top: float, hatch_id: str) -> tuple[str, float]:
    """The legend's SVG, under the map, and its height."""
    rows = [
        (
            c.colour,
            f"{fr_value(c.low)} à {fr_value(c.high)} {unit}"
            if c.low != c.high
            else f"{fr_value(c.low)} {unit}",
        )
        for c in classes
    ]
    rows.append((f"url(#{hatch_id})", "masqué ou sans donnée"))
    out = [f'<g class="map-legend" font-size="13" fill="{TEXT}">']
    for i, (fill, label) in enumerate(rows):
        y = top + 8 + i * 22
        out.append(
            f'<rect x="8" y="{y:.0f}" width="28" height="16" fill="{fill}" stroke="{STROKE}"/>'
            f'<text x="44" y="{y + 13:.0f}">{escape(label)}</text>'
        )
    out.append("</g>")
    return "".join(out), 16 + len(rows) * 22


def choropleth(
    outlines: Sequence[Outline],
    values: Mapping[str, Value],
    label: str,
    unit: str,
    width: int = 640,
    id_prefix: str = "carte",
) -> str:
    """The map of `outlines` coloured by `values` (code → value; None = hidden; absent = no data);
    `label` is its accessible name, `unit` follows each number ("offres")."""
    if not outlines:
        raise ValueError("a map needs at least one outline")
    projection = Projection.fitting(outlines, width)
    south = min(lat for o in outlines for ring in o.rings for _, lat in ring)
    map_height = projection.height(south)
    known = [float(v) for code, v in values.items() if v is not None and code in {o.code for o in outlines}]
    classes = quantile_classes(known)
    hatch_id = f"{id_prefix}-hachures"
    legend, legend_height = _legend(classes, unit, map_height, hatch_id)
    height = map_height + legend_height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" aria-label="{escape(label)}" '
        f'viewBox="0 0 {width} {height:.0f}" width="100%" preserveAspectRatio="xMidYMid meet">',
        f"<title>{escape(label)}</title>",
        f'<defs><pattern id="{hatch_id}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>',
        f'<g class="map-places" stroke="{STROKE}" stroke-width="0.6" stroke-linejoin="round">',
    ]
    for outline in outlines:
        value = values.get(outline.code)
        if value is None:
            fill = f"url(#{hatch_id})"
            said = "masqué" if outline.code in values else "sans donnée"
        else:
            fill = class_of(float(value), classes).colour
            said = f"{fr_value(value)} {unit}"
        out.append(
            f'<path d="{_path(outline, projection)}" fill="{fill}" fill-rule="evenodd" '
            f'data-code="{escape(outline.code)}">'
            f"<title>{escape(outline.name)} : {escape(said)}</title></path>"
        )
    out.extend(["</g>", legend, "</svg>"])
    return "".join(out)
