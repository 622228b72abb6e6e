"""The codes an offer's sector is read from: NAF rév. 2 sections by two-digit division, and the part of
an offer's codes its sector depends on (what the demand aggregations group by: see `sector_codes`).
`analytics.sector_of` names the sector."""

from __future__ import annotations

# NAF rév. 2 sections, from the two-digit division.
NAF_SECTIONS: dict[str, tuple[range, str]] = {
    "A": (range(1, 4), "Agriculture, sylviculture et pêche"),
    "B": (range(5, 10), "Industries extractives"),
    "C": (range(10, 34), "Industrie manufacturière"),
    "D": (range(35, 36), "Production et distribution d'électricité, de gaz et de vapeur"),
    "E": (range(36, 40), "Eau, assainissement, gestion des déchets et dépollution"),
    "F": (range(41, 44), "Construction"),
    "G": (range(45, 48), "Commerce ; réparation d'automobiles et de motocycles"),
    "H": (range(49, 54), "Transports et entreposage"),
    "I": (range(55, 57), "Hébergement et restauration"),
    "J": (range(58, 64), "Information et communication"),
    "K": (range(64, 67), "Activités financières et d'assurance"),
    "L": (range(68, 69), "Activités immobilières"),
    "M": (range(69, 76), "Activités spécialisées, scientifiques et techniques"),
    "N": (range(77, 83), "Activités de services administratifs et de soutien"),
    "O": (range(84, 85), "Administration publique"),
    "P": (range(85, 86), "Enseignement"),
    "Q": (range(86, 89), "Santé humaine et action sociale"),
    "R": (range(90, 94), "Arts, spectacles et activités récréatives"),
    "S": (range(94, 97), "Autres activités de services"),
    "T": (range(97, 99), "Activités des ménages en tant qu'employeurs"),
    "U": (range(99, 100), "Activités extra-territoriales"),
}

# Every NAF division (two digits) that names a section: the aggregations keep only those digits.
NAF_DIVISIONS: frozenset[str] = frozenset(
    f"{d:02d}" for divisions, _ in NAF_SECTIONS.values() for d in divisions
)


def sector_codes(naf_code: str | None, rome_code: str | None) -> tuple[str | None, str | None]:
    """The part of an offer's codes its sector depends on — the NAF division when it names a section,
    else the ROME letter — so that aggregations make one bucket per sector, not per code:
    `sector_of(*sector_codes(n, r)) == sector_of(n, r)` (adapters/es_demand.py reads Elasticsearch's
    buckets with it)."""
    division = (naf_code or "")[:2]
    if division in NAF_DIVISIONS:
        return division, None
    return None, (rome_code or "")[:1].upper() or None
