"""The recovery drill (issue 17): lose a server, run the documented recovery, check that nothing was lost.

    make drill    # MAILLAGE_RIG_PG_DURABLE=1 python -m scripts.rig run -- python -m bench.recovery_drill
    ... -m bench.recovery_drill [--offers 10000] [--people 2000] [--ingest 2000] [--scenarios a,b,c]

On the distributed platform (bench/stack.py: four services and the matching consumer, each its own process,
on the rig's real Kafka, Elasticsearch and PostgreSQL) it imports `--offers` offers, creates `--people`
people through the gateway, records outcomes (each after a read of the suggestions: audit rows), waits until
everything is indexed and takes a snapshot (bench/recovery_state.py). Then, one after the other:

  (a) Elasticsearch's data directory is lost: node killed, data path deleted, node started empty;
  (b) Kafka's log directories are lost: broker killed, log dirs deleted and formatted, broker started empty;
  (c) PostgreSQL is killed with SIGKILL while `maillage import-offers` of `--ingest` new offers is writing.

After each: the documented recovery (docs/reliability.md): the server back (the rig restarts it, as
Kubernetes would), `maillage recover`, the consumer restarted for (b), the failed import re-run for (c).
Then the snapshot is compared (every row count, the audit rows and chain, the index, the suggestions of
the sample) and one offer is posted to show the pipeline flows. Times go to bench/results/recovery.json.

PostgreSQL runs with its default durability (MAILLAGE_RIG_PG_DURABLE=1): the rig's test settings
(synchronous_commit=off) would let a kill -9 drop commits already acknowledged. The encoder defaults to the
lexical `hashing` one and no occupation linker, as the fault tests do: recovery is under test, and it keeps
the drill to minutes on two cores (`--encoder use --linker use` runs the product's).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import recovery_state as state
from bench.common import ROOT, load, say, write_result
from bench.stack import Distributed, servers
from scripts.rig import control

COMMAND = "make drill (MAILLAGE_RIG_PG_DURABLE=1 python -m scripts.rig run -- python -m bench.recovery_drill)"


def recover(stack: Distributed) -> tuple[float, str]:
    """`maillage recover`, as an operator runs it, with the platform's settings."""
    started = time.monotonic()
    argv = [sys.executable, "-m", "maillage.cli", "recover", "--timeout", "300"]
    env = {**stack.env, **stack.keys.env_for("matching")}  # it rebuilds the index as matching does
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"maillage recover failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return time.monotonic() - started, done.stdout.strip()


def healthy(stack: Distributed, timeout_s: float = 300) -> float:
    """Seconds until every service answers /readyz with 200."""
    import httpx

    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        try:
            if all(httpx.get(f"{u}/readyz", timeout=5).status_code == 200 for u in stack.urls.values()):
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the services are not ready")


class Drill:
    def __init__(self, stack: Distributed, rig: str, work: Path, args: argparse.Namespace) -> None:
        self.stack, self.rig, self.work, self.args = stack, rig, work, args
        self.referent = stack.login("referent")
        self.employer = stack.login("employer")
        self.added = 0  # offers added since the snapshot (import of (c), probes)
        self.results: dict[str, Any] = {}

    def load_data(self) -> state.Snapshot:
        args, stack = self.args, self.stack
        started = time.monotonic()
        path = state.write_import(self.work / "offers.csv", args.offers, "drill", state.base_offer_places())
        done = state.run_import(stack, path)
        if done.returncode != 0:
            raise RuntimeError(done.stdout[-2000:] + done.stderr[-2000:])
        imported_s = time.monotonic() - started
        t0 = time.monotonic()
        people = state.create_people(stack, self.referent, args.people)
        people_s = time.monotonic() - t0
        settle_s = state.settled(stack, args.offers, timeout_s=3600)
        t0 = time.monotonic()
        sample = people[:: max(1, len(people) // args.sample)][: args.sample]
        outcomes = state.record_outcomes(stack, self.referent, people[: args.outcome_people])
        outcomes_s = time.monotonic() - t0
        state.settled(stack, args.offers, timeout_s=600)
        snapshot = state.take(stack, self.referent, sample)
        self.results["load"] = {
            "offers": args.offers,
            "people": args.people,
            "outcomes_recorded": outcomes,
            "import_s": round(imported_s, 1),
            "people_s": round(people_s, 1),
            "indexed_after_s": round(settle_s, 1),
            "outcomes_s": round(outcomes_s, 1),
            "load_1m": round(load()[0], 2),
            "snapshot": snapshot.as_dict(),
        }
        state.say_counts("snapshot", snapshot)
        return snapshot

    def check(self, before: state.Snapshot, name: str, steps: dict[str, float], t_break: float) -> None:
        steps["settled_s"] = round(state.settled(self.stack, before.indexed + self.added, 600), 1)
        diff = state.differences(before, self.stack, self.referent, self.added)
        recovered_s = time.monotonic() - t_break
        t0 = time.monotonic()
        state.post_probe(self.stack, self.employer, f"probe-{name}")
        self.added += 1
        state.settled(self.stack, before.indexed + self.added, 300)
        probe_s = time.monotonic() - t0
        self.results[name] = {
            "steps_s": steps,
            "time_to_recover_s": round(recovered_s, 1),
            "probe_offer_indexed_s": round(probe_s, 1),
            "differences": diff,
            "identical": not diff,
            "load_1m": round(load()[0], 2),
        }
        say(f"({name}) recovered in {recovered_s:.1f}s, differences: {diff or 'none'}")

    def scenario_es(self, before: state.Snapshot) -> None:
        t_break = time.monotonic()
        control.wipe_server(self.rig, "es")
        steps = {"server_back_s": round(time.monotonic() - t_break, 1)}
        recover_s, report = recover(self.stack)
        steps |= {"recover_s": round(recover_s, 1), "ready_s": round(healthy(self.stack), 1)}
        say(report)
        self.check(before, "a_elasticsearch_data_lost", steps, t_break)

    def scenario_kafka(self, before: state.Snapshot) -> None:
        t_break = time.monotonic()
        control.wipe_server(self.rig, "kafka")
        steps = {"server_back_s": round(time.monotonic() - t_break, 1)}
        recover_s, report = recover(self.stack)
        say(report)
        t0 = time.monotonic()
        self.stack.start_consumer(self.stack.cache)  # its committed offsets were in the lost logs
        steps |= {"recover_s": round(recover_s, 1), "consumer_restart_s": round(time.monotonic() - t0, 1)}
        steps["ready_s"] = round(healthy(self.stack), 1)
        self.check(before, "b_kafka_logs_lost", steps, t_break)

    def scenario_postgres(self, before: state.Snapshot) -> None:
        n, stack = self.args.ingest, self.stack
        path = state.write_import(self.work / "ingest.csv", n, "drill-c", state.far_communes())
        outcome: dict[str, subprocess.CompletedProcess[str]] = {}
        importer = threading.Thread(target=lambda: outcome.setdefault("first", state.run_import(stack, path)))
        importer.start()
        caught = wait_for_import_writing(stack.db_urls["offers"], importer.is_alive)
        t_break = time.monotonic()
        control.kill_server(self.rig, "pg")
        importer.join()
        steps: dict[str, float] = {}
        control.start_server(self.rig, "pg")
        steps["server_back_s"] = round(time.monotonic() - t_break, 1)
        recover_s, report = recover(stack)
        say(report)
        t0 = time.monotonic()
        retry = state.run_import(stack, path)
        steps |= {"recover_s": round(recover_s, 1), "import_retry_s": round(time.monotonic() - t0, 1)}
        steps["ready_s"] = round(healthy(stack), 1)
        self.added += n
        self.check(before, "c_postgres_killed_mid_import", steps, t_break)
        self.results["c_postgres_killed_mid_import"] |= {
            "killed_while_writing": caught,
            "first_import_exit": outcome["first"].returncode,
            "retry_exit": retry.returncode,
            "import_offers": import_counts(stack.db_urls["offers"], "drill-c-", n),
        }


def wait_for_import_writing(url: str, running: Callable[[], bool], timeout_s: float = 600) -> bool:
    """Until the import's transaction inserts offers (seen in pg_stat_activity); False if it ended first."""
    engine = create_engine(url)
    sql = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND query ILIKE 'INSERT INTO offer%'"
    )
    deadline = time.monotonic() + timeout_s
    try:
        with engine.connect() as connection:
            while running() and time.monotonic() < deadline:
                if int(connection.execute(sql).scalar_one()) > 0:
                    return True
                connection.rollback()
                time.sleep(0.02)
    finally:
        engine.dispose()
    return False


def import_counts(url: str, prefix: str, n: int) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT count(*), count(DISTINCT source_id) FROM offer WHERE source_id LIKE :p"),
                {"p": f"{prefix}%"},
            ).one()
    finally:
        engine.dispose()
    return {"in_file": n, "stored": int(rows[0]), "distinct": int(rows[1]), "lost": n - int(rows[1]),
            "duplicated": int(rows[0]) - int(rows[1])}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recovery_drill", description=__doc__)
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--ingest", type=int, default=2_000, help="offers of the import killed in (c)")
    parser.add_argument("--sample", type=int, default=20, help="people whose suggestions are compared")
    parser.add_argument("--outcome-people", type=int, default=200)
    parser.add_argument("--scenarios", default="a,b,c")
    parser.add_argument("--encoder", default="hashing")
    parser.add_argument("--linker", default="none")
    parser.add_argument("--result", default="recovery", help="bench/results/<name>.json")
    args = parser.parse_args(argv)
    os.environ.setdefault("MAILLAGE_ENCODER", args.encoder)
    os.environ.setdefault("MAILLAGE_LINKER", args.linker)
    rig = servers().get("rig_dir")
    if not rig:
        raise SystemExit("the drill stops and wipes servers: run it under `python -m scripts.rig run`")
    if os.environ.get("MAILLAGE_RIG_PG_DURABLE") != "1":
        say("warning: MAILLAGE_RIG_PG_DURABLE is not 1: PostgreSQL may lose acknowledged commits at a kill")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="drill-") as work, Distributed() as stack:
        drill = Drill(stack, rig, Path(work), args)
        before = drill.load_data()
        scenarios = {"a": drill.scenario_es, "b": drill.scenario_kafka, "c": drill.scenario_postgres}
        for key in args.scenarios.split(","):
            say(f"scenario ({key})")
            scenarios[key.strip()](before)
        drill.results["settings"] = {
            "encoder": os.environ["MAILLAGE_ENCODER"],
            "linker": os.environ["MAILLAGE_LINKER"],
            "pg_durable": os.environ.get("MAILLAGE_RIG_PG_DURABLE") == "1",
            "wall_s": round(time.monotonic() - started, 1),
        }
        write_result(args.result, drill.results, COMMAND)
    lost = [k for k, v in drill.results.items() if isinstance(v, dict) and v.get("identical") is False]
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
