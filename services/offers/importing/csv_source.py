"""CSV imports: Maillage's own columns, or any partner's export through a column-mapping file
(`--mapping`, see docs/importing.md) — which column is the title, the commune, the INSEE code, the hours…
Records are counted from 1 after the header; a record may span several lines (quoted line breaks)."""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from common.vocabulary import ContractType
from services.offers.importing.base import Collector, ImportContext, ParsedRow, Progress, items, number
from services.offers.importing.ft_vocabulary import FT_CONTRACTS, PLAUSIBLE_HOURS, expiry_from
from services.offers.importing.places import resolve

FIELDS = (
    "source_id", "title", "description", "commune", "insee_code", "departement", "lat", "lon",
    "contract_type", "hours_per_week", "skills", "openings", "expires_on", "published_at", "conditions",
    "kind", "rome_code", "appellation_code", "employer_name", "siret", "naf_code", "employer_url",
    "origin_url", "contact_email", "contact_phone",
)  # fmt: skip
REQUIRED = ("source_id", "title", "contract_type", "hours_per_week")
PASSED_AS_IS = (
    "openings",
    "kind",
    "rome_code",
    "appellation_code",
    "employer_name",
    "employer_url",
    "origin_url",
)


class MappingError(ValueError):
    """A mapping file that cannot be used; the message is French and names the problem."""


@dataclass
class ColumnMapping:
    """Maillage field → the partner's column; value translations per field; defaults; an id prefix."""

    columns: dict[str, str] = field(default_factory=lambda: {f: f for f in FIELDS})
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    source_prefix: str = ""
    strict: bool = True  # Maillage's own format: unknown columns are refused (a typo would lose data)

    @classmethod
    def load(cls, path: Path) -> ColumnMapping:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise MappingError(f"fichier de correspondance illisible ({path}) : {exc}") from exc
        columns = raw.get("columns")
        if not isinstance(columns, dict) or not columns:
            raise MappingError("le fichier de correspondance doit avoir une section [columns]")
        unknown = sorted(set(columns) - set(FIELDS)) + sorted(set(raw.get("defaults", {})) - set(FIELDS))
        if unknown:
            raise MappingError(f"champs inconnus dans la correspondance : {', '.join(unknown)}")
        values = {k: {str(a): str(b) for a, b in v.items()} for k, v in raw.get("values", {}).items()}
        defaults = {str(k): str(v) for k, v in raw.get("defaults", {}).items()}
        return cls({str(k): str(v) for k, v in columns.items()}, values, defaults,
                   raw.get("delimiter"), str(raw.get("source_prefix", "")), strict=False)  # fmt: skip

    def field_of(self, record: dict[str, str], name: str) -> str:
        column = self.columns.get(name)
        value = record.get(column, "").strip() if column else ""
        value = value or self.defaults.get(name, "")
        return self.values.get(name, {}).get(value, value)


def parse_csv(
    text: str,
    progress: Progress | None = None,
    ctx: ImportContext | None = None,
    mapping: ColumnMapping | None = None,
) -> list[ParsedRow]:
    ctx, mapping = ctx or ImportContext(), mapping or ColumnMapping()
    text = text.lstrip("\ufeff")
    first = next(iter(text.splitlines()), "")
    delimiter = mapping.delimiter or (";" if first.count(";") > first.count(",") else ",")
    # newline="": lines end at \n, \r\n or a lone \r (old Mac exports), as the csv module expects.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        problems = _header_problems(header, mapping)
        raw_records = [] if problems else _records(reader)
    except csv.Error:
        # What the csv module cannot read (a field past its size limit, a stray line break): one error
        # naming the line, never a server error.
        line = max(reader.line_num, 1)
        out = Collector(0, line)
        out.error("fichier", f"le fichier CSV ne peut pas être lu ligne {line}", "fichier illisible")
        return [out.finish({})]
    if problems:
        out = Collector(0, 1)
        for name, message in problems:
            out.error(name, message, "en-tête")
        return [out.finish({})]
    rows: list[ParsedRow] = []
    number_ = 0
    for start, raw in raw_records:
        record = {str(k).strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(record.values()):
            continue
        number_ += 1
        rows.append(_row(number_, start, record, None in raw, ctx, mapping))
        if progress:
            progress(number_, len(raw_records))
    return rows


def _records(reader: csv.DictReader[str]) -> list[tuple[int, dict[str | Any, str | Any]]]:
    """Each record with the line it starts on (a quoted field may span lines)."""
    records: list[tuple[int, dict[str | Any, str | Any]]] = []
    line = 1
    for raw in reader:
        records.append((line + 1, raw))
        line = reader.line_num
    return records


def _header_problems(header: list[str], mapping: ColumnMapping) -> list[tuple[str, str]]:
    wanted = {f: c for f, c in mapping.columns.items() if f in REQUIRED and f not in mapping.defaults}
    missing = [(c, "colonne manquante dans l'en-tête") for f, c in wanted.items() if c not in header]
    if mapping.strict:
        missing += [(h, "colonne inconnue") for h in header if h not in FIELDS]
    elif not missing:
        absent = [c for c in mapping.columns.values() if c not in header]
        missing += [(c, "colonne de la correspondance absente du fichier") for c in absent]
    return missing


def _row(
    record_no: int, line: int, r: dict[str, str], too_many: bool, ctx: ImportContext, m: ColumnMapping
) -> ParsedRow:
    value = {name: m.field_of(r, name) for name in FIELDS}
    source = f"{m.source_prefix}{value['source_id']}" if value["source_id"] else ""
    out = Collector(record_no, line, source)
    if too_many:
        out.error("enregistrement", "trop de colonnes (un séparateur en trop ?)", "trop de colonnes")
        return out.finish({})
    if not source:
        out.error("source_id", "identifiant source obligatoire (ré-import idempotent)", "identifiant absent")
    data: dict[str, Any] = {
        "source_id": source or None,
        "title": value["title"],
        "description": value["description"],
        "location": _location(value, out, ctx),
        "skills": items(value["skills"]),
        "conditions": items(value["conditions"]),
        "hours_per_week": _hours(value["hours_per_week"], out),
    }
    data.update(_contract(value["contract_type"], out))
    data.update(_dates(value, out))
    data.update({k: value[k] for k in PASSED_AS_IS if value[k]})
    if value["openings"].strip().isdigit():  # a cell is text; the offer's numbers are strictly numbers
        data["openings"] = int(value["openings"])
    data.update({k: value[k].replace(" ", "") for k in ("siret", "naf_code") if value[k]})
    contact = {k: value[f"contact_{k}"] for k in ("email", "phone") if value[f"contact_{k}"]}
    if contact:
        data["contact"] = {"courriel" if k == "email" else "telephone": v for k, v in contact.items()}
    return out.finish(data)


def _location(v: dict[str, str], out: Collector, ctx: ImportContext) -> dict[str, Any] | None:
    try:
        lat, lon = number(v["lat"]), number(v["lon"])
    except ValueError:
        out.error("lat/lon", f"coordonnées illisibles : « {v['lat']} », « {v['lon']} »", "valeur invalide")
        return None
    dep = v["departement"].upper().zfill(2) if v["departement"].isdigit() else v["departement"].upper()
    return resolve(out, ctx, name=v["commune"], departement=dep, code=v["insee_code"], lat=lat, lon=lon)


def _hours(raw: str, out: Collector) -> float | None:
    try:
        hours = number(raw.lower().removesuffix("h").strip())
    except ValueError:
        out.error("hours_per_week", f"nombre d'heures attendu, reçu « {raw} »", "durée illisible")
        return None
    low, high = PLAUSIBLE_HOURS
    if hours is None:
        out.error("hours_per_week", "durée hebdomadaire obligatoire (heures par semaine)", "durée absente")
    elif hours <= 0 or hours > high:
        out.error("hours_per_week", f"durée invraisemblable : {hours:g} h/semaine (0 à 48 h)",
                  "durée invraisemblable")  # fmt: skip
        return None
    elif hours < low:
        out.warn("hours_per_week", f"durée invraisemblable : {hours:g} h/semaine, gardée telle quelle : "
                 "à vérifier", "durée invraisemblable")  # fmt: skip
    return hours


def _contract(raw: str, out: Collector) -> dict[str, Any]:
    by_value = {c.value.lower(): c for c in ContractType}
    if raw.lower() in by_value:
        return {"contract_type": by_value[raw.lower()].value}
    ft = FT_CONTRACTS.get(raw.upper())
    if ft is not None:
        return {"contract_type": ft.contract.value, "kind": ft.kind.value, "source_contract": raw.upper()}
    allowed = ", ".join(c.value for c in ContractType)
    out.error("contract_type", f"type de contrat inconnu : « {raw} » (attendu : {allowed} ou un code "
              "France Travail)", "type de contrat inconnu")  # fmt: skip
    return {}


def _dates(v: dict[str, str], out: Collector) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in ("published_at", "expires_on"):
        if not v[name]:
            continue
        try:
            parsed = datetime.fromisoformat(v[name]) if "T" in v[name] else date.fromisoformat(v[name])
        except ValueError:
            out.error(name, f"date attendue (AAAA-MM-JJ), reçu « {v[name]} »", "date illisible")
            continue
        if name == "published_at":
            moment = (
                parsed if isinstance(parsed, datetime) else datetime(parsed.year, parsed.month, parsed.day)
            )
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            data[name] = moment
            data.setdefault("expires_on", expiry_from(moment, None))
        else:
            data[name] = parsed if not isinstance(parsed, datetime) else parsed.date()
    return data
