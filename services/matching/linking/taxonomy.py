"""The reference taxonomies shipped with the package: ROME 4.0 (v460) and ESCO occupations in French.

Loaded lazily, once per process. The ROME appellations are the package's one copy, read through
`common.rome` (common/data/rome_appellations_v460.csv, see its LICENCE.md); the linker indexes their long
labels. The other files are in data/ here: see data/README.md for sources and licences.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from common import rome

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class RomeAppellation:
    code_ogr: str
    label: str  # the long label (common.rome.Appellation.long_label)
    code_rome: str
    principal: bool


@dataclass(frozen=True)
class RomeFiche:
    code_rome: str
    label: str
    parent_code: str


@dataclass(frozen=True)
class EscoOccupation:
    uri: str
    isco_group: str
    preferred_label: str
    alt_labels: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomies:
    appellations: tuple[RomeAppellation, ...]
    fiches: dict[str, RomeFiche]
    neighbours: dict[str, tuple[str, ...]]  # ROME code → neighbouring ROME codes (mobility), best first
    esco: tuple[EscoOccupation, ...]
    isco_labels: dict[str, str]  # ISCO code → label
    aliases: tuple[tuple[str, str], ...] = ()  # usual job-ad wording → appellation OGR code (curated)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def load() -> Taxonomies:
    appellations = tuple(
        RomeAppellation(a.code, a.long_label, a.rome_code, a.principal) for a in rome.appellations()
    )
    fiches = {
        r["code_rome"]: RomeFiche(r["code_rome"], r["libelle"], r["code_rome_parent"] or r["code_rome"])
        for r in _rows("rome_fiches.csv")
    }
    ordered: dict[str, list[tuple[int, str]]] = {}
    for r in _rows("rome_mobilite.csv"):
        ordered.setdefault(r["code_rome"], []).append((int(r["numero_ordre"] or 0), r["code_rome_cible"]))
    neighbours = {code: tuple(c for _, c in sorted(pairs)) for code, pairs in ordered.items()}
    esco = tuple(
        EscoOccupation(
            r["uri"],
            r["isco_group"],
            r["preferred_label"],
            tuple(a.strip() for a in r["alt_labels"].split(" | ") if a.strip()),
        )
        for r in _rows("esco_occupations.csv")
    )
    isco_labels = {r["code"]: r["label"] for r in _rows("isco_groups.csv")}
    aliases = tuple((r["alias"], r["code_ogr"]) for r in _rows("rome_aliases.csv"))
    return Taxonomies(appellations, fiches, neighbours, esco, isco_labels, aliases)


@lru_cache(maxsize=1)
def _isco_by_uri() -> dict[str, str]:
    return {r["uri"]: r["isco_group"] for r in _rows("esco_occupations.csv")}


def isco_code_of(uri: str) -> str | None:
    """The 4-digit ISCO group of an ESCO occupation URI, or the code of an ISCO group URI."""
    if "/esco/isco/C" in uri:
        return uri.rsplit("/C", 1)[-1]
    return _isco_by_uri().get(uri)
