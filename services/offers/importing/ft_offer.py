"""One France Travail *Offres d'emploi v2* record → an OfferCreate, field by field (docs/importing.md)."""

from __future__ import annotations

import re
from typing import Any

from common.rome import search_appellations
from common.text import normalise
from services.offers.importing.base import Collector, ImportContext, ParsedRow
from services.offers.importing.ft_records import RawRecord
from services.offers.importing.ft_vocabulary import (
    ROME_SOURCE,
    conditions_of,
    expiry_fallback,
    expiry_from,
    ft_contract,
    hours_of,
    parse_ft_datetime,
)
from services.offers.importing.places import resolve, split_libelle

CONTACT_KEYS = (
    "nom",
    "coordonnees1",
    "coordonnees2",
    "coordonnees3",
    "telephone",
    "courriel",
    "commentaire",
    "urlRecruteur",
    "urlPostulation",
)
SOURCE_PREFIX = "ft:"


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any, limit: int) -> str | None:
    text = str(value).strip() if isinstance(value, (str, int, float)) else ""
    return text[:limit] if text else None


def ft_row(raw: RawRecord, ctx: ImportContext) -> ParsedRow:
    record = raw.value if isinstance(raw.value, dict) else {}
    source = str(record.get("id") or "").strip()
    out = Collector(raw.number, raw.line, source)
    if raw.problem:
        out.error("json", raw.problem, "JSON illisible")
        return out.finish({})
    if not isinstance(raw.value, dict):
        out.error("enregistrement", "une offre (objet JSON) était attendue", "pas une offre")
        return out.finish({})
    if not source:
        out.error("id", "identifiant de l'offre absent", "identifiant absent")
    data: dict[str, Any] = {"source_id": f"{SOURCE_PREFIX}{source}"}
    data.update(_what(record))
    data["location"] = _where(record, out, ctx)
    data.update(_contract(record, out))
    data["hours_per_week"] = hours_of(record, out)
    data["conditions"] = conditions_of(record, out)
    data.update(_dates(record, out, ctx))
    data.update(_occupation(record))
    data.update(_employer(record))
    return out.finish(data)


def _what(r: dict[str, Any]) -> dict[str, Any]:
    skills = [
        str(c["libelle"])[:120]
        for c in r.get("competences") or []
        if isinstance(c, dict) and c.get("libelle")
    ]
    openings = r.get("nombrePostes")
    return {
        "title": str(r.get("intitule") or "").strip()[:200],
        "description": str(r.get("description") or "")[:10_000],
        "skills": skills[:50],
        "openings": openings if isinstance(openings, int) and openings >= 1 else 1,
    }


def _where(r: dict[str, Any], out: Collector, ctx: ImportContext) -> dict[str, Any] | None:
    place = _dict(r.get("lieuTravail"))
    departement, name = split_libelle(str(place.get("libelle") or ""))
    lat, lon = place.get("latitude"), place.get("longitude")
    return resolve(
        out,
        ctx,
        name=name,
        departement=departement,
        code=str(place.get("commune") or "").strip(),
        lat=float(lat) if isinstance(lat, (int, float)) else None,
        lon=float(lon) if isinstance(lon, (int, float)) else None,
        field_name="lieuTravail",
    )


def _contract(r: dict[str, Any], out: Collector) -> dict[str, Any]:
    found, original = ft_contract(r, out)
    if found is None:
        return {}
    return {
        "contract_type": found.contract.value,
        "kind": found.kind.value,
        "source_contract": original[:120],
    }


def _dates(r: dict[str, Any], out: Collector, ctx: ImportContext) -> dict[str, Any]:
    published = parse_ft_datetime(r.get("dateCreation"))
    updated = parse_ft_datetime(r.get("dateActualisation"))
    for key, value in (("dateCreation", published), ("dateActualisation", updated)):
        if r.get(key) and value is None:
            out.warn(key, f"date illisible : « {str(r[key])[:40]} »", "date illisible")
    if published is None:
        out.warn(
            "dateCreation",
            "date de publication absente : l'offre comptera au mois de l'import",
            "date absente",
        )
    return {
        "published_at": published,
        "source_updated_at": updated,
        "expires_on": expiry_from(published, updated) or expiry_fallback(ctx.today),
    }


def _occupation(r: dict[str, Any]) -> dict[str, Any]:
    rome = _text(r.get("romeCode"), 5)
    label = _text(r.get("appellationlibelle"), 200)
    data: dict[str, Any] = {"rome_code": rome, "rome_source": ROME_SOURCE if rome else None}
    if label:
        data["appellation_label"] = label
        wanted = normalise(label)
        same = [a for a in search_appellations(label, 50) if normalise(a.label) == wanted]
        same = [a for a in same if a.rome_code == rome] or same if rome else same
        if len(same) >= 1:
            data["appellation_code"] = same[0].code
    return data


def _web_url(value: Any) -> str | None:
    """Only http(s) addresses are kept: they become links on the offer sheet."""
    text = _text(value, 500)
    return text if text and re.match(r"^https?://\S+$", text) else None


def _employer(r: dict[str, Any]) -> dict[str, Any]:
    company = _dict(r.get("entreprise"))
    contact = {k: str(v)[:500] for k, v in _dict(r.get("contact")).items() if k in CONTACT_KEYS and v}
    siret = str(company.get("siret") or r.get("siret") or "").replace(" ", "")
    return {
        "employer_name": _text(company.get("nom"), 200),
        "employer_url": _web_url(company.get("url")),
        "employer_description": _text(company.get("description"), 4_000),
        "siret": siret or None,
        "naf_code": _text(r.get("codeNAF"), 6),
        "contact": contact or None,
        "origin_url": _web_url(_dict(r.get("origineOffre")).get("urlOrigine")),
    }
