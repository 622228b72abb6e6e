"""Build `common/data/territory_outlines.json`, the outlines the dashboard's map draws, from the shared
reference outlines (IGN Admin Express COG 2018, Licence Ouverte 2.0; see common/data/README.md).

    python -m scripts.build_outlines [--source /work/shared/data/territory/outlines]

Run once when the source changes; the produced file is committed and the product never reads the source.
The simplification keeps the map's neighbours joined: every ring is cut into arcs at its junctions (a
point with more than two distinct neighbours over all rings of the layer, as TopoJSON does), each shared
arc is simplified once by Douglas–Peucker and reused by both sides, then coordinates are rounded to a
grid of 1/1000 of a degree (≈ 100 m, well under a pixel on a département-wide map), each ring stored
as its first point then the steps between points (`common/outlines.py` reads it back).
"""

from __future__ import annotations

import argparse
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Point = tuple[float, float]
Ring = list[Point]

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/work/shared/data/territory/outlines")
TARGET = ROOT / "common" / "data" / "territory_outlines.json"
SCALE = 1000  # stored coordinates are integers: degrees × SCALE

# (layer, source file, code property, name property, tolerance in degrees, extra properties kept)
LAYERS: tuple[tuple[str, str, str, str, float, tuple[str, ...]], ...] = (
    ("commune", "communes_45_and_neighbours.geojson", "code_insee", "nom", 0.003, ("departement",)),
    ("epci", "epci_45_and_neighbours.geojson", "epci_siren", "epci_nom", 0.003, ()),
    ("departement", "departements_metropole.geojson", "code", "nom", 0.01, ()),
)
NOTICE = (
    "Contours simplifiés d'après IGN – Admin Express COG 2018 (gregoiredavid/france-geojson, commit "
    "5d34ee6), Licence Ouverte 2.0 ; communes 2026 d'après INSEE COG 2026 via Etalab "
    "decoupage-administratif. Produit par scripts/build_outlines.py."
)


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def douglas_peucker(line: Sequence[Point], tolerance: float, keep_one: bool = False) -> list[Point]:
    """The line's points within `tolerance` of it, ends kept; `keep_one` keeps the farthest inner point
    too, so that a ring made of two arcs never collapses to a segment."""
    if len(line) <= 2:
        return list(line)
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    first = True
    while stack:
        start, end = stack.pop()
        best, index = -1.0, -1
        for i in range(start + 1, end):
            distance = _segment_distance(line[i], line[start], line[end])
            if distance > best:
                best, index = distance, i
        if index > 0 and (best > tolerance or (first and keep_one)):
            keep[index] = True
            stack.extend([(start, index), (index, end)])
        first = False
    return [p for p, kept in zip(line, keep, strict=True) if kept]


def _open(ring: Sequence[Sequence[float]]) -> Ring:
    points = [(float(x), float(y)) for x, y in ring]
    return points[:-1] if len(points) > 1 and points[0] == points[-1] else points


def _junctions(rings: Sequence[Ring]) -> set[Point]:
    neighbours: defaultdict[Point, set[Point]] = defaultdict(set)
    for ring in rings:
        for i, point in enumerate(ring):
            neighbours[point].add(ring[i - 1])
            neighbours[point].add(ring[(i + 1) % len(ring)])
    return {p for p, near in neighbours.items() if len(near) > 2}


def _arcs(ring: Ring, junctions: set[Point]) -> list[Ring]:
    """The ring cut at its junctions (each arc from one junction to the next, both included); a ring
    without junction is one closed arc starting at its smallest point."""
    cuts = [i for i, p in enumerate(ring) if p in junctions]
    if not cuts:
        start = ring.index(min(ring))
        rotated = ring[start:] + ring[:start]
        return [[*rotated, rotated[0]]]
    rotated = ring[cuts[0] :] + ring[: cuts[0]]
    marks = [i - cuts[0] for i in cuts] + [len(ring)]
    closed = [*rotated, rotated[0]]
    return [closed[marks[k] : marks[k + 1] + 1] for k in range(len(marks) - 1)]


class ArcSimplifier:
    """Simplifies each arc once, in one canonical direction, so that both rings sharing it agree."""

    def __init__(self, tolerance: float) -> None:
        self.tolerance = tolerance
        self.done: dict[tuple[Point, ...], list[Point]] = {}

    def simplify(self, arc: Ring, keep_one: bool) -> list[Point]:
        forward, backward = tuple(arc), tuple(reversed(arc))
        key = min(forward, backward)
        if key not in self.done:
            self.done[key] = self._simplified(key, keep_one)
        found = self.done[key]
        return found if key == forward else found[::-1]

    def _simplified(self, arc: Sequence[Point], keep_one: bool) -> list[Point]:
        if arc[0] != arc[-1]:
            return douglas_peucker(arc, self.tolerance, keep_one)
        # A closed arc (a ring alone, or one junction): cut at its farthest point, each half keeping a
        # point of its own, so that the ring keeps four corners at least.
        far = max(range(len(arc)), key=lambda i: math.dist(arc[0], arc[i]))
        head = douglas_peucker(arc[: far + 1], self.tolerance, keep_one=True)
        return head + douglas_peucker(arc[far:], self.tolerance, keep_one=True)[1:]


def simplify_layer(rings_by_feature: Sequence[list[Ring]], tolerance: float) -> list[list[Ring]]:
    every_ring = [ring for rings in rings_by_feature for ring in rings]
    junctions = _junctions(every_ring)
    cut = [[_arcs(ring, junctions) for ring in rings] for rings in rings_by_feature]
    fragile = {  # arcs of rings with fewer than three arcs keep an inner point (no collapsed ring)
        min(tuple(arc), tuple(reversed(arc)))
        for rings in cut
        for arcs in rings
        if len(arcs) < 3
        for arc in arcs
    }
    simplifier = ArcSimplifier(tolerance)
    out: list[list[Ring]] = []
    for rings in cut:
        simplified = []
        for arcs in rings:
            ring: Ring = []
            for arc in arcs:
                keep_one = min(tuple(arc), tuple(reversed(arc))) in fragile
                ring.extend(simplifier.simplify(arc, keep_one)[:-1])
            simplified.append(ring)
        out.append(simplified)
    return out


def _quantised(ring: Ring) -> list[int]:
    flat: list[int] = []
    previous: tuple[int, int] | None = None
    for x, y in ring:
        point = (round(x * SCALE), round(y * SCALE))
        if point != previous:
            flat.extend(point)
            previous = point
    if len(flat) >= 4 and flat[:2] == flat[-2:]:
        flat = flat[:-2]
    # first point absolute, then the step from the previous one: small numbers, a third of the size
    return flat[:2] + [flat[i] - flat[i - 2] for i in range(2, len(flat))]


def _rings_of(geometry: dict[str, Any]) -> list[Ring]:
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [_open(ring) for polygon in polygons for ring in polygon]


def build_layer(
    path: Path, code_key: str, name_key: str, tolerance: float, extra: Sequence[str]
) -> list[dict[str, Any]]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    simplified = simplify_layer([_rings_of(f["geometry"]) for f in features], tolerance)
    shapes = []
    for feature, rings in zip(features, simplified, strict=True):
        props = feature["properties"]
        kept = [q for q in (_quantised(r) for r in rings) if len(q) >= 6]  # three points at least
        shapes.append(
            {"code": props[code_key], "name": props[name_key], **{k: props[k] for k in extra}, "rings": kept}
        )
    return sorted(shapes, key=lambda s: str(s["code"]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    layers = {}
    for layer, filename, code_key, name_key, tolerance, extra in LAYERS:
        layers[layer] = build_layer(args.source / filename, code_key, name_key, tolerance, extra)
        points = sum(len(r) // 2 for s in layers[layer] for r in s["rings"])
        print(f"{layer}: {len(layers[layer])} shapes, {points} points")
    payload = {"notice": NOTICE, "scale": SCALE, "layers": layers}
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    args.target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.target} ({len(text) // 1024} KB)")


if __name__ == "__main__":
    main()
