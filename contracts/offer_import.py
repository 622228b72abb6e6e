"""Bulk import of offers: the formats, the request the offers service takes and the report it answers,
which the gateway relays (POST /api/v1/offers/import).

How each format is parsed is the offers service's business (services/offers/importing).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class ImportFormat(StrEnum):
    CSV = "csv"
    FT_JSON = "ft-json"


def detect_format(name: str, head: str) -> ImportFormat:
    lowered = name.lower()
    if lowered.endswith((".json", ".jsonl", ".ndjson")) or head.lstrip("\ufeff \t\r\n").startswith(
        ("[", "{")
    ):
        return ImportFormat.FT_JSON
    return ImportFormat.CSV


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str = Field(description="The file's text (UTF-8).")
    format: ImportFormat = ImportFormat.CSV
    partial: bool = Field(default=False, description="Import the good rows even if some are bad.")
    dry_run: bool = Field(default=False, description="Check everything, write nothing.")
    employer: str | None = Field(default=None, max_length=64, description="Admins: the owning account.")


class ImportRowError(BaseModel):
    record: int = Field(description="Record number in the file (1 = its first offer).")
    line: int = Field(description="Line of the file where the record starts.")
    source_id: str = Field(description="The offer's id in the file, when it has one.")
    field: str
    message: str = Field(description="What is wrong, in French.")
    reason: str = Field(description="The kind of problem, for the summary.")


class ReasonCount(BaseModel):
    reason: str
    records: int


class ImportReport(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    dry_run: bool = False
    errors: list[ImportRowError]
    warnings: list[ImportRowError] = Field(default_factory=list)
    summary: list[ReasonCount] = Field(default_factory=list, description="Refused records by reason.")
