"""Start the platform for a benchmark: the distributed processes on the rig's servers, or `maillage run`.

The servers come from `python -m scripts.rig run -- …` (MAILLAGE_TEST_KAFKA/ES/PG) or from a rig
started with `python -m scripts.rig start --dir D` (pass BENCH_RIG_DIR=D). Each run gets its own
databases, topics, consumer group and index alias, and removes them at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import CACHE, ROOT, say
from bench.process_meters import tree_rss_mb
from common.service_tokens import DistributedKeys
from scripts.databases import create_databases, database_url, drop_databases
from scripts.processes import free_port, spawn, stop_processes, wait_healthy
from services.matching.settings import MatchingSettings

SERVICES = ("offers", "profiles", "matching", "gateway")
CONSUMER_READY = b"Maillage matching consumer started."  # maillage/cli.py, printed once it consumes
# The occupation linker's label vectors, shared with the tests (tests/conftest.py): a warm start takes
# seconds where a cold one takes a minute or two per process.
LINKING_CACHE = ROOT / ".cache" / "linking"
CACHE_ON = str(MatchingSettings.model_fields["embedding_cache_entries"].default)
BENCH_ENV = {
    "MAILLAGE_LINKING_CACHE": os.environ.get("MAILLAGE_LINKING_CACHE", str(LINKING_CACHE)),
    # Measuring, not defending: the gateway's per-user limits would throttle the load generator.
    "MAILLAGE_SUGGESTIONS_PER_MINUTE": "100000000",
    "MAILLAGE_LOGIN_ATTEMPTS_PER_MINUTE": "100000",
    "MAILLAGE_LOGIN_ATTEMPTS_PER_MINUTE_PER_IP": "100000",
    "MAILLAGE_LOG_LEVEL": "WARNING",
    "TOKENIZERS_PARALLELISM": "false",
}


def servers() -> dict[str, str]:
    env = dict(os.environ)
    rig_dir = os.environ.get("BENCH_RIG_DIR") or os.environ.get("MAILLAGE_RIG_DIR")
    if rig_dir and not env.get("MAILLAGE_TEST_ES"):
        for line in (Path(rig_dir) / "env").read_text().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
    missing = [k for k in ("MAILLAGE_TEST_KAFKA", "MAILLAGE_TEST_ES", "MAILLAGE_TEST_PG") if not env.get(k)]
    if missing:
        raise SystemExit(
            f"{', '.join(missing)} unset: run `python -m scripts.rig run -- python -m bench.…` "
            "or set BENCH_RIG_DIR to a directory of `python -m scripts.rig start --dir D`."
        )
    out = {"kafka": env["MAILLAGE_TEST_KAFKA"], "es": env["MAILLAGE_TEST_ES"], "pg": env["MAILLAGE_TEST_PG"]}
    if env.get("MAILLAGE_RIG_DIR") or rig_dir:
        out["rig_dir"] = env.get("MAILLAGE_RIG_DIR") or rig_dir or ""
    return out


def server_pids() -> dict[str, int]:
    """The rig's Kafka, Elasticsearch and PostgreSQL processes (the top of each tree)."""
    rig_dir = servers().get("rig_dir")
    if not rig_dir:
        return {}
    specs = json.loads((Path(rig_dir) / "pids.json").read_text())["servers"]
    return {name: int(spec["pid"]) for name, spec in specs.items() if spec.get("pid")}


def server_rss_mb() -> dict[str, float]:
    """RSS of the rig's Kafka, Elasticsearch and PostgreSQL (each with its children)."""
    return {name: tree_rss_mb(pid) for name, pid in server_pids().items()}


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """The shared wait with the benchmarks' patience (twice the tests'), raising a RuntimeError."""
    wait_healthy(url, process, log, timeout_s=240, request_timeout_s=2, error=RuntimeError)


@dataclass
class Distributed:
    """offers, profiles, matching, gateway and the matching consumer, each its own process."""

    cache: bool = True
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        s = servers()
        self.es_url, self.pg_url = s["es"], s["pg"]
        self.logs = CACHE / "logs" / self.run
        self.logs.mkdir(parents=True, exist_ok=True)
        self.alias = f"bench-offers-{self.run}"
        self.keys = DistributedKeys.generate()  # each process gets only the keys it may hold
        self.databases = {n: f"bench_{n}_{self.run}" for n in SERVICES}
        create_databases(self.pg_url, self.databases.values())
        self.db_urls = {n: database_url(self.pg_url, db) for n, db in self.databases.items()}
        ports = {n: free_port() for n in SERVICES}
        self.urls = {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}
        self.ports = ports
        self.env = {
            **os.environ,
            **BENCH_ENV,
            "MAILLAGE_KAFKA_BOOTSTRAP": s["kafka"],
            "MAILLAGE_ELASTICSEARCH_URL": self.es_url,
            "MAILLAGE_INDEX_ALIAS": self.alias,
            "MAILLAGE_CONSUMER_GROUP": f"bench-matching-{self.run}",
            "MAILLAGE_TOPIC_PREFIX": f"bench-{self.run}.",
            "MAILLAGE_JWT_SECRET": f"jwt-{self.run}-{uuid.uuid4().hex}",
            "MAILLAGE_DEMO_ACCOUNTS": "1",
            "MAILLAGE_OFFERS_URL": self.urls["offers"],
            "MAILLAGE_PROFILES_URL": self.urls["profiles"],
            "MAILLAGE_MATCHING_URL": self.urls["matching"],
            **{f"MAILLAGE_{n.upper()}_DATABASE_URL": url for n, url in self.db_urls.items()},
        }

    def _spawn(self, name: str, args: list[str], extra: dict[str, str] | None = None) -> None:
        log = self.logs / f"{name}.log"
        env = {
            **self.env,
            "MAILLAGE_EMBEDDING_CACHE_ENTRIES": CACHE_ON if self.cache else "0",
            **self.keys.env_for(name),
            **(extra or {}),
        }
        command = [sys.executable, "-m", "bench.launch", *args]
        self.processes[name] = spawn(command, log, env, cwd=ROOT)

    def start(self) -> Distributed:
        cache = "on" if self.cache else "off"
        say(f"starting the distributed platform (run {self.run}, embedding cache {cache})")
        for name in SERVICES:
            self._spawn(name, ["serve", name, "--port", str(self.ports[name])])
        for name in SERVICES:
            _wait_healthy(self.urls[name], self.processes[name], self.logs / f"{name}.log")
        self.start_consumer(self.cache)
        return self

    def start_consumer(self, cache: bool) -> None:
        self.stop_process("consumer")
        self.consumer_stats = self.logs / f"consumer-stats-{time.monotonic_ns()}.json"
        log = self.logs / "consumer.log"
        log_start = log.stat().st_size if log.exists() else 0  # the log is appended to across restarts
        self._spawn(
            "consumer",
            ["consume", "matching"],
            {
                "MAILLAGE_EMBEDDING_CACHE_ENTRIES": CACHE_ON if cache else "0",
                "MAILLAGE_BENCH_STATS": str(self.consumer_stats),
            },
        )
        # Ready once it says so: the model loaded and the occupation index built (a minute or two cold,
        # seconds with MAILLAGE_LINKING_CACHE), so that no measurement runs beside that build.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.processes["consumer"].poll() is not None:
                raise RuntimeError(log.read_text()[-3000:])
            if self.consumer_stats.exists() and CONSUMER_READY in log.read_bytes()[log_start:]:
                return
            time.sleep(0.2)
        raise RuntimeError(f"the consumer did not start within 300 s:\n{log.read_text()[-3000:]}")

    def cache_stats(self) -> dict[str, Any]:
        try:
            stats: dict[str, Any] = json.loads(self.consumer_stats.read_text())["cache"]
            return stats
        except (OSError, ValueError, KeyError):
            return {}

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            stop_processes(process, timeout_s=20)

    def pids(self) -> dict[str, int]:
        """Every process of the platform and of the rig, by name."""
        return {**{name: p.pid for name, p in self.processes.items()}, **server_pids()}

    def rss_mb(self) -> dict[str, float]:
        return {name: tree_rss_mb(p.pid) for name, p in self.processes.items()}

    def login(self, username: str) -> dict[str, str]:
        r = httpx.post(
            f"{self.urls['gateway']}/api/v1/auth/token", data={"username": username, "password": "demo"}
        )
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def close(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)
        try:
            from elasticsearch import Elasticsearch

            es = Elasticsearch(self.es_url)
            if es.indices.exists_alias(name=self.alias):
                for index in es.indices.get_alias(name=self.alias):
                    es.indices.delete(index=index)
            es.close()
        except Exception as exc:  # cleanup is best effort
            say(f"could not delete the index: {exc}")
        drop_databases(self.pg_url, self.databases.values())

    def __enter__(self) -> Distributed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class Embedded:
    """`maillage run` (embedded mode: SQLite, in-process bus, numpy index) on a prepared data dir."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Embedded:
        log = self.data_dir / "run.log"
        env = {
            **os.environ,
            **BENCH_ENV,
            "MAILLAGE_DATA_DIR": str(self.data_dir),
            "MAILLAGE_PORT": str(self.port),
            "MAILLAGE_DEMO": "0",
            **self.extra_env,
        }
        self.process = spawn([sys.executable, "-m", "bench.launch", "run"], log, env, cwd=ROOT)
        _wait_healthy(self.url, self.process, log)
        return self

    def login(self, username: str) -> dict[str, str]:
        r = httpx.post(f"{self.url}/api/v1/auth/token", data={"username": username, "password": "demo"})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}

    def rss_mb(self) -> float:
        return tree_rss_mb(self.process.pid) if self.process else 0.0

    def close(self) -> None:
        if self.process is not None:
            stop_processes(self.process, timeout_s=30)
            self.process = None


def first_get(
    client: Any, url: str, headers: dict[str, str], tries: int = 10, retry_on: tuple[int, ...] = (409,)
) -> Any:
    """The first suggestion request of a person projects them, racing the consumer that projects the same
    profile event: the loser answers 409 (see RESULTS.md). Retry, as a client would. (A bench that sets up
    on a busy machine also retries 503: the gateway's upstream timeout while the encoder warms up.)"""
    for _ in range(tries - 1):
        response = client.get(url, headers=headers)
        if response.status_code not in retry_on:
            break
        time.sleep(0.3)
    else:
        response = client.get(url, headers=headers)
    response.raise_for_status()
    return response
