"""`maillage import-offers FILE`: bulk import of local offers (CSV or France Travail Offres d'emploi v2 JSON).

Every row is parsed and validated first; the report lists each bad row by line, field and message. With a
bad row nothing is written, unless --partial (then the good rows are). The good rows are written in ONE
transaction through the offers service (status history and outbox events as for any offer): the running
platform's outbox relay publishes them and matching indexes them. Re-importing a file changes nothing
(idempotent by source id: the row's `source_id`, or `ft:<id>` for France Travail records).

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
from services.offers.importing import ImportFormat, RowError, detect_format, errors_of, parse
from services.offers.service import OffersService

MAX_REPORTED_ERRORS = 200


class ProgressBar:
    """A one-line progress bar on stderr: label, bar, count, rate. Redrawn at most ten times a second."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        total = max(total, 1)
        filled = int(self.width * min(done, total) / total)
        rate = done / max(now - self.started, 1e-6)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r{self.label:<12} {bar} {done:>6}/{total:<6} {rate:8.0f}/s")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()


def offers_service(data_dir: str | None) -> OffersService:
    from services.offers.bootstrap import MIGRATIONS

    url = os.environ.get("MAILLAGE_OFFERS_DATABASE_URL", "")
    if data_dir or not url:
        directory = Path(data_dir or os.environ.get("MAILLAGE_DATA_DIR", "./var")).resolve()
        directory.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{directory / 'offers.db'}"
    engine = make_engine(url)
    migrate(engine, MIGRATIONS, version_table="offers_schema_version")
    return OffersService(engine)


def print_errors(errors: list[RowError], stream: TextIO) -> None:
    for error in errors[:MAX_REPORTED_ERRORS]:
        stream.write(f"  ligne {error.line} · {error.field} : {error.message}\n")
    if len(errors) > MAX_REPORTED_ERRORS:
        stream.write(f"  … et {len(errors) - MAX_REPORTED_ERRORS} autres erreurs\n")


def cmd_import_offers(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"Impossible de lire {path} : {exc}", file=sys.stderr)
        return 2
    fmt = ImportFormat(args.format) if args.format else detect_format(path.name, text[:200])
    started = time.monotonic()
    bar = ProgressBar("Validation")
    rows = parse(text, fmt, progress=bar)
    bar.close()
    errors = errors_of(rows)
    good = [row.offer for row in rows if row.offer is not None]
    if errors:
        print(f"{len(rows) - len(good)} ligne(s) refusée(s) sur {len(rows)} :", file=sys.stderr)
        print_errors(errors, sys.stderr)
        if not args.partial:
            print(
                "Rien n'a été importé (relancez avec --partial pour importer les lignes valides).",
                file=sys.stderr,
            )
            return 1
    if not good:
        print("Aucune offre valide à importer.", file=sys.stderr)
        return 1 if errors else 0
    caller = Caller(args.employer, Role.EMPLOYER) if args.employer else Caller("admin", Role.ADMIN)
    service = offers_service(args.data_dir)
    bar = ProgressBar("Écriture")
    try:
        result = service.create_many(caller, good, progress=bar)
    except Exception as exc:
        bar.close()
        print(f"Import annulé, rien n'a été écrit : {exc}", file=sys.stderr)
        return 1
    bar.close()
    elapsed = time.monotonic() - started
    summary: dict[str, Any] = {
        "lignes": len(rows),
        "créées": result.created,
        "mises à jour": result.updated,
        "inchangées": result.unchanged,
        "refusées": len(rows) - len(good),
    }
    print(
        " · ".join(f"{k} : {v}" for k, v in summary.items()) + f" — {elapsed:.1f} s",
        file=sys.stdout,
    )
    return 0


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-offers",
        help="import offers from a CSV or France Travail JSON file",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", help="CSV (header line) or France Travail Offres d'emploi v2 JSON")
    parser.add_argument("--format", choices=[f.value for f in ImportFormat], default=None)
    parser.add_argument("--partial", action="store_true", help="import the valid rows even if some are bad")
    parser.add_argument("--employer", default="", help="account that will own the offers (default: admin)")
    parser.add_argument("--data-dir", default=None, help="embedded mode's data dir (default ./var)")
    parser.set_defaults(func=cmd_import_offers)
