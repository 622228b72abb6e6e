"""The audit log's commands (profiles database, MAILLAGE_PROFILES_DATABASE_URL):

maillage audit verify                      walk the hash chain; exit 1 at the first row that does not hold
maillage audit purge [--before YYYY-MM-DD] remove rows older than the date (default: the retention
                                           period), leaving a checkpoint signed with MAILLAGE_AUDIT_KEY

Register with `maillage.audit_cli.add_parser(sub)` in maillage/cli.py's build_parser.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine

from common.clock import utcnow
from common.settings import MIN_SECRET_BYTES


def _engine_and_key(url: str | None) -> tuple[Engine, bytes | None]:
    from common.db import make_engine
    from services.profiles.settings import ProfilesSettings

    settings = ProfilesSettings()
    key = settings.audit_key.encode() if settings.audit_key else None
    return make_engine(url or settings.profiles_database_url), key


def cmd_verify(args: argparse.Namespace) -> int:
    return main_verify(args.database_url)


def main_verify(database_url: str | None) -> int:
    """Print the verdict in French; 0 when the chain holds, 1 at the first broken row."""
    from services.profiles.adapters.audit_maintenance import verify_chain

    engine, key = _engine_and_key(database_url)
    report = verify_chain(engine, key)
    engine.dispose()
    start = (
        f"depuis le point de reprise (lignes à partir de {report.checkpoint.first_kept_id})"
        if report.checkpoint
        else "depuis l'origine"
    )
    if report.broken is not None:
        print(
            f"Journal d'audit ALTÉRÉ : première ligne en défaut n° {report.broken.row_id} — "
            f"{report.broken.reason} ({report.rows} lignes lues {start}).",
            file=sys.stderr,
        )
        return 1
    print(
        f"Journal d'audit intègre : {report.rows} lignes vérifiées {start}. "
        f"Dernière empreinte : {report.head}"
    )
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from services.profiles.adapters.audit_maintenance import AuditChainBroken, purge_before
    from services.profiles.settings import ProfilesSettings

    engine, key = _engine_and_key(args.database_url)
    if key is None or len(key) < MIN_SECRET_BYTES:
        print(
            f"Refusé : MAILLAGE_AUDIT_KEY doit contenir au moins {MIN_SECRET_BYTES} octets "
            "(openssl rand -hex 32) pour signer le point de reprise.",
            file=sys.stderr,
        )
        return 2
    if args.before:
        cutoff = datetime.combine(date.fromisoformat(args.before), time.min, tzinfo=UTC)
    else:
        cutoff = utcnow() - timedelta(days=ProfilesSettings().audit_retention_days)
    try:
        purged = purge_before(engine, cutoff, key)
    except AuditChainBroken as broken:
        print(f"Purge refusée, le journal ne se vérifie pas : {broken}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        f"{purged} lignes d'audit antérieures au {cutoff.date().isoformat()} supprimées ; "
        "point de reprise signé."
    )
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="verify or trim the audit log (hash chain)")
    commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = commands.add_parser("verify", help="walk the chain, exit 1 at the first broken row")
    verify.set_defaults(func=cmd_verify)
    purge = commands.add_parser("purge", help="remove rows older than a date, leave a signed checkpoint")
    purge.add_argument("--before", default="", help="YYYY-MM-DD (default: the retention period)")
    purge.set_defaults(func=cmd_purge)
    for command in (verify, purge):
        command.add_argument("--database-url", default=None, help="default: MAILLAGE_PROFILES_DATABASE_URL")
