"""Helpers of the fault-injection tests: a distributed platform per run, a load of offers posted through
the gateway, a bounded wait for the pipeline to settle and an audit of the index against the offers store.

Everything talks to the rig's real servers on loopback. Each run has its own PostgreSQL databases, topic
prefix, index alias and consumer group, so runs never see each other's data.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from elasticsearch import Elasticsearch
from sqlalchemy import create_engine, text

from common.messaging.kafka import KafkaBus
from common.service_tokens import DistributedKeys
from contracts.events import ALL_TOPICS
from scripts.databases import create_databases, database_url, drop_databases
from scripts.processes import free_port, spawn, stop_processes, wait_healthy
from services.matching.bootstrap import CONSUMED_TOPICS
from tests.factories import location, offer_payload

SERVICES = ("offers", "profiles", "matching", "gateway")
CONSUMER_STARTED = "Maillage matching consumer started."
REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "bench" / "results"
COMMUNES = (
    "Montargis",
    "Amilly",
    "Gien",
    "Pithiviers",
    "Briare",
    "Châlette-sur-Loing",
    "Nogent-sur-Vernisson",
)


@dataclass
class Platform:
    """The distributed platform of one run: four services and the matching consumer, each a process."""

    run: str
    kafka: str
    es_url: str
    postgres_url: str
    logs: Path
    env: dict[str, str] = field(default_factory=dict)
    keys: DistributedKeys = field(default_factory=DistributedKeys.generate)
    urls: dict[str, str] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    consumer_starts: int = 0

    @property
    def alias(self) -> str:
        return self.env["MAILLAGE_INDEX_ALIAS"]

    @property
    def group(self) -> str:
        return self.env["MAILLAGE_CONSUMER_GROUP"]

    @property
    def prefix(self) -> str:
        return self.env["MAILLAGE_TOPIC_PREFIX"]

    def database_url(self, service: str) -> str:
        return database_url(self.postgres_url, self.databases[service])

    def start(self) -> None:
        self.databases = {name: f"faults_{name}_{self.run}" for name in SERVICES}
        create_databases(self.postgres_url, self.databases.values())
        ports = {name: free_port() for name in SERVICES}
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        self.env = {
            **os.environ,
            "MAILLAGE_ENCODER": "hashing",  # delivery is under test, not embeddings: no torch, fast
            "MAILLAGE_LINKER": "none",  # nor occupation linking: it would only slow the 10,000 posts down
            "MAILLAGE_KAFKA_BOOTSTRAP": self.kafka,
            "MAILLAGE_ELASTICSEARCH_URL": self.es_url,
            "MAILLAGE_INDEX_ALIAS": f"faults-offers-{self.run}",
            "MAILLAGE_CONSUMER_GROUP": f"faults-matching-{self.run}",
            "MAILLAGE_TOPIC_PREFIX": f"faults-{self.run}.",
            "MAILLAGE_JWT_SECRET": f"jwt-secret-{self.run}-{uuid.uuid4().hex}",
            "MAILLAGE_DEMO_ACCOUNTS": "1",
            "MAILLAGE_OFFERS_URL": self.urls["offers"],
            "MAILLAGE_PROFILES_URL": self.urls["profiles"],
            "MAILLAGE_MATCHING_URL": self.urls["matching"],
            **{f"MAILLAGE_{name.upper()}_DATABASE_URL": self.database_url(name) for name in SERVICES},
        }
        # Topics first, once: the services would otherwise race each other to create them.
        KafkaBus(self.kafka, "faults-setup", self.prefix).ensure_topics(ALL_TOPICS, 3)
        for name in SERVICES:
            self._spawn(name, ["serve", name, "--port", str(ports[name])])
        for name in SERVICES:
            wait_healthy(self.urls[name], self.processes[name], self.logs / f"{name}.log")
        self.start_consumer()

    def _spawn(self, name: str, args: list[str]) -> None:
        command = [sys.executable, "-m", "maillage.cli", *args]
        env = {**self.env, **self.keys.env_for(name)}  # only the keys this process may hold
        self.processes[name] = spawn(command, self.logs / f"{name}.log", env)

    def start_consumer(self, timeout_s: float = 120) -> None:
        """Start the matching consumer and return once it is built and polling (it says so in its log)."""
        self.consumer_starts += 1
        self._spawn("consumer", ["consume", "matching"])
        deadline = time.monotonic() + timeout_s
        while self.log_tail("consumer", 10**9).count(CONSUMER_STARTED) < self.consumer_starts:
            if self.processes["consumer"].poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the consumer did not start:\n{self.log_tail('consumer')}")
            time.sleep(0.2)

    def kill_consumer(self) -> None:
        process = self.processes["consumer"]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def check_alive(self) -> None:
        dead = {n: p.returncode for n, p in self.processes.items() if p.poll() is not None}
        if dead:
            tails = "\n".join(f"--- {n}\n{self.log_tail(n)}" for n in dead)
            raise AssertionError(f"platform processes died: {dead}\n{tails}")

    def log_tail(self, name: str, chars: int = 3000) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""

    def stop(self) -> None:
        stop_processes(*self.processes.values(), timeout_s=15)
        if self.databases:
            drop_databases(self.postgres_url, self.databases.values())
        es = Elasticsearch(self.es_url, request_timeout=30)
        try:
            es.indices.delete(index=f"{self.alias}-*", ignore_unavailable=True, allow_no_indices=True)
        except Exception:  # the rig is thrown away after the run anyway
            pass
        finally:
            es.close()


def login(gateway: str, username: str) -> dict[str, str]:
    response = httpx.post(f"{gateway}/api/v1/auth/token", data={"username": username, "password": "demo"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Load:
    """What the client did and saw: offer ids in posting order and the version each PATCH answered."""

    posted: int = 0
    patched: int = 0
    failures: list[str] = field(default_factory=list)
    ids: list[str | None] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def post_offers(
    gateway: str,
    headers: dict[str, str],
    count: int,
    milestones: dict[int, threading.Event],
    concurrency: int = 8,
    patch_every: int = 50,
    patch_lag: int = 400,
) -> Load:
    """POST `count` offers through the gateway, `concurrency` in flight; every `patch_every`-th offer is
    PATCHed once `patch_lag` offers later (so its first version is likely indexed already), and every
    second one of those twice. `milestones[n]` is set once n offers are posted. No client retry: a POST
    that fails is a failure of the platform, and retrying it could create a second offer."""
    load = Load(ids=[None] * count)
    ready = [threading.Event() for _ in range(count)]
    lock = threading.Lock()
    client = httpx.Client(
        base_url=gateway,
        headers=headers,
        timeout=60,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    )

    def post(i: int) -> None:
        body = offer_payload(
            title=f"Agent de propreté {i}",
            location=location(COMMUNES[i % len(COMMUNES)]),
            hours_per_week=24 + i % 12,
        )
        try:
            response = client.post("/api/v1/offers", json=body)
            if response.status_code != 201:
                raise AssertionError(f"POST #{i}: {response.status_code} {response.text[:200]}")
            offer = response.json()
            with lock:
                load.ids[i] = offer["id"]
                load.versions[offer["id"]] = int(offer["version"])
                load.posted += 1
                event = milestones.get(load.posted)
            if event is not None:
                event.set()
        except Exception as exc:
            with lock:
                load.failures.append(repr(exc)[:300])
        finally:
            ready[i].set()

    def patch(i: int) -> None:
        ready[i].wait(120)
        offer_id = load.ids[i]
        if offer_id is None:
            return
        for hours in (20, 21)[: 2 if i % (2 * patch_every) == 0 else 1]:
            try:
                response = client.patch(f"/api/v1/offers/{offer_id}", json={"hours_per_week": hours})
                if response.status_code != 200:
                    raise AssertionError(f"PATCH #{i}: {response.status_code} {response.text[:200]}")
                with lock:
                    load.versions[offer_id] = int(response.json()["version"])
                    load.patched += 1
            except Exception as exc:
                with lock:
                    load.failures.append(repr(exc)[:300])

    t0 = time.monotonic()
    try:
        with ThreadPoolExecutor(concurrency, thread_name_prefix="poster") as pool:
            for i in range(count):
                pool.submit(post, i)
                j = i - patch_lag
                if j >= 0 and j % patch_every == 0:
                    pool.submit(patch, j)
            for j in range(max(0, count - patch_lag), count):
                if j % patch_every == 0:
                    pool.submit(patch, j)
    finally:
        client.close()
    load.seconds = time.monotonic() - t0
    return load


def offers_truth(platform: Platform) -> dict[str, int]:
    """The offers service's own store: every offer id and its latest version — the source of truth."""
    engine = create_engine(platform.database_url("offers"))
    try:
        with engine.connect() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(text("SELECT id, version FROM offer"))}
    finally:
        engine.dispose()


def outbox_pending(platform: Platform) -> int:
    engine = create_engine(platform.database_url("offers"))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar_one()
            )
    finally:
        engine.dispose()


def _safe(probe: Callable[[], int]) -> int | str:
    try:
        return probe()
    except Exception as exc:
        return f"error: {exc!r}"[:200]


def wait_settled(platform: Platform, expected: int, timeout_s: float) -> dict[str, Any]:
    """Until the outbox is empty, the consumer group's lag is 0 and the index count holds at `expected`
    for two looks in a row (or `timeout_s` passes). Returns the last look."""
    bus = KafkaBus(platform.kafka, "faults-probe", platform.prefix)
    es = Elasticsearch(platform.es_url, request_timeout=10)
    deadline = time.monotonic() + timeout_s
    stable = 0
    look: dict[str, Any] = {}
    try:
        while time.monotonic() < deadline:
            platform.check_alive()
            look = {
                "outbox_pending": _safe(lambda: outbox_pending(platform)),
                "lag": _safe(lambda: bus.group_lag(platform.group, CONSUMED_TOPICS)),
                "indexed": _safe(lambda: _count(es, platform.alias)),
            }
            if look == {"outbox_pending": 0, "lag": 0, "indexed": expected}:
                stable += 1
                if stable >= 2:
                    return look
            else:
                stable = 0
            time.sleep(2)
    finally:
        es.close()
    return look


def _count(es: Elasticsearch, alias: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias)["count"])


def indexed_versions(es_url: str, alias: str) -> list[tuple[str, int]]:
    """Every document behind the alias, (id, version), read with search_after — duplicates kept."""
    es = Elasticsearch(es_url, request_timeout=60)
    docs: list[tuple[str, int]] = []
    try:
        es.indices.refresh(index=alias)
        after: list[Any] | None = None
        while True:
            page = es.search(
                index=alias,
                size=5000,
                sort=[{"id": "asc"}, {"_index": "asc"}],
                source_includes=["id", "version"],
                query={"match_all": {}},
                search_after=after,
                track_total_hits=False,
            )
            hits = page["hits"]["hits"]
            if not hits:
                return docs
            docs.extend((h["_source"]["id"], int(h["_source"]["version"])) for h in hits)
            after = hits[-1]["sort"]
    finally:
        es.close()


def audit(platform: Platform, load: Load) -> dict[str, Any]:
    """Compare the index with the offers store and with what the client was told."""
    truth = offers_truth(platform)
    docs = indexed_versions(platform.es_url, platform.alias)
    seen = Counter(doc_id for doc_id, _ in docs)
    indexed = {doc_id: version for doc_id, version in docs}
    posted_ids = {i for i in load.ids if i is not None}
    return {
        "posted": load.posted,
        "patched": load.patched,
        "client_failures": len(load.failures),
        "offers_in_store": len(truth),
        "store_not_posted": len(set(truth) - posted_ids),
        "posted_not_in_store": len(posted_ids - set(truth)),
        "store_version_differs_from_client": sum(1 for i, v in load.versions.items() if truth.get(i) != v),
        "indexed_documents": len(docs),
        "indexed_offers": len(indexed),
        "lost": len(set(truth) - set(indexed)),
        "duplicated": sum(n - 1 for n in seen.values() if n > 1),
        "unknown_in_index": len(set(indexed) - set(truth)),
        "wrong_version": sum(1 for i, v in truth.items() if i in indexed and indexed[i] != v),
        "updated_offers": sum(1 for v in truth.values() if v > 1),
    }


def record(name: str, figures: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"faults-{name}.json"
    path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    print(f"\nfaults-{name}: " + json.dumps(figures, sort_keys=True))
    return path
