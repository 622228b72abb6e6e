"""Bulk import of offers: CSV (Maillage's columns or a partner's, through a column mapping) and France
Travail *Offres d'emploi v2* JSON in every shape the API and its users save it. Every record gives an
OfferCreate or errors; warnings flag what was kept but deserves a look. Errors and warnings name the record
number (1 = the file's first offer), the offer's id and, for the curious, the line where it starts.

Pure parsing: the offers service writes the valid records in one transaction (OffersService.create_many).
"""

from __future__ import annotations

import json
from collections import Counter

from contracts.offer_import import ImportFormat
from services.offers.importing.base import (
    ImportContext,
    ParsedRow,
    Progress,
    RowError,
)
from services.offers.importing.csv_source import ColumnMapping, MappingError, parse_csv
from services.offers.importing.ft_offer import SOURCE_PREFIX, ft_row
from services.offers.importing.ft_records import records
from services.offers.importing.ft_vocabulary import ft_hours

__all__ = [
    "SOURCE_PREFIX",
    "ColumnMapping",
    "ImportContext",
    "MappingError",
    "ParsedRow",
    "RowError",
    "errors_of",
    "ft_hours",
    "parse",
    "parse_csv",
    "parse_ft_json",
    "summary_by_reason",
    "warnings_of",
]


def parse(
    text: str,
    fmt: ImportFormat,
    progress: Progress | None = None,
    ctx: ImportContext | None = None,
    mapping: ColumnMapping | None = None,
) -> list[ParsedRow]:
    if fmt == ImportFormat.CSV:
        rows = parse_csv(text, progress, ctx, mapping)
    else:
        rows = parse_ft_json(text, progress, ctx)
    return mark_duplicates(rows)


def parse_ft_json(
    text: str, progress: Progress | None = None, ctx: ImportContext | None = None
) -> list[ParsedRow]:
    ctx = ctx or ImportContext()
    raw = list(records(text.lstrip("\ufeff")))
    rows: list[ParsedRow] = []
    for done, record in enumerate(raw, start=1):
        rows.append(ft_row(record, ctx))
        if progress:
            progress(done, len(raw))
    return rows


def mark_duplicates(rows: list[ParsedRow]) -> list[ParsedRow]:
    """The same source id twice in one file: the first is imported; a later identical one is dropped
    with a warning, a later different one is an error (which of the two is right?)."""
    first: dict[str, ParsedRow] = {}
    for row in rows:
        if not row.source_id:
            continue
        seen = first.get(row.source_id)
        if seen is None:
            first[row.source_id] = row
            continue
        same = row.offer is not None and seen.offer is not None and _same_offer(row, seen)
        problem = RowError(
            row.record,
            "id",
            f"doublon dans le fichier : même identifiant que l'enregistrement {seen.record}"
            + (" (identique, ignoré)" if same else ", contenu différent"),
            row.source_id,
            row.line,
            "doublon dans le fichier",
        )
        if same:
            row.warnings.append(problem)
        else:
            row.errors.append(problem)
        row.offer = None
    return rows


def _same_offer(a: ParsedRow, b: ParsedRow) -> bool:
    assert a.offer is not None and b.offer is not None
    dump = {"import_notes"}
    return json.dumps(a.offer.model_dump(mode="json", exclude=dump), sort_keys=True) == json.dumps(
        b.offer.model_dump(mode="json", exclude=dump), sort_keys=True
    )


def errors_of(rows: list[ParsedRow]) -> list[RowError]:
    return [e for row in rows for e in row.errors]


def warnings_of(rows: list[ParsedRow]) -> list[RowError]:
    return [w for row in rows for w in row.warnings]


def summary_by_reason(problems: list[RowError]) -> list[tuple[str, int]]:
    """('hors du territoire', 12), ('type de contrat inconnu', 3)… most frequent first; records, not
    problems, are counted (a record with two unknown dates counts once)."""
    by_reason = Counter(reason for reason, _ in {(p.reason or p.field, p.record) for p in problems})
    return by_reason.most_common()
