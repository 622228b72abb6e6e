"""What every import source shares: records, errors and warnings that name the record and the offer, the
territory an import checks places against, and the last validation into an OfferCreate."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from common.territory import Territory, territory, territory_today
from contracts.offers import OfferCreate

Progress = Callable[[int, int], None]
LIST_SEPARATOR = re.compile(r"\s*[;|]\s*")


@dataclass(frozen=True)
class RowError:
    """One problem with one record. `record` counts records (1 = the first offer of the file), `line` is
    where the record starts in the file; `reason` groups problems in the summary."""

    record: int
    field: str
    message: str
    source_id: str = ""
    line: int = 0
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "line": self.line,
            "source_id": self.source_id,
            "field": self.field,
            "message": self.message,
            "reason": self.reason or self.field,
        }

    def describe(self) -> str:
        """'enregistrement 3 (offre 180ABCD, ligne 1) · typeContrat : …'."""
        where = [f"offre {self.source_id}"] if self.source_id else []
        if self.line:
            where.append(f"ligne {self.line}")
        suffix = f" ({', '.join(where)})" if where else ""
        return f"enregistrement {self.record}{suffix} · {self.field} : {self.message}"


@dataclass
class ParsedRow:
    record: int
    line: int
    source_id: str
    offer: OfferCreate | None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)


@dataclass
class ImportContext:
    """What checks depend on: the territory (and its band) and today's date (expiry of old offers)."""

    territory: Territory = field(default_factory=territory)
    today: date = field(default_factory=territory_today)


class Collector:
    """Errors and warnings of one record, each stamped with the record number and offer id."""

    def __init__(self, record: int, line: int, source_id: str = "") -> None:
        self.record, self.line, self.source_id = record, line, source_id
        self.errors: list[RowError] = []
        self.warnings: list[RowError] = []

    def error(self, name: str, message: str, reason: str = "") -> None:
        self.errors.append(self._make(name, message, reason))

    def warn(self, name: str, message: str, reason: str = "") -> None:
        self.warnings.append(self._make(name, message, reason))

    def _make(self, name: str, message: str, reason: str) -> RowError:
        return RowError(self.record, name, message, self.source_id, self.line, reason or name)

    def finish(self, data: dict[str, Any]) -> ParsedRow:
        """Validate the offer; pydantic's own wording never reaches the user (French messages instead)."""
        row = ParsedRow(self.record, self.line, self.source_id, None, self.errors, self.warnings)
        if self.errors:
            return row
        data["import_notes"] = [w.message[:500] for w in self.warnings][:20]
        try:
            row.offer = OfferCreate.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                name = ".".join(str(p) for p in err.get("loc", ())) or "enregistrement"
                self.error(name, french_validation_message(err), "valeur invalide")
        return row


_PYDANTIC_FR = {
    "missing": "valeur obligatoire absente",
    "string_too_short": "valeur vide",
    "string_too_long": "texte trop long",
    "string_pattern_mismatch": "format invalide",
    "enum": "valeur non reconnue",
    "less_than_equal": "valeur trop grande",
    "greater_than": "valeur trop petite",
    "greater_than_equal": "valeur trop petite",
    "float_parsing": "nombre attendu",
    "int_parsing": "nombre entier attendu",
    "date_from_datetime_parsing": "date attendue (AAAA-MM-JJ)",
    "date_parsing": "date attendue (AAAA-MM-JJ)",
    "datetime_parsing": "date et heure attendues",
    "too_long": "trop d'éléments",
}


def french_validation_message(err: Any) -> str:
    kind = str(err.get("type", ""))
    message = _PYDANTIC_FR.get(kind, "valeur invalide")
    given = err.get("input")
    if isinstance(given, (str, int, float)) and str(given).strip():
        return f"{message} : « {str(given)[:80]} »"
    return message


def number(raw: str) -> float | None:
    """'35,5' → 35.5; '' → None; ValueError otherwise."""
    if not raw.strip():
        return None
    return float(raw.strip().replace(",", ".").replace("\u00a0", ""))


def items(raw: str) -> list[str]:
    return [part for part in LIST_SEPARATOR.split(raw.strip()) if part] if raw.strip() else []
