"""`maillage import-offers FILE|DIR`: bulk import of offers (CSV, a partner's CSV through a column mapping,
or France Travail Offres d'emploi v2 JSON in any of its saved shapes).

Every record is parsed and validated first; the report names each bad record by its number in the file,
its offer id and the field, in French, then sums the refusals up by reason. With a bad record nothing is
written, unless --partial (then the good records are); --dry-run checks and writes nothing. The good
records are written in ONE transaction through the offers service (status history and outbox events as
for any offer): the running platform's outbox relay publishes them and matching indexes them.
Re-importing a file changes nothing (idempotent by source id: the record's `source_id`, or `ft:<id>` for
France Travail records). With --full-feed the file is the source's whole catalogue: the owner's offers
of that source that it no longer lists are closed.

Given a directory (a drop folder, as the scheduled feed reads), every .json, .jsonl, .ndjson and .csv
file in it is imported in name order, each on its own; --archive then moves each file into `traites/`
(or `refuses/` when it was refused).

The offers store is the embedded one under --data-dir (default $MAILLAGE_DATA_DIR or ./var), or, when
MAILLAGE_OFFERS_DATABASE_URL is set and no --data-dir is given, that database (distributed mode).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from common.db import make_engine, migrate
from common.identity import Caller, Role
from common.territory import UnknownTerritory
from contracts.offer_import import ImportFormat, detect_format
from maillage.import_report import ProgressBar, print_problems, print_summary
from services.offers.importing import (
    SOURCE_PREFIX,
    ColumnMapping,
    MappingError,
    ParsedRow,
    errors_of,
    parse,
    summary_by_reason,
    warnings_of,
)
from services.offers.service import OffersService

FEED_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")


def offers_service(data_dir: str | None) -> OffersService:
    from services.offers.adapters.sql import sql_units_of_work
    from services.offers.bootstrap import MIGRATIONS

    url = os.environ.get("MAILLAGE_OFFERS_DATABASE_URL", "")
    if data_dir or not url:
        directory = Path(data_dir or os.environ.get("MAILLAGE_DATA_DIR", "./var")).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{directory / 'offers.db'}"
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, version_table="offers_schema_version")
    return OffersService(sql_units_of_work(engine))


def cmd_import_offers(args: argparse.Namespace) -> int:
    try:
        mapping = ColumnMapping.load(Path(args.mapping)) if args.mapping else None
    except MappingError as exc:
        print(f"Correspondance refusée : {exc}", file=sys.stderr)
        return 2
    target = Path(args.file)
    if not target.is_dir():
        return import_file(target, args, mapping)
    files = sorted(p for p in target.iterdir() if p.is_file() and p.suffix.lower() in FEED_SUFFIXES)
    if not files:
        print(f"Aucun fichier à importer dans {target}.", file=sys.stdout)
        return 0
    worst = 0
    for path in files:
        print(f"— {path.name}", file=sys.stdout)
        code = import_file(path, args, mapping)
        worst = max(worst, code)
        if args.archive and not args.dry_run:
            folder = target / ("traites" if code == 0 else "refuses")
            folder.mkdir(exist_ok=True)
            path.rename(folder / path.name)
    return worst


def import_file(path: Path, args: argparse.Namespace, mapping: ColumnMapping | None) -> int:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Impossible de lire {path} : {exc}", file=sys.stderr)
        return 2
    fmt = ImportFormat(args.format) if args.format else detect_format(path.name, text[:200])
    prefix = feed_prefix(fmt, args, mapping)
    if args.full_feed and not prefix:
        print("--full-feed demande un préfixe de source (--source-prefix, ou source_prefix dans la "
              "correspondance) : sans lui, toutes les offres importées du compte seraient concernées.",
              file=sys.stderr)  # fmt: skip
        return 2
    if prefix and fmt == ImportFormat.CSV:
        mapping = mapping or ColumnMapping()
        mapping.source_prefix = prefix
    started = time.monotonic()
    bar = ProgressBar("Validation")
    try:
        rows = parse(text, fmt, progress=bar, mapping=mapping)
    except UnknownTerritory as exc:
        bar.close()
        print(f"Territoire mal configuré : {exc}", file=sys.stderr)
        return 2
    bar.close()
    code = report_parse(rows, args, sys.stderr)
    if code is not None:
        return code
    return write(rows, args, prefix, started)


def feed_prefix(fmt: ImportFormat, args: argparse.Namespace, mapping: ColumnMapping | None) -> str:
    if fmt == ImportFormat.FT_JSON:
        return SOURCE_PREFIX
    return str(args.source_prefix or (mapping.source_prefix if mapping else ""))


def report_parse(rows: list[ParsedRow], args: argparse.Namespace, stream: TextIO) -> int | None:
    """Print warnings, errors and the summary; a return code when the import stops here."""
    errors, warnings = errors_of(rows), warnings_of(rows)
    good = sum(1 for row in rows if row.offer is not None)
    if warnings and args.verbose:
        stream.write(f"{len(warnings)} avertissement(s) (offres gardées, à vérifier) :\n")
        print_problems(warnings, stream)
    elif warnings:
        kinds = ", ".join(f"{reason} : {n}" for reason, n in summary_by_reason(warnings))
        stream.write(f"{len(warnings)} avertissement(s) ({kinds}) ; --verbose pour les lire.\n")
    if errors:
        stream.write(f"{len(rows) - good} enregistrement(s) refusé(s) sur {len(rows)} :\n")
        print_problems(errors, stream)
        print_summary(errors, stream)
    if args.dry_run:
        print(f"Vérification seule (--dry-run) : {good} offre(s) importable(s) sur {len(rows)} "
              "enregistrement(s), rien n'a été écrit.", file=sys.stdout)  # fmt: skip
        return 1 if errors else 0
    if errors and not args.partial:
        stream.write("Rien n'a été importé (relancez avec --partial pour importer les offres valides).\n")
        return 1
    if not good and not args.full_feed:
        stream.write("Aucune offre valide à importer.\n")
        return 1 if errors else 0
    return None


def write(rows: list[ParsedRow], args: argparse.Namespace, prefix: str, started: float) -> int:
    good = [row.offer for row in rows if row.offer is not None]
    caller = Caller(args.employer, Role.EMPLOYER) if args.employer else Caller("admin", Role.ADMIN)
    service = offers_service(args.data_dir)
    bar = ProgressBar("Écriture")
    try:
        result = service.create_many(caller, good, progress=bar)
        closed = 0
        if args.full_feed:
            # Every id the file lists, refused records included: a broken record never closes its offer.
            listed = {_stored_id(row.source_id, prefix) for row in rows if row.source_id}
            closed = len(service.close_missing(caller, prefix, listed)) if listed else 0
    except Exception as exc:
        bar.close()
        print(f"Import annulé, rien n'a été écrit : {exc}", file=sys.stderr)
        return 1
    bar.close()
    summary: dict[str, Any] = {
        "enregistrements": len(rows),
        "créées": result.created,
        "mises à jour": result.updated,
        "inchangées": result.unchanged,
        "refusées": len(rows) - len(good),
    }
    if args.full_feed:
        summary["fermées (absentes du flux)"] = closed
    elapsed = time.monotonic() - started
    print(" · ".join(f"{k} : {v}" for k, v in summary.items()) + f" — {elapsed:.1f} s", file=sys.stdout)
    return 0


def _stored_id(source_id: str, prefix: str) -> str:
    """The id as stored: France Travail ids are reported bare and stored as ft:<id>."""
    return source_id if source_id.startswith(prefix) else f"{prefix}{source_id}"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-offers",
        help="import offers from a CSV or France Travail JSON file (or every file of a drop folder)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="CSV (header line), France Travail Offres d'emploi v2 JSON, or a folder")
    parser.add_argument("--format", choices=[f.value for f in ImportFormat], default=None)
    parser.add_argument(
        "--partial", action="store_true", help="import the valid records even if some are bad"
    )
    parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
    parser.add_argument("--mapping", default=None, help="CSV column-mapping file (TOML, docs/importing.md)")
    parser.add_argument(
        "--full-feed",
        action="store_true",
        help="the file lists all the source's offers: close the owner's other offers of that source",
    )
    parser.add_argument("--source-prefix", default="", help="CSV: prefix of the source ids (e.g. 'ml45:')")
    parser.add_argument(
        "--archive", action="store_true", help="folder: move each file to traites/ or refuses/"
    )
    parser.add_argument("--verbose", action="store_true", help="print every warning")
    parser.add_argument("--employer", default="", help="account that will own the offers (default: admin)")
    parser.add_argument("--data-dir", default=None, help="embedded mode's data dir (default ./var)")
    parser.set_defaults(func=cmd_import_offers)
