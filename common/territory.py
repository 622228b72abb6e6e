"""The territory a deployment serves, as configuration: every French commune ships as package data
(INSEE code, name, centroid, EPCI, arrondissement, département, région); `MAILLAGE_TERRITORY` says which
of them are the territory (département codes and/or EPCI SIREN codes, or `all`) and
`MAILLAGE_REACH_BAND_KM` how far beyond its border offers are still accepted — people near the border
work on the other side of it (Montargis → Nemours, Gien → Cosne-Cours-sur-Loire).

Places are resolved by INSEE code first, then by coordinates, then by name *with* its département; a
name alone is only trusted inside the territory, where names are unique.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.geo import haversine_km
from common.text import normalise

DEFAULT_TERRITORY = "45"
DEFAULT_REACH_BAND_KM = 40.0
DEFAULT_TIME_ZONE = "Europe/Paris"
_CELL_DEG = 0.25  # grid cell of the nearest-commune lookup (~28 km × 18 km in metropolitan France)


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
    departement: str = ""
    region: str = ""
    epci_siren: str = ""


class TerritorySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MAILLAGE_", extra="ignore")

    territory: str = DEFAULT_TERRITORY
    reach_band_km: float = DEFAULT_REACH_BAND_KM
    # Offers beyond the band: `refuse` them (with the reason), or `hide` them (stored, never suggested).
    beyond_reach: Literal["refuse", "hide"] = "refuse"
    # The territory's clock (an IANA name): what day it is there decides which offers have expired, where a
    # period starts, how long ago a contact was. An overseas département sets its own (America/Guadeloupe,
    # Indian/Reunion…); an unknown name stops the process at start.
    time_zone: str = DEFAULT_TIME_ZONE

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"MAILLAGE_TIME_ZONE : fuseau inconnu « {value} » / unknown time zone (e.g. Europe/Paris)"
            ) from exc
        return value


@cache
def all_communes() -> tuple[Commune, ...]:
    """Every French commune (2026 COG), read once from the shipped CSV."""
    text = resources.files("common.data").joinpath("france_communes.csv").read_text(encoding="utf-8")
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
            departement=row["departement"],
            region=row["region"],
            epci_siren=row["epci_siren"],
        )
        for row in csv.DictReader(text.splitlines())
    )


@dataclass(frozen=True)
class Reach:
    """Where a commune stands: inside the territory, in the band around it, or beyond."""

    commune: Commune
    distance_km: float  # 0 inside the territory
    inside: bool
    within_band: bool


@dataclass
class Territory:
    """A set of communes and the band around them where offers are still accepted."""

    spec: str
    band_km: float
    members: tuple[Commune, ...]
    everything: bool = False
    hide_beyond: bool = False
    _codes: frozenset[str] = field(default_factory=frozenset, repr=False)
    _points: np.ndarray | None = field(default=None, repr=False)
    _reach: dict[str, Reach] = field(default_factory=dict, repr=False)
    _reachable: tuple[Commune, ...] | None = field(default=None, repr=False)

    def contains(self, commune: Commune) -> bool:
        return self.everything or commune.insee_code in self._codes

    def reach(self, commune: Commune) -> Reach:
        """Distance from the commune's centroid to the nearest territory commune's centroid (cached)."""
        known = self._reach.get(commune.insee_code)
        if known is not None:
            return known
        if self.contains(commune) or self._points is None:
            found = Reach(commune, 0.0, True, True)
        else:
            distance = float(_distances_km(self._points, commune.lat, commune.lon).min())
            found = Reach(commune, round(distance, 1), False, distance <= self.band_km)
        self._reach[commune.insee_code] = found
        return found

    def reachable(self) -> tuple[Commune, ...]:
        """The territory's communes, then those of the band around it (what forms may offer)."""
        if self._reachable is None:
            if self.everything or self._points is None:
                self._reachable = self.members
            else:
                pad_lat = self.band_km / 111.0
                pad_lon = self.band_km / (
                    111.0 * max(math.cos(math.radians(float(self._points[:, 0].max()))), 0.1)
                )
                low, high = self._points.min(axis=0), self._points.max(axis=0)
                near = [
                    c
                    for c in all_communes()
                    if not self.contains(c)
                    and low[0] - pad_lat <= c.lat <= high[0] + pad_lat
                    and low[1] - pad_lon <= c.lon <= high[1] + pad_lon
                ]
                self._reachable = self.members + tuple(c for c in near if self.reach(c).within_band)
        return self._reachable

    def describe(self) -> str:
        return "toute la France" if self.everything else f"territoire {self.spec}"


def _distances_km(points: np.ndarray, lat: float, lon: float) -> np.ndarray:
    lat1, lon1 = np.radians(points[:, 0]), np.radians(points[:, 1])
    lat2, lon2 = math.radians(lat), math.radians(lon)
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * math.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return np.asarray(6371.0 * 2 * np.arcsin(np.sqrt(a)))


class UnknownTerritory(ValueError):
    """A territory code that is neither a département nor an EPCI."""


def build_territory(
    spec: str, band_km: float = DEFAULT_REACH_BAND_KM, hide_beyond: bool = False
) -> Territory:
    """`45`, `45,77`, `244500203` (an EPCI SIREN), `45,200023240`, or `all`."""
    codes = [c.strip().upper() for c in spec.replace(";", ",").split(",") if c.strip()]
    if not codes:
        raise UnknownTerritory("MAILLAGE_TERRITORY est vide : indiquez des codes de département ou d'EPCI")
    if "ALL" in codes:
        return Territory("all", band_km, all_communes(), everything=True, hide_beyond=hide_beyond)
    departements = {c.departement for c in all_communes()}
    epcis = {c.epci_siren for c in all_communes() if c.epci_siren}
    unknown = [c for c in codes if c not in departements and c not in epcis]
    if unknown:
        raise UnknownTerritory(f"code de territoire inconnu (ni département ni EPCI) : {', '.join(unknown)}")
    wanted = set(codes)
    members = tuple(c for c in all_communes() if c.departement in wanted or c.epci_siren in wanted)
    points = np.array([(c.lat, c.lon) for c in members], dtype=float)
    codes_inside = frozenset(c.insee_code for c in members)
    return Territory(
        ",".join(codes), band_km, members, hide_beyond=hide_beyond, _codes=codes_inside, _points=points
    )


@cache
def territory() -> Territory:
    """The configured territory (MAILLAGE_TERRITORY, MAILLAGE_REACH_BAND_KM), read once per process."""
    settings = TerritorySettings()
    return build_territory(settings.territory, settings.reach_band_km, settings.beyond_reach == "hide")


def territory_today() -> date:
    """Today's date on the territory's clock (MAILLAGE_TIME_ZONE): the one definition of « today »."""
    return datetime.now(_territory_zone()).date()


def territory_midnight(day: date) -> datetime:
    """The instant `day` begins on the territory's clock (where a period of days starts)."""
    return datetime.combine(day, time.min, tzinfo=_territory_zone())


@cache
def _territory_zone() -> ZoneInfo:
    return ZoneInfo(TerritorySettings().time_zone)


def communes() -> tuple[Commune, ...]:
    """The communes of the configured territory (the Loiret's 325 by default)."""
    return territory().members


@cache
def _by_code() -> dict[str, Commune]:
    return {c.insee_code: c for c in all_communes()}


def french_commune(insee_code: str) -> Commune | None:
    """Any French commune by its INSEE code (to resolve a place, and say how far it is)."""
    return _by_code().get(insee_code.strip().upper())


def commune_by_code(insee_code: str) -> Commune | None:
    """A commune of the territory or of its reach band — the places this deployment works with (forms,
    dashboard tables); None for the rest of France."""
    found = french_commune(insee_code)
    return found if found is not None and territory().reach(found).within_band else None


@cache
def _by_name() -> dict[str, tuple[Commune, ...]]:
    found: dict[str, list[Commune]] = defaultdict(list)
    for c in all_communes():
        found[normalise(c.name)].append(c)
    return {k: tuple(v) for k, v in found.items()}


def communes_named(name: str) -> tuple[Commune, ...]:
    """Every French commune of that name (59 names of the Loiret exist elsewhere too)."""
    return _by_name().get(normalise(name), ())


def commune_named(name: str, departement: str | None = None) -> Commune:
    """The commune of that name in that département; without a département, the one of the territory
    (or the only one in France). KeyError when it is unknown or ambiguous."""
    candidates = communes_named(name)
    if departement:
        candidates = tuple(c for c in candidates if c.departement == departement.strip().upper())
    else:
        local = tuple(c for c in candidates if territory().contains(c))
        candidates = local or candidates
    if len(candidates) != 1:
        raise KeyError(name)
    return candidates[0]


@cache
def _grid() -> dict[tuple[int, int], tuple[Commune, ...]]:
    cells: dict[tuple[int, int], list[Commune]] = defaultdict(list)
    for c in all_communes():
        cells[_cell(c.lat, c.lon)].append(c)
    return {k: tuple(v) for k, v in cells.items()}


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / _CELL_DEG), math.floor(lon / _CELL_DEG)


def nearest_commune(lat: float, lon: float, max_km: float = 5.0) -> Commune | None:
    """The French commune whose centroid is nearest the point, if within `max_km` (≤ 15 km)."""
    row, column = _cell(lat, lon)
    near = [c for dr in (-1, 0, 1) for dc in (-1, 0, 1) for c in _grid().get((row + dr, column + dc), ())]
    if not near:
        return None
    best = min(near, key=lambda c: haversine_km(lat, lon, c.lat, c.lon))
    return best if haversine_km(lat, lon, best.lat, best.lon) <= min(max_km, 15.0) else None
