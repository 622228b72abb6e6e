"""The shipped outlines and how they were simplified (scripts/build_outlines.py): shared borders are
simplified once, so neighbours stay joined; rings never collapse; the territory's places are all there."""

from __future__ import annotations

import math

import pytest

from common import outlines
from common.outlines import place_code, shipped, territory_codes, territory_outlines
from common.territory import territory
from scripts.build_outlines import _quantised, douglas_peucker, simplify_layer


def wiggle(n: int) -> list[tuple[float, float]]:
    """A border from (0, 0) to (0, 1) with small bumps (under 0.01) and one big bump (0.3)."""
    return [(0.005 * math.sin(i) + (0.3 if i == n // 2 else 0.0), i / n) for i in range(n + 1)]


def test_douglas_peucker_keeps_what_is_beyond_the_tolerance() -> None:
    line = wiggle(20)
    kept = douglas_peucker(line, 0.01)
    assert kept[0] == line[0] and kept[-1] == line[-1]
    assert line[10] in kept
    assert len(kept) < 6
    assert len(douglas_peucker([(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)], 0.1, keep_one=True)) == 3


def test_a_shared_border_is_simplified_alike_on_both_sides() -> None:
    border = wiggle(40)
    left = [*border, (-1.0, 1.0), (-1.0, 0.0)]  # (0,0) up the border, then around the left square
    right = [*reversed(border), (1.0, 0.0), (1.0, 1.0)]
    [[simple_left], [simple_right]] = simplify_layer([[left], [right]], 0.01)
    shared_left = [p for p in simple_left if p in border]
    shared_right = [p for p in simple_right if p in border]
    assert sorted(shared_left) == sorted(shared_right)
    assert len(shared_left) < len(border)


def test_a_ring_alone_never_collapses() -> None:
    thin = [(0.0, 0.0), (1.0, 0.0), (1.0, 0.001), (0.0, 0.001)]
    [[ring]] = simplify_layer([[thin]], 0.5)
    assert len(set(ring)) >= 3


def test_stored_rings_are_steps_from_their_first_point() -> None:
    assert _quantised([(1.0, 2.0), (1.0015, 2.0), (1.003, 2.002), (1.0, 2.0)]) == [1000, 2000, 2, 0, 1, 2]


def test_every_place_of_the_territory_has_an_outline() -> None:
    for level in ("commune", "epci", "departement"):
        outlines = territory_outlines(level)
        assert outlines is not None
        assert set(outlines.shapes) == territory_codes(level)
    orleans = next(c for c in territory().members if c.name == "Orléans")
    assert place_code(orleans, "commune") == "45234"
    assert shipped("commune").shapes["45234"].name == "Orléans"
    lon, lat = shipped("commune").shapes["45234"].rings[0][0]
    assert 1.8 < lon < 2.0 and 47.8 < lat < 48.0


def test_a_territory_without_shipped_outlines_gets_none(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "13055" not in shipped("commune").shapes  # Marseille: not shipped
    monkeypatch.setattr(outlines, "territory_codes", lambda level: {"13055"})
    assert outlines.territory_outlines("commune") is None
