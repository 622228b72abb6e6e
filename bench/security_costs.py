"""What the issue-17 safeguards cost on PostgreSQL: one audit row chained at commit (advisory lock,
head read, insert), `maillage audit verify` over many rows, a shared sign-in limit check, signing and
checking a service token, and `maillage backup`/`restore` of the profiles database.

    MAILLAGE_TEST_PG=postgresql+psycopg://… python -m bench.security_costs [--rows 20000]
    (or: python -m scripts.rig run --only pg -- python -m bench.security_costs)
    python -m bench.security_costs --tokens-only   # the service tokens alone, no database
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

import jwt

from bench.auth_check import timed
from common.db import make_engine, migrate
from common.identity import Caller, Role
from common.service_tokens import ServiceSigner, ServiceVerifier, generate_key_pair
from gateway.bootstrap import MIGRATIONS as GATEWAY_MIGRATIONS
from gateway.shared_limits import SharedRateLimiter
from maillage.backup import backup_service, restore_service, write_manifest
from scripts.databases import create_databases, database_url, drop_databases
from services.profiles.adapters.audit_maintenance import verify_chain
from services.profiles.adapters.sql import sql_units_of_work
from services.profiles.bootstrap import MIGRATIONS as PROFILES_MIGRATIONS


def _audit_costs(url: str, rows: int) -> None:
    engine = make_engine(url)
    migrate(engine, PROFILES_MIGRATIONS, "profiles_schema_version")
    units = sql_units_of_work(engine)

    def one_row() -> None:
        with units() as uow:
            uow.audit.record("bench", "referent", "read", uuid.uuid4().hex)
            uow.commit()

    print("audit row chained at commit (µs):", timed(2000, one_row))
    with units() as uow:
        for i in range(rows):
            uow.audit.record("bench", "referent", "list", f"p{i}")
        uow.commit()
    started = time.perf_counter()
    report = verify_chain(engine, None)
    elapsed = time.perf_counter() - started
    print(f"verify: {report.rows} rows in {elapsed:.2f} s ({report.rows / elapsed:,.0f} rows/s)")
    engine.dispose()


def _backup_costs(url: str, target: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        entry = backup_service("profiles", url, Path(scratch))
        dumped = time.perf_counter() - started
        write_manifest(Path(scratch), {"profiles": entry})
        started = time.perf_counter()
        restore_service("profiles", Path(scratch), target)
        restored = time.perf_counter() - started
        size = (Path(scratch) / entry["file"]).stat().st_size
    rows = sum(entry["rows"].values())
    print(
        f"backup: {rows} rows, {size / 1e6:.1f} MB dump in {dumped:.2f} s; restore + check {restored:.2f} s"
    )


def _service_token_costs() -> None:
    """Ed25519 (what the platform signs with) beside HS256 (what it signed with before), same run."""
    private, public = generate_key_pair()
    signer, verifier = ServiceSigner.from_pem(private), ServiceVerifier.from_pem(public)
    caller = Caller("bench", Role.REFERENT)
    print("service token sign, Ed25519 (µs):", timed(20_000, lambda: signer.sign("offers", caller)))
    token = signer.sign("offers", caller, ttl_s=3600)
    print("service token check, Ed25519 (µs):", timed(20_000, lambda: verifier.verify("offers", token)))
    secret, claims = "k" * 64, jwt.decode(token, options={"verify_signature": False})
    print(
        "HS256 sign, same claims (µs):", timed(20_000, lambda: jwt.encode(claims, secret, algorithm="HS256"))
    )
    hs256 = jwt.encode(claims, secret, algorithm="HS256")
    audience = claims["aud"]
    print(
        "HS256 check, same claims (µs):",
        timed(20_000, lambda: jwt.decode(hs256, secret, algorithms=["HS256"], audience=audience)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--tokens-only", action="store_true", help="only the service tokens' costs")
    args = parser.parse_args()
    if args.tokens_only:
        _service_token_costs()
        return
    server = os.environ["MAILLAGE_TEST_PG"]
    names = [f"bench_{uuid.uuid4().hex[:8]}" for _ in range(3)]
    create_databases(server, names)
    try:
        profiles, restored, gateway = (database_url(server, n) for n in names)
        _audit_costs(profiles, args.rows)
        _backup_costs(profiles, restored)
        engine = make_engine(gateway)
        migrate(engine, GATEWAY_MIGRATIONS, "gateway_schema_version")
        limiter = SharedRateLimiter(engine, "login_user", 10**9, 60)
        print("shared sign-in limit check (µs):", timed(2000, lambda: limiter.hit(uuid.uuid4().hex[:8])))
        engine.dispose()
        _service_token_costs()
    finally:
        drop_databases(server, names)


if __name__ == "__main__":
    main()
