"""The Loiret communes (INSEE code, name, centroid, EPCI, arrondissement), shipped as package data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.matching.domain.ranking import normalise


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
    text = resources.files("maillage.data").joinpath("loiret_communes.csv").read_text(encoding="utf-8")
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
