"""The Loiret communes (INSEE code, name, centroid, EPCI, arrondissement), shipped as package data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from common.geo import haversine_km
from common.text import normalise


@dataclass(frozen=True)
class Commune:
    insee_code: str
    name: str
    postcodes: tuple[str, ...]
    population: int
    lat: float
    lon: float
    epci_name: str
    arrondissement: str


@cache
def communes() -> tuple[Commune, ...]:
    text = resources.files("common.data").joinpath("loiret_communes.csv").read_text(encoding="utf-8")
    return tuple(
        Commune(
            insee_code=row["code_insee"],
            name=row["nom"],
            postcodes=tuple(row["codes_postaux"].split()),
            population=int(row["population"] or 0),
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            epci_name=row["epci_nom"],
            arrondissement=row["arrondissement"],
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def _by_name() -> dict[str, Commune]:
    return {normalise(c.name): c for c in communes()}


def commune_named(name: str) -> Commune:
    return _by_name()[normalise(name)]


def nearest_commune(lat: float, lon: float, max_km: float = 5.0) -> Commune | None:
    """The commune whose centroid is nearest, if within `max_km` (so points outside the Loiret get none)."""
    best = min(communes(), key=lambda c: haversine_km(lat, lon, c.lat, c.lon))
    return best if haversine_km(lat, lon, best.lat, best.lon) <= max_km else None


def commune_by_code(insee_code: str) -> Commune | None:
    return _by_code().get(insee_code)


@cache
def _by_code() -> dict[str, Commune]:
    return {c.insee_code: c for c in communes()}
