"""Backups of the services' databases, with PostgreSQL's own tools:

maillage backup DIR [--service S ...]      pg_dump -Fc of each service's database into DIR, and a manifest
                                           (row counts per table, sha256 of each dump)
maillage restore DIR [--service S] [--database-url URL]
                                           pg_restore into a fresh, empty database (the service's URL, or
                                           URL), then the row counts are compared with the manifest and,
                                           for profiles, the audit chain is verified

Embedded mode's SQLite stores are copied with SQLite's online backup instead. Binaries: MAILLAGE_PG_BIN
(a directory), else the newest /usr/lib/postgresql/*/bin, else the PATH; pg_dump must be at least as new
as the server. Register with `maillage.backup.add_parser(sub)` in maillage/cli.py's build_parser.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from maillage.ops import SERVICES, _store

MANIFEST = "manifest.json"


class BackupFailed(RuntimeError):
    """Said in French: what failed and what to do."""


def pg_tool(name: str) -> str:
    configured = os.environ.get("MAILLAGE_PG_BIN")
    if configured:
        return str(Path(configured) / name)
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    for bindir in sorted(versions, key=lambda p: int(p.parent.name), reverse=True):
        if (bindir / name).exists():
            return str(bindir / name)
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(f"{name} introuvable : installez postgresql-client ou indiquez MAILLAGE_PG_BIN.")
    return found


def libpq_url(url: str) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq takes it (no driver suffix), the password passed in the environment."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: int(connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in sorted(inspect(connection).get_table_names())
        }


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupFailed(f"{what} a échoué (code {done.returncode}) : {done.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup_service(service: str, url: str, directory: Path) -> dict[str, Any]:
    from common.db import make_engine

    engine = make_engine(url)
    try:
        counts = row_counts(engine)
        if engine.dialect.name == "postgresql":
            target = directory / f"{service}.dump"
            dsn, env = libpq_url(url)
            _run(
                [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-acl", "-f", str(target), dsn], env, "pg_dump"
            )
        else:
            target = directory / f"{service}.sqlite"
            source = sqlite3.connect(str(make_url(url).database))
            with sqlite3.connect(str(target)) as copy:
                source.backup(copy)
            source.close()
    finally:
        engine.dispose()
    return {"file": target.name, "sha256": _sha256(target), "dialect": engine.dialect.name, "rows": counts}


def backup(directory: Path, services: list[str]) -> dict[str, dict[str, Any]]:
    """Returns, per service, what the manifest says of its dump."""
    directory.mkdir(parents=True, exist_ok=True)
    taken = {service: backup_service(service, _store(service)[0], directory) for service in services}
    write_manifest(directory, taken)
    return taken


def write_manifest(directory: Path, taken: dict[str, dict[str, Any]]) -> None:
    manifest = {"taken_at": datetime.now(UTC).isoformat(), "services": taken}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


def restore_service(service: str, directory: Path, url: str) -> dict[str, int]:
    """Restore into `url`, which must hold no table yet; returns the restored row counts, checked."""
    from common.db import make_engine

    entry = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))["services"][service]
    dump = directory / entry["file"]
    if _sha256(dump) != entry["sha256"]:
        raise BackupFailed(f"{dump.name} : empreinte différente de celle du manifeste (fichier abîmé).")
    engine = make_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise BackupFailed(f"{service} : la base cible n'est pas vide ; restaurez dans une base neuve.")
        if engine.dialect.name == "postgresql":
            dsn, env = libpq_url(url)
            argv = [
                pg_tool("pg_restore"),
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
            ]
            _run([*argv, "-d", dsn, str(dump)], env, "pg_restore")
        else:
            with sqlite3.connect(str(dump)) as source, sqlite3.connect(str(make_url(url).database)) as target:
                source.backup(target)
        counts = row_counts(engine)
    finally:
        engine.dispose()
    if counts != entry["rows"]:
        raise BackupFailed(f"{service} : lignes restaurées {counts} ≠ sauvegardées {entry['rows']}.")
    return counts


def cmd_backup(args: argparse.Namespace) -> int:
    try:
        taken = backup(Path(args.directory), args.service or list(SERVICES))
    except BackupFailed as failure:
        print(f"Sauvegarde échouée : {failure}", file=sys.stderr)
        return 1
    for service, entry in taken.items():
        print(f"{service} : {entry['file']} ({sum(entry['rows'].values())} lignes)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    services = args.service or list(SERVICES)
    if args.database_url and len(services) != 1:
        print("--database-url ne vaut que pour un seul --service.", file=sys.stderr)
        return 2
    try:
        for service in services:
            counts = restore_service(service, Path(args.directory), args.database_url or _store(service)[0])
            print(f"{service} : restauré, {sum(counts.values())} lignes, identiques au manifeste.")
            if service == "profiles":
                from maillage.audit_cli import main_verify

                if main_verify(args.database_url) != 0:
                    return 1
    except BackupFailed as failure:
        print(f"Restauration échouée : {failure}", file=sys.stderr)
        return 1
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    save = sub.add_parser("backup", help="pg_dump each service's database into a directory")
    save.add_argument("directory")
    save.add_argument("--service", action="append", choices=SERVICES, help="repeatable; default: all")
    save.set_defaults(func=cmd_backup)
    load = sub.add_parser("restore", help="pg_restore a backup into fresh, empty databases, then check")
    load.add_argument("directory")
    load.add_argument("--service", action="append", choices=SERVICES, help="repeatable; default: all")
    load.add_argument("--database-url", default=None, help="restore the one --service into this database")
    load.set_defaults(func=cmd_restore)
