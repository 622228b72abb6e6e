"""ROME 4.0 appellations (job titles with their OGR code and ROME code), shipped as package data.

The one copy of the appellations in the package: the page autocomplete shows the short label (`label`),
the occupation linker (services/matching/linking) indexes the long one (`long_label`) and reads which
appellation is the fiche's principal one.

Source: France Travail, ROME v460, Licence Ouverte 2.0 (see common/data/rome_appellations_v460.LICENCE.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from common.text import normalise

# ROME 4.0 grands domaines: the first letter of the ROME code (demand analytics, the caseload's filter).
ROME_DOMAINS: dict[str, str] = {
    "A": "Agriculture et pêche, espaces naturels et espaces verts, soins aux animaux",
    "B": "Arts et façonnage d'ouvrages d'art",
    "C": "Banque, assurance, immobilier",
    "D": "Commerce, vente et grande distribution",
    "E": "Communication, média et multimédia",
    "F": "Construction, bâtiment et travaux publics",
    "G": "Hôtellerie-restauration, tourisme, loisirs et animation",
    "H": "Industrie",
    "I": "Installation et maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et logistique",
}


@dataclass(frozen=True)
class Appellation:
    code: str  # code OGR
    label: str  # short label (libelle_appellation_court): what forms and pages show
    rome_code: str
    long_label: str  # long label (libelle_appellation_long): what the occupation linker indexes
    principal: bool  # the fiche's principal appellation (classification PRINCIPALE), one per ROME code


@cache
def appellations() -> tuple[Appellation, ...]:
    text = resources.files("common.data").joinpath("rome_appellations_v460.csv").read_text(encoding="utf-8")
    return tuple(
        Appellation(
            code=row["code_ogr"],
            label=row["libelle"],
            rome_code=row["code_rome"],
            long_label=row["libelle_long"],
            principal=row["principale"] == "1",
        )
        for row in csv.DictReader(text.splitlines())
    )


@cache
def _normalised() -> tuple[tuple[str, Appellation], ...]:
    return tuple((normalise(a.label), a) for a in appellations())


@cache
def _by_code() -> dict[str, Appellation]:
    return {a.code: a for a in appellations()}


def appellation(code: str) -> Appellation | None:
    return _by_code().get(code)


def search_appellations(query: str, limit: int = 15) -> list[Appellation]:
    """Every word of the query must start a word of the label (accents and case ignored); labels that
    start with the query come first, then shorter ones."""
    words = normalise(query).split()
    if not words:
        return []
    found: list[tuple[tuple[int, int, str], Appellation]] = []
    for label, item in _normalised():
        label_words = label.split()
        if all(any(lw.startswith(w) for lw in label_words) for w in words):
            rank = (0 if label.startswith(words[0]) else 1, len(label), label)
            found.append((rank, item))
    found.sort(key=lambda pair: pair[0])
    return [item for _, item in found[:limit]]
