"""Commune autocomplete over the Loiret communes (name or postcode, accents and case ignored)."""

from __future__ import annotations

from common.territory import Commune, communes
from common.text import normalise


def search_communes(query: str, limit: int = 15) -> list[Commune]:
    text = normalise(query)
    if not text:
        return []
    found: list[tuple[tuple[int, int, str], Commune]] = []
    for commune in communes():
        name = normalise(commune.name)
        if name.startswith(text):
            rank = 0
        elif any(p.startswith(text.replace(" ", "")) for p in commune.postcodes):
            rank = 1
        elif text in name:
            rank = 2
        else:
            continue
        found.append(((rank, -commune.population, name), commune))
    found.sort(key=lambda pair: pair[0])
    return [c for _, c in found[:limit]]
