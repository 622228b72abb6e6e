"""Where an offer is: INSEE code first, then coordinates, then the name *with* its département — a name
alone only inside the territory. An offer beyond the territory's reach band is refused, with the
distance said; nothing is ever moved to a same-named commune elsewhere."""

from __future__ import annotations

import re
from typing import Any

from common.geo import haversine_km
from common.territory import Commune, commune_named, communes_named, french_commune, nearest_commune
from common.text import normalise
from services.offers.importing.base import Collector, ImportContext

# France Travail's lieuTravail.libelle: "45 - Montargis", "91 - STE GENEVIEVE DES BOIS", "2A - Ajaccio",
# "971 - Les Abymes"; or a region or country alone ("Ile-de-France", "France").
DEPARTEMENT_PREFIX = re.compile(r"^\s*(\d{2,3}|2[AB])\s*-\s*(.*)$", re.IGNORECASE)
SAINT = re.compile(r"\b(ST|STE)\b", re.IGNORECASE)
OUT_OF_REACH = "hors du territoire"
OUT_OF_REACH_HIDDEN = "hors du territoire (gardée hors des suggestions)"


def split_libelle(libelle: str) -> tuple[str, str]:
    """'53 - OLIVET' → ('53', 'OLIVET'); 'Ile-de-France' → ('', 'Ile-de-France')."""
    match = DEPARTEMENT_PREFIX.match(libelle or "")
    if match:
        return match.group(1).upper(), match.group(2).strip()
    return "", (libelle or "").strip()


# France Travail locates some offers by a region or the country alone ("Ile-de-France", "France").
_REGIONS_AND_COUNTRY = frozenset(
    [
        "france",
        "ile de france",
        "centre val de loire",
        "bourgogne franche comte",
        "normandie",
        "hauts de france",
        "grand est",
        "pays de la loire",
        "bretagne",
        "nouvelle aquitaine",
        "occitanie",
        "auvergne rhone alpes",
        "provence alpes cote d azur",
        "corse",
        "guadeloupe",
        "martinique",
        "guyane",
        "la reunion",
        "mayotte",
    ]
)


def _named(name: str, departement: str, ctx: ImportContext) -> Commune | None:
    """By name in that département; without one, only a name unique among the territory's communes."""
    if not name:
        return None
    for spelling in (name, SAINT.sub(lambda m: "Saint" if len(m.group(1)) == 2 else "Sainte", name)):
        try:
            if departement:
                return commune_named(spelling, departement)
            inside = [c for c in communes_named(spelling) if ctx.territory.contains(c)]
            if len(inside) == 1:
                return inside[0]
        except KeyError:
            continue
    return None


def resolve(
    out: Collector,
    ctx: ImportContext,
    *,
    name: str = "",
    departement: str = "",
    code: str = "",
    lat: float | None = None,
    lon: float | None = None,
    field_name: str = "commune",
) -> dict[str, Any] | None:
    """The offer's location, or None with an error in `out`."""
    found: Commune | None = french_commune(code) if code else None
    if code and found is None:
        out.warn("code INSEE", f"code INSEE inconnu : {code} (lieu cherché autrement)", "code INSEE inconnu")
    if found is None and lat is not None and lon is not None:
        found = nearest_commune(lat, lon, max_km=10.0)
        named = _named(name, departement, ctx) if found is not None else None
        if named is not None and haversine_km(lat, lon, named.lat, named.lon) <= 10.0:
            found = named  # the point is near the named commune: its name is the better label
    if found is None:
        found = _named(name, departement, ctx)
    if found is None:
        where = f"{departement} - {name}" if departement else name or "(vide)"
        if not departement and not code and normalise(name or "") in _REGIONS_AND_COUNTRY:
            message = f"{where} : une région ou un pays seulement, trop imprécis pour situer l'offre et "
            out.error(field_name, message + "calculer une distance", "lieu trop imprécis")
            return None
        hint = "" if departement or code else " (donnez le code INSEE ou le département)"
        out.error(field_name, f"lieu introuvable : {where}{hint}", "lieu introuvable")
        return None
    if departement and found.departement != departement:
        out.warn(
            field_name, f"le lieu {departement} - {name} a été situé à {found.name} ({found.departement})"
        )
    reach = ctx.territory.reach(found)
    if not reach.within_band:
        area = ctx.territory.describe()
        where = f"{found.name} ({found.departement}) est à {reach.distance_km:.0f} km du {area}"
        band = f"la bande de {ctx.territory.band_km:.0f} km (MAILLAGE_REACH_BAND_KM)"
        if not ctx.territory.hide_beyond:
            out.error(field_name, f"{where}, au-delà de {band}", OUT_OF_REACH)
            return None
        out.warn(field_name, f"{where}, au-delà de {band} : importée, jamais proposée", OUT_OF_REACH_HIDDEN)
    return {
        "commune": found.name,
        "lat": lat if lat is not None else found.lat,
        "lon": lon if lon is not None else found.lon,
        "insee_code": found.insee_code,
    }
