"""Bulk import of offers: CSV and France Travail *Offres d'emploi v2* JSON records, parsed and validated row
by row before anything is written. Each row gives an OfferCreate or a list of errors (line, field, message).

Pure parsing: the offers service writes the valid rows in one transaction (OffersService.create_many).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from common.territory import Commune, commune_by_code, commune_named, nearest_commune
from common.vocabulary import ContractType, WorkCondition
from services.offers.schemas import OfferCreate

Progress = Callable[[int, int], None]


class ImportFormat(StrEnum):
    CSV = "csv"
    FT_JSON = "ft-json"


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ParsedRow:
    line: int
    offer: OfferCreate | None
    errors: list[RowError] = field(default_factory=list)


CSV_COLUMNS = (
    "source_id",
    "title",
    "description",
    "commune",
    "insee_code",
    "lat",
    "lon",
    "contract_type",
    "hours_per_week",
    "skills",
    "openings",
    "expires_on",
    "conditions",
    "kind",
    "rome_code",
    "appellation_code",
    "employer_name",
    "siret",
    "naf_code",
)
REQUIRED_CSV_COLUMNS = ("source_id", "title", "contract_type", "hours_per_week")
LIST_SEPARATOR = re.compile(r"\s*[;|]\s*")

# France Travail typeContrat codes → Maillage contracts.
FT_CONTRACTS: dict[str, ContractType] = {
    "CDI": ContractType.CDI,
    "CDD": ContractType.CDD,
    "MIS": ContractType.INTERIM,
    "DIN": ContractType.INTERIM,
    "SAI": ContractType.SAISONNIER,
    "DDI": ContractType.CDDI,
}
FULL_TIME_HOURS = 35.0


def detect_format(name: str, head: str) -> ImportFormat:
    lowered = name.lower()
    if lowered.endswith((".json", ".jsonl", ".ndjson")) or head.lstrip().startswith(("[", "{")):
        return ImportFormat.FT_JSON
    return ImportFormat.CSV


def parse(text: str, fmt: ImportFormat, progress: Progress | None = None) -> list[ParsedRow]:
    return parse_csv(text, progress) if fmt == ImportFormat.CSV else parse_ft_json(text, progress)


# -- shared -----------------------------------------------------------------------------------------------
def _validate(line: int, data: dict[str, Any], errors: list[RowError]) -> ParsedRow:
    if errors:
        return ParsedRow(line, None, errors)
    try:
        return ParsedRow(line, OfferCreate.model_validate(data))
    except ValidationError as exc:
        for err in exc.errors():
            name = ".".join(str(p) for p in err.get("loc", ())) or "ligne"
            errors.append(RowError(line, name, str(err.get("msg", "valeur invalide"))))
        return ParsedRow(line, None, errors)


def _commune(
    line: int,
    name: str,
    code: str,
    lat: float | None,
    lon: float | None,
    errors: list[RowError],
    field_name: str = "commune",
) -> dict[str, Any] | None:
    """A location from an INSEE code, a commune name or coordinates (the Loiret communes)."""
    found: Commune | None = None
    if code:
        found = commune_by_code(code)
        if found is None and not (lat is not None and lon is not None):
            errors.append(RowError(line, "insee_code", f"code INSEE inconnu dans le Loiret : {code}"))
            return None
    if found is None and name:
        try:
            found = commune_named(name)
        except KeyError:
            found = None
    if found is None and lat is not None and lon is not None:
        found = nearest_commune(lat, lon)
        if found is None:
            return {"commune": name or "Hors Loiret", "lat": lat, "lon": lon}
    if found is None:
        errors.append(RowError(line, field_name, f"commune introuvable dans le Loiret : {name or '(vide)'}"))
        return None
    return {
        "commune": found.name,
        "lat": lat if lat is not None else found.lat,
        "lon": lon if lon is not None else found.lon,
        "insee_code": found.insee_code,
    }


def _number(line: int, name: str, raw: str, errors: list[RowError]) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        errors.append(RowError(line, name, f"nombre attendu, reçu « {raw} »"))
        return None


def _items(raw: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(raw.strip()) if part] if raw.strip() else []


# -- CSV --------------------------------------------------------------------------------------------------
def parse_csv(text: str, progress: Progress | None = None) -> list[ParsedRow]:
    """Header line first; lists (skills, conditions) separated by ';' or '|'; the commune by name or by
    INSEE code (coordinates optional, taken from the commune's centroid). Lines are the file's lines."""
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    delimiter = ";" if sample.splitlines()[0].count(";") > sample.splitlines()[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    if missing:
        return [ParsedRow(1, None, [RowError(1, c, "colonne manquante dans l'en-tête") for c in missing])]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        return [ParsedRow(1, None, [RowError(1, h, "colonne inconnue") for h in unknown])]
    total = max(1, text.count("\n"))
    rows: list[ParsedRow] = []
    line = 1
    for raw in reader:
        line_start = line + 1
        line = reader.line_num
        record = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(record.values()):
            continue
        if None in raw:
            rows.append(ParsedRow(line_start, None, [RowError(line_start, "ligne", "trop de colonnes")]))
            continue
        rows.append(_csv_row(line_start, record))
        if progress:
            progress(line, total)
    return rows


def _csv_row(line: int, r: dict[str, str]) -> ParsedRow:
    errors: list[RowError] = []
    lat = _number(line, "lat", r.get("lat", ""), errors)
    lon = _number(line, "lon", r.get("lon", ""), errors)
    location = _commune(line, r.get("commune", ""), r.get("insee_code", ""), lat, lon, errors)
    data: dict[str, Any] = {
        "source_id": r["source_id"] or None,
        "title": r["title"],
        "description": r.get("description", ""),
        "location": location,
        "contract_type": r["contract_type"],
        "hours_per_week": r["hours_per_week"].replace(",", "."),
        "skills": _items(r.get("skills", "")),
        "conditions": _items(r.get("conditions", "")),
    }
    if not r["source_id"]:
        errors.append(RowError(line, "source_id", "identifiant source obligatoire (ré-import idempotent)"))
    for name in ("openings", "expires_on", "kind", "rome_code", "appellation_code", "employer_name"):
        if r.get(name):
            data[name] = r[name]
    for name in ("siret", "naf_code"):
        if r.get(name):
            data[name] = r[name].replace(" ", "")
    return _validate(line, data, errors)


# -- France Travail Offres d'emploi v2 --------------------------------------------------------------------
def parse_ft_json(text: str, progress: Progress | None = None) -> list[ParsedRow]:
    """A JSON array of records, the API's own answer ({"resultats": [...]}), or JSON Lines. The line of a
    record is the line of the file where it starts."""
    text = text.lstrip("\ufeff")
    records = list(_records_with_lines(text))
    rows: list[ParsedRow] = []
    for done, (line, record) in enumerate(records, start=1):
        if isinstance(record, RowError):
            rows.append(ParsedRow(record.line, None, [record]))
        elif not isinstance(record, dict):
            rows.append(ParsedRow(line, None, [RowError(line, "enregistrement", "objet JSON attendu")]))
        else:
            rows.append(_ft_row(line, record))
        if progress:
            progress(done, len(records))
    return rows


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _records_with_lines(text: str) -> Iterator[tuple[int, Any]]:
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if start >= len(text):
        return
    if text[start] == "{":
        # Either the API's envelope {"resultats": [...]} or JSON Lines of records.
        try:
            obj, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            yield exc.lineno, RowError(exc.lineno, "json", exc.msg)
            return
        if isinstance(obj, dict) and isinstance(obj.get("resultats"), list) and not text[end:].strip():
            match = re.search(r'"resultats"\s*:\s*\[', text)
            if match:
                yield from _array_items(text, match.end() - 1, decoder)
            return
        yield from _json_lines(text)
        return
    if text[start] == "[":
        yield from _array_items(text, start, decoder)
        return
    yield 1, RowError(1, "json", 'tableau JSON, objet {"resultats": [...]} ou JSON Lines attendu')


def _array_items(text: str, pos: int, decoder: json.JSONDecoder) -> Iterator[tuple[int, Any]]:
    pos += 1  # past '['
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            yield _line_of(text, pos), RowError(_line_of(text, pos), "json", "tableau non terminé")
            return
        if text[pos] == "]":
            return
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield exc.lineno, RowError(exc.lineno, "json", exc.msg)
            return
        yield _line_of(text, pos), item
        pos = end


def _json_lines(text: str) -> Iterator[tuple[int, Any]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            yield number, json.loads(raw)
        except json.JSONDecodeError as exc:
            yield number, RowError(number, "json", exc.msg)


HOURS = re.compile(r"(\d{1,2})\s*[hH]\s*(\d{2})?")


def ft_hours(libelle: str, converti: str = "") -> float | None:
    """'35H Travail en journée' → 35; '24H30/semaine' → 24.5; none given but 'Temps plein' → 35."""
    match = HOURS.search(libelle or "")
    if match:
        return int(match.group(1)) + (int(match.group(2)) / 60 if match.group(2) else 0.0)
    if "plein" in (converti or "").lower():
        return FULL_TIME_HOURS
    return None


def ft_conditions(record: dict[str, Any]) -> list[str]:
    text = f"{record.get('dureeTravailLibelle') or ''} {record.get('conditionExercice') or ''}".lower()
    found: list[str] = []
    if "nuit" in text:
        found.append(WorkCondition.NIGHT_WORK.value)
    if any(word in text for word in ("samedi", "dimanche", "week-end", "weekend")):
        found.append(WorkCondition.WEEKEND_WORK.value)
    if "coupé" in text or "coupe" in text:
        found.append(WorkCondition.SPLIT_SHIFTS.value)
    for permis in record.get("permis") or []:
        if isinstance(permis, dict) and permis.get("exigence") == "E":
            found.append(WorkCondition.DRIVING_LICENCE.value)
            break
    return found


def _ft_contract(record: dict[str, Any]) -> str | None:
    nature = str(record.get("natureContrat") or "").lower()
    if "apprentissage" in nature:
        return ContractType.APPRENTISSAGE.value
    if "professionnalisation" in nature:
        return ContractType.CONTRAT_PRO.value
    if "insertion" in nature:
        return ContractType.CDDI.value
    code = str(record.get("typeContrat") or "").upper()
    contract = FT_CONTRACTS.get(code)
    return contract.value if contract else None


def _ft_row(line: int, r: dict[str, Any]) -> ParsedRow:
    errors: list[RowError] = []
    source = str(r.get("id") or "").strip()
    if not source:
        errors.append(RowError(line, "id", "identifiant de l'offre obligatoire"))
    place = r.get("lieuTravail") if isinstance(r.get("lieuTravail"), dict) else {}
    assert isinstance(place, dict)
    libelle = str(place.get("libelle") or "")
    name = libelle.split(" - ", 1)[1].strip() if " - " in libelle else libelle.strip()
    lat, lon = place.get("latitude"), place.get("longitude")
    location = _commune(
        line,
        name,
        str(place.get("commune") or ""),
        float(lat) if isinstance(lat, (int, float)) else None,
        float(lon) if isinstance(lon, (int, float)) else None,
        errors,
        field_name="lieuTravail",
    )
    contract = _ft_contract(r)
    if contract is None:
        errors.append(
            RowError(line, "typeContrat", f"type de contrat non pris en charge : {r.get('typeContrat')!r}")
        )
    hours = ft_hours(str(r.get("dureeTravailLibelle") or ""), str(r.get("dureeTravailLibelleConverti") or ""))
    if hours is None:
        errors.append(RowError(line, "dureeTravailLibelle", "durée hebdomadaire introuvable"))
    company = r.get("entreprise") if isinstance(r.get("entreprise"), dict) else {}
    assert isinstance(company, dict)
    skills = [
        str(c.get("libelle"))[:120]
        for c in (r.get("competences") or [])
        if isinstance(c, dict) and c.get("libelle")
    ][:50]
    data: dict[str, Any] = {
        "source_id": f"ft:{source}",
        "title": str(r.get("intitule") or "")[:200],
        "description": str(r.get("description") or "")[:10_000],
        "location": location,
        "contract_type": contract,
        "hours_per_week": hours,
        "skills": skills,
        "conditions": ft_conditions(r),
        "openings": r.get("nombrePostes") or 1,
    }
    if r.get("romeCode"):
        data["rome_code"] = r["romeCode"]
    if company.get("nom"):
        data["employer_name"] = str(company["nom"])[:200]
    if company.get("siret"):
        data["siret"] = str(company["siret"]).replace(" ", "")
    if r.get("codeNAF"):
        data["naf_code"] = str(r["codeNAF"])
    if contract == ContractType.CDDI.value:
        data["kind"] = "iae"
    return _validate(line, data, errors)


def errors_of(rows: list[ParsedRow]) -> list[RowError]:
    return [e for row in rows for e in row.errors]
