"""Commune autocomplete over the territory's communes and those of its reach band (name or postcode,
accents and case ignored); the territory's own communes come first, then by population."""

from __future__ import annotations

from common.territory import Commune, territory
from common.text import normalise


def search_communes(query: str, limit: int = 15) -> list[Commune]:
    text = normalise(query)
    if not text:
        return []
    area = territory()
    found: list[tuple[tuple[int, int, int, str], Commune]] = []
    for commune in area.reachable():
        name = normalise(commune.name)
        if name.startswith(text):
            rank = 0
        elif any(p.startswith(text.replace(" ", "")) for p in commune.postcodes):
            rank = 1
        elif text in name:
            rank = 2
        else:
            continue
        outside = 0 if area.contains(commune) else 1
        found.append(((rank, outside, -commune.population, name), commune))
    found.sort(key=lambda pair: pair[0])
    return [c for _, c in found[:limit]]
