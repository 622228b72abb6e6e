"""Operations commands for a cluster: run by Kubernetes Jobs and by the matching consumer's Deployment.

maillage migrate offers|profiles|matching|gateway   bring one store to the newest schema, then exit
maillage ensure-index                               create the offer index and its alias when missing
maillage reindex                                    rebuild the offer index from offers, swap alias
maillage consume-serve matching [--port P]          the matching consumer with /healthz and /readyz on P

Register with `maillage.ops.add_parser(sub)` in maillage/cli.py's build_parser.
"""

from __future__ import annotations

import argparse
import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("maillage.ops")

SERVICES = ("offers", "profiles", "matching", "gateway")
# Any fixed 64-bit key: concurrent `migrate` runs (a Job retried while a pod starts) take turns.
_MIGRATION_LOCK_KEY = 0x4D41494C4C414745


def _store(service: str) -> tuple[str, Path, str]:
    """The database URL, migration scripts and version table of one service."""
    if service == "offers":
        from services.offers import bootstrap as offers_bootstrap
        from services.offers.settings import OffersSettings

        return OffersSettings().offers_database_url, offers_bootstrap.MIGRATIONS, "offers_schema_version"
    if service == "profiles":
        from services.profiles import bootstrap as profiles_bootstrap
        from services.profiles.settings import ProfilesSettings

        return (
            ProfilesSettings().profiles_database_url,
            profiles_bootstrap.MIGRATIONS,
            "profiles_schema_version",
        )
    if service == "matching":
        from services.matching import bootstrap as matching_bootstrap
        from services.matching.settings import MatchingSettings

        return (
            MatchingSettings().matching_database_url,
            matching_bootstrap.MIGRATIONS,
            "matching_schema_version",
        )
    if service == "gateway":
        from gateway import bootstrap as gateway_bootstrap
        from gateway.settings import GatewaySettings

        return GatewaySettings().gateway_database_url, gateway_bootstrap.MIGRATIONS, "gateway_schema_version"
    raise ValueError(f"unknown service {service!r}")


def cmd_migrate(args: argparse.Namespace) -> int:
    from common.db import make_engine, migrate

    url, scripts, version_table = _store(args.service)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        # A session-level advisory lock serialises migrations of the same store across pods and Jobs.
        with engine.connect() as lock:
            lock.exec_driver_sql(f"SELECT pg_advisory_lock({_MIGRATION_LOCK_KEY})")
            try:
                migrate(engine, scripts, version_table)
            finally:
                lock.exec_driver_sql(f"SELECT pg_advisory_unlock({_MIGRATION_LOCK_KEY})")
                lock.commit()
    else:
        migrate(engine, scripts, version_table)
    engine.dispose()
    print(f"Maillage {args.service}: schema at head.", flush=True)
    return 0


def cmd_ensure_index(args: argparse.Namespace) -> int:
    from services.matching.adapters.encoders import make_text_encoder
    from services.matching.bootstrap import make_index
    from services.matching.settings import MatchingSettings

    settings = MatchingSettings()
    index = make_index(settings, make_text_encoder(settings.encoder).dimensions)
    index.ensure()
    print(f"Maillage: index alias {settings.index_alias} ready.", flush=True)
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    from maillage import distributed

    components = distributed._matching()
    started = time.monotonic()
    count = components.service.rebuild_index()
    print(
        f"Maillage: rebuilt the offer index with {count} offers in {time.monotonic() - started:.1f}s "
        "and swapped the alias.",
        flush=True,
    )
    return 0


def _tcp_reachable(bootstrap: str, timeout_s: float = 2.0) -> bool:
    for server in filter(None, (s.strip() for s in bootstrap.split(","))):
        host, _, port = server.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout_s):
                return True
        except (OSError, ValueError):
            continue
    return False


def cmd_consume_serve(args: argparse.Namespace) -> int:
    """The matching consumer, plus an HTTP port for Kubernetes probes (the consumer has no API of its own).

    /healthz fails when the consumer thread has died (the pod is restarted); /readyz fails while the store,
    the index or Kafka cannot be reached.
    """
    import uvicorn
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    from common.db import database_reachable
    from maillage import distributed

    components = distributed._matching()
    worker = components.consumer()
    worker.start("matching-consumer")
    checks: dict[str, Callable[[], bool]] = {
        "database": lambda: database_reachable(components.engine),
        "kafka": lambda: _tcp_reachable(components.settings.kafka_bootstrap),
    }
    reachable = getattr(components.service.index, "reachable", None)
    if callable(reachable):
        checks["index"] = reachable

    app = FastAPI(title="Maillage matching consumer", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        thread = worker._thread
        alive = thread is not None and thread.is_alive()
        body: dict[str, Any] = {"status": "ok" if alive else "stopped", "processed": worker.stats.processed}
        return JSONResponse(body, status_code=200 if alive else 503)

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        results = {name: bool(check()) for name, check in checks.items()}
        ok = all(results.values())
        return JSONResponse(
            {"status": "ready" if ok else "unavailable", "checks": results}, 200 if ok else 503
        )

    config = uvicorn.Config(
        app, host=args.host, port=args.port, log_level="warning", access_log=False, proxy_headers=False
    )
    server = uvicorn.Server(config)
    print(f"Maillage matching consumer started; probes on http://{args.host}:{args.port}/", flush=True)
    server.run()  # installs its own SIGTERM/SIGINT handlers and returns on either
    worker.stop(timeout_s=10)
    return 0


def add_parser(sub: Any) -> None:
    """Add the operations commands to the `maillage` command's subparsers."""
    migrate = sub.add_parser("migrate", help="migrate one service's store to the newest schema")
    migrate.add_argument("service", choices=SERVICES)
    migrate.set_defaults(func=cmd_migrate)

    sub.add_parser("ensure-index", help="create the offer index and alias if missing").set_defaults(
        func=cmd_ensure_index
    )
    sub.add_parser(
        "reindex", help="rebuild the offer index from the offers service (alias swap)"
    ).set_defaults(func=cmd_reindex)

    serve = sub.add_parser("consume-serve", help="run a consumer with an HTTP port for health probes")
    serve.add_argument("consumer", choices=["matching"])
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=8081)
    serve.set_defaults(func=cmd_consume_serve)
