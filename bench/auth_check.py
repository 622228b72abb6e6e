"""What checking a token costs on every API call: the signature (PyJWT, HS256) and whether the account
still admits the session (gateway/users.py `admits`, through the per-replica cache), as
`gateway.auth.admitted_session` does. Measured in process, on the SQLite accounts store, cache hit and
cache miss (a miss is what each account costs once per `auth_cache_seconds` on each replica).

    python -m bench.auth_check [--calls 20000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from common.db import make_engine, migrate
from common.identity import Role
from gateway.auth import TokenIssuer
from gateway.bootstrap import MIGRATIONS
from gateway.users import UserStore


def timed(calls: int, work: Callable[[], object]) -> dict[str, float]:
    """p50/p95/p99 in microseconds over `calls` calls (after 200 warm-up calls)."""
    for _ in range(200):
        work()
    samples = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        work()
        samples.append((time.perf_counter_ns() - start) / 1000)
    cuts = statistics.quantiles(samples, n=100)
    return {"p50_us": cuts[49], "p95_us": cuts[94], "p99_us": cuts[98]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    tokens = TokenIssuer("k" * 48, "maillage-gateway", "maillage-api", timedelta(minutes=60))
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'gateway.db'}")
        migrate(engine, MIGRATIONS, version_table="gateway_schema_version")
        cached, uncached = UserStore(engine, cache_seconds=5.0), UserStore(engine, cache_seconds=0.0)
        cached.upsert("camille", "mot-de-passe", Role.REFERENT, "Camille")
        token = tokens.issue("camille", Role.REFERENT)
        session = tokens.claims(token)
        figures = {
            "signature only (before revocation)": timed(args.calls, lambda: tokens.claims(token)),
            "signature + account check, cache hit": timed(
                args.calls, lambda: cached.admits(tokens.claims(token))
            ),
            "account check alone, cache hit": timed(args.calls, lambda: cached.admits(session)),
            "account check alone, cache miss (SQLite)": timed(
                min(args.calls, 2_000), lambda: uncached.admits(session)
            ),
        }
    for name, values in figures.items():
        shown = "  ".join(f"{k[:3]} {v:8.1f} µs" for k, v in values.items())
        print(f"{name:45s} {shown}")


if __name__ == "__main__":
    main()
