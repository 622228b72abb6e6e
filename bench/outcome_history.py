"""What a suggestion and a dashboard report read about outcomes as their history grows (issue 18).

A suggestion lowers the offers of employers who leave proposals unanswered, and shows under each offer how
its employer answers. Until 2026-12-01 it counted every outcome and every open proposal ever recorded, and
read every proposal ever shared with the employers shown, on each request
(bench/baseline/outcome_reads_v0.py). It now reads one running record per employer among its
candidates, their overdue proposals alone, and the latest 100 proposals of each employer shown. A dashboard
report counted outcomes by status and by reason over the whole table; it now reads the running totals kept
with each outcome. A référent's follow-up and a coordinator's page (20 référents) found the proposals those
référents made by reading every outcome, and read whole rows through the ORM; they now find them through an
index (migration 0008) and read plain columns. Both ways, in the same units of work on the same PostgreSQL
store, at each size of history:

    python -m scripts.rig run -- python -m bench.outcome_history [--outcomes 0,100000,1000000] [--reads 200]
    python -m bench.outcome_history --store sqlite     # embedded mode's store, no servers

Outcomes go to `--employers` employers, skewed (a few large employers receive most proposals), recorded by
`--referents` référents (each person has one); a quarter as many proposals are shared, a fifth of them still
open. A suggestion's reads ask for the employers of 100
candidates and of the 20 shown, drawn the same way. Results: bench/results/outcome-history[-sqlite].json.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine

from bench.baseline import outcome_reads_v0 as before
from bench.common import percentiles, say, write_result
from common.db import make_engine, migrate
from contracts.proposals import RESPONSIVENESS_OVER_LATEST
from scripts.databases import scratch_database
from services.matching.adapters.outcomes_sql import OutcomeRow
from services.matching.adapters.proposals_sql import EmployerProposalRow
from services.matching.adapters.sql import sql_units_of_work
from services.matching.bootstrap import MIGRATIONS
from services.matching.domain.proposals import overdue_cutoff

COMMAND = "python -m scripts.rig run -- python -m bench.outcome_history"
CANDIDATES = 100
SHOWN = 20  # the suggestions shown, whose employers' responsiveness is read
BATCH = 20_000
COORDINATED = 20  # the référents of one structure, on a coordinator's page
FOLLOW_UP_INDEX = (
    "ix_outcome_recorded_by"  # migration 0008's; dropped for "before", then made again as it was
)
# Where each database keeps the statement that made an index.
INDEX_DEFINITION = {
    "postgresql": "SELECT indexdef FROM pg_indexes WHERE indexname = :name",
    "sqlite": "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :name",
}
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def employer(rng: random.Random, employers: int) -> str:
    return f"e{int(employers * rng.random() ** 3)}"  # skewed: e0 … receive most


def fill(engine: Engine, rng: random.Random, start: int, stop: int, employers: int, referents: int) -> None:
    """Outcomes `start`..`stop` (a proposal, then sometimes a refusal for « no answer »), a quarter as many
    shared proposals, written in bulk (the database's trigger keeps the running counts)."""
    outcomes, proposals = OutcomeRow.__table__, EmployerProposalRow.__table__  # type: ignore[attr-defined]
    for low in range(start, stop, BATCH):
        rows, shared = [], []
        for i in range(low, min(stop, low + BATCH)):
            who, pair = employer(rng, employers), (f"p{i // 4}", f"o{i // 2}")
            referent = f"r{(i // 4) % referents}"  # the person's référent
            status, reason = ("refused", "no_answer") if i % 2 and rng.random() < 0.3 else ("proposed", None)
            when = NOW - timedelta(days=rng.uniform(0, 730))
            rows.append(
                {
                    "id": uuid.uuid4().hex,
                    "profile_id": pair[0],
                    "offer_id": pair[1],
                    "employer_id": who,
                    "status": status,
                    "reason": reason,
                    "recorded_by": referent,
                    "recorded_at": when,
                }
            )
            if i % 4 == 0:
                open_ = rng.random() < 0.2
                shared.append(
                    {
                        "id": uuid.uuid4().hex,
                        "profile_id": pair[0],
                        "offer_id": pair[1],
                        "employer_id": who,
                        "referent_id": referent,
                        "relevant_skills": [],
                        "proposed_at": when,
                        "first_answered_at": None if open_ else when,
                        "closed": False,
                        "unread": False,
                    }
                )
        with engine.begin() as connection:
            connection.execute(outcomes.insert(), rows)
            if shared:
                connection.execute(proposals.insert(), shared)
    settle = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(settle))  # as autovacuum leaves a table that has settled


def timed(call: Callable[[], Any], reads: int) -> dict[str, float]:
    call()  # warm: plans cached, pages in memory
    samples = []
    for _ in range(reads):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def measure(engine: Engine, rng: random.Random, employers: int, referents: int, reads: int) -> dict[str, Any]:
    cutoff = overdue_cutoff(NOW)
    units = sql_units_of_work(engine)

    def whole_history() -> None:
        with units() as uow:  # the same unit of work as the product's, only the queries differ
            before.employer_records(uow.session)
            before.overdue_by_employer(uow.session, cutoff)
        with units() as uow:
            before.timings(uow.session, {employer(rng, employers) for _ in range(SHOWN)})

    def candidates_only() -> None:
        ids = {employer(rng, employers) for _ in range(CANDIDATES)}
        with units() as uow:
            uow.outcomes.employer_records(ids)
            uow.proposals.overdue_by_employer(cutoff, ids)
        with units() as uow:
            uow.proposals.timings(
                {employer(rng, employers) for _ in range(SHOWN)}, RESPONSIVENESS_OVER_LATEST
            )

    def totals_counted() -> None:
        with units() as uow:
            before.totals(uow.session)

    def totals_kept() -> None:
        with units() as uow:
            uow.outcomes.totals()

    return {
        "suggestion": {"before": timed(whole_history, reads), "after": timed(candidates_only, reads)},
        "dashboard_totals": {"before": timed(totals_counted, reads), "after": timed(totals_kept, reads)},
        **follow_up_reads(engine, rng, referents, reads),
    }


def follow_up_reads(engine: Engine, rng: random.Random, referents: int, reads: int) -> dict[str, Any]:
    """A référent's follow-up and a coordinator's page: before, the whole rows through the ORM with
    migration 0008's index dropped (bench/baseline/outcome_reads_v0.py); after, the product's reads with
    the index created again, since the beginning and over the page's default period."""
    units = sql_units_of_work(engine)

    def follow_up(old: bool) -> Callable[[], None]:
        def read() -> None:
            referent = f"r{rng.randrange(referents)}"
            with units() as uow:
                if old:
                    before.proposed_by(uow.session, referent)
                else:
                    uow.outcomes.proposed_by(referent)

        return read

    def coordinator(old: bool, since: datetime | None = None) -> Callable[[], None]:
        def read() -> None:
            structure = [f"r{rng.randrange(referents)}" for _ in range(COORDINATED)]
            with units() as uow:
                if old:
                    before.of_proposals_by(uow.session, structure)
                else:
                    uow.outcomes.of_proposals_by(structure, since)

        return read

    with engine.connect() as connection:
        made_by = connection.execute(
            text(INDEX_DEFINITION[engine.dialect.name]), {"name": FOLLOW_UP_INDEX}
        ).scalar_one()
    figures: dict[str, dict[str, Any]] = {"referent_follow_up": {}, "coordinator_page": {}}
    for when, statement in (("before", f"DROP INDEX {FOLLOW_UP_INDEX}"), ("after", made_by)):
        with engine.begin() as connection:
            connection.execute(text(statement))
            connection.execute(text("ANALYZE outcome"))
        figures["referent_follow_up"][when] = timed(follow_up(when == "before"), reads)
        figures["coordinator_page"][when] = timed(coordinator(when == "before"), max(reads // 4, 10))
    # What the page reads by default: the last 12 months (the history above spans two years).
    figures["coordinator_page"]["after_12_months"] = timed(
        coordinator(False, NOW - timedelta(days=365)), max(reads // 4, 10)
    )
    return figures


def run(sizes: list[int], reads: int, employers: int, referents: int, store: str) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "store": store,
        "employers": employers,
        "referents": referents,
        "candidates": CANDIDATES,
        "sizes": {},
    }
    with _store(store) as url:
        engine = make_engine(url)
        migrate(engine, MIGRATIONS, "matching_schema_version")
        rng, done = random.Random(18), 0
        for size in sizes:
            say(f"filling the history to {size} outcomes ({store})")
            fill(engine, rng, done, size, employers, referents)
            done = size
            figures["sizes"][str(size)] = row = measure(engine, rng, employers, referents, reads)
            say(f"{size} outcomes: {row}")
        engine.dispose()
    return figures


@contextmanager
def _store(store: str) -> Iterator[str]:
    """A fresh matching store: a database on the rig's PostgreSQL, or an SQLite file (embedded mode)."""
    if store == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/matching.db"
        return
    with scratch_database(os.environ["MAILLAGE_TEST_PG"], "bench_history") as url:  # set by scripts.rig
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--outcomes", default="0,100000,1000000")
    parser.add_argument("--reads", type=int, default=200)
    parser.add_argument("--employers", type=int, default=5000)
    parser.add_argument("--referents", type=int, default=1000)
    parser.add_argument("--store", default="postgresql", choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.outcomes.split(",")]
    name = "outcome-history" + ("-sqlite" if args.store == "sqlite" else "")
    figures = run(sizes, args.reads, args.employers, args.referents, args.store)
    write_result(name, figures, COMMAND)


if __name__ == "__main__":
    main()
