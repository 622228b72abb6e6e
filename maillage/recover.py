"""`maillage recover`: bring the distributed platform back after a lost server, in one idempotent command.

maillage recover [--timeout S] [--reindex auto|always|never]

The same sequence fits every failure of docs/reliability.md ("Recovery drill"), so an operator need not
first diagnose which server was lost; each step is a no-op when its part is intact:

1. PostgreSQL: wait until every service's database answers, then `migrate` each to head (a restored or
   re-created database gets its schema; an intact one is untouched).
2. Kafka: create the topics when missing (a broker whose log directories were lost starts with none).
3. Elasticsearch: create the index and alias when missing, then rebuild the index from the offers service
   (`maillage reindex`) when it does not hold as many offers as the store (an emptied node, events lost
   with Kafka's logs, a store restored from a backup). PostgreSQL is the source of truth; the index and
   the topics are derived from it.

Exit 0 once all three hold. Restarting the matching consumer (its committed offsets live in Kafka) and
re-running an import that failed (idempotent by source id) are the operator's, see docs/reliability.md.
Register with `maillage.recover.add_parser(sub)` in maillage/cli.py's build_parser.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from maillage.ops import SERVICES, _store

Step = Callable[[], str]


def _wait_for(what: str, probe: Callable[[], object], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            probe()
            return
        except Exception as exc:  # any failure to answer: the server is still coming back
            if time.monotonic() >= deadline:
                message = f"maillage recover: {what} still unreachable after {timeout_s:.0f}s: {exc}"
                raise SystemExit(message) from exc
            time.sleep(1.0)


def _databases(timeout_s: float) -> str:
    from sqlalchemy import text

    from common.db import make_engine
    from maillage.ops import cmd_migrate

    for service in SERVICES:
        url, _scripts, _table = _store(service)
        engine = make_engine(url)

        def ping(engine: Any = engine) -> None:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))

        _wait_for(f"the {service} database", ping, timeout_s)
        engine.dispose()
        cmd_migrate(argparse.Namespace(service=service))
    return f"{len(SERVICES)} databases reachable, schemas at head"


def _topics(timeout_s: float) -> str:
    from common.messaging.kafka import KafkaBus
    from contracts.events import ALL_TOPICS
    from services.matching.settings import MatchingSettings

    settings = MatchingSettings()
    bus = KafkaBus(settings.kafka_bootstrap, client_id="maillage-recover", topic_prefix=settings.topic_prefix)
    _wait_for("Kafka", lambda: bus.ensure_topics(ALL_TOPICS, settings.topic_partitions), timeout_s)
    return f"{len(ALL_TOPICS)} topics present"


def _index(timeout_s: float, reindex: str) -> str:
    from maillage import distributed

    components = distributed._matching()
    service = components.service
    _wait_for("Elasticsearch", service.index.ensure, timeout_s)
    indexed = service.index.count()
    stored = sum(1 for _ in service.offers.iter_offers())
    if not must_rebuild(indexed, stored, reindex):
        return f"index holds {indexed} offers of {stored}: kept"
    started = time.monotonic()
    written = service.rebuild_index()
    return (
        f"index held {indexed} offers of {stored}: rebuilt with {written} in "
        f"{time.monotonic() - started:.1f}s, alias swapped"
    )


def must_rebuild(indexed: int, stored: int, reindex: str) -> bool:
    """Whether the index must be rebuilt from the store. Fewer documents than offers: some were lost (an
    emptied node, events gone with Kafka's logs); more: the store went back in time (restored from a
    backup) and the index holds offers it no longer has. Either way the store is the truth."""
    if reindex == "always":
        return True
    return reindex == "auto" and indexed != stored


def cmd_recover(args: argparse.Namespace) -> int:
    started = time.monotonic()
    steps: list[tuple[str, Step]] = [
        ("postgresql", lambda: _databases(args.timeout)),
        ("kafka", lambda: _topics(args.timeout)),
        ("elasticsearch", lambda: _index(args.timeout, args.reindex)),
    ]
    for name, step in steps:
        t0 = time.monotonic()
        outcome = step()
        print(f"Maillage recover: {name}: {outcome} ({time.monotonic() - t0:.1f}s).", flush=True)
    print(f"Maillage recover: done in {time.monotonic() - started:.1f}s.", flush=True)
    return 0


def add_parser(sub: Any) -> None:
    recover = sub.add_parser(
        "recover", help="after a lost server: databases migrated, topics created, index rebuilt if it differs"
    )
    recover.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each server")
    recover.add_argument(
        "--reindex",
        choices=("auto", "always", "never"),
        default="auto",
        help="auto: rebuild the index when its count differs from the store's",
    )
    recover.set_defaults(func=cmd_recover)
