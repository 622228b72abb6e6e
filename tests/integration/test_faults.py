"""Faults survived: while 10,000 offers are posted through the gateway of the distributed platform (real
Kafka, Elasticsearch and PostgreSQL from scripts/rig), one fault per test —

  (a) kill -9 of the Kafka broker, restarted a few seconds later;
  (b) the Elasticsearch node stopped for 30 s, then started;
  (c) kill -9 of the matching consumer process while it indexes, restarted (twice).

Every 50th offer is PATCHed once (every 100th twice) during the run, so "latest version" means something.
After the fault the test waits (bounded) until the outbox is empty, the consumer lag is 0 and the index
holds still, then reads the index directly and compares it with the offers service's store: exactly one
document per offer, none lost, none duplicated, each at the offer's latest version. Figures go to
bench/results/faults-<name>.json. The encoder is the lexical `hashing` one: delivery is under test, and it
lets 10,000 offers embed in seconds on two cores.

    .venv/bin/python -m scripts.rig run -- .venv/bin/python -m pytest tests/integration/test_faults.py -q
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from scripts.rig import control
from tests.conftest import server_url
from tests.integration.faults_support import Platform, audit, login, post_offers, record, wait_settled

pytestmark = pytest.mark.timeout(600)

OFFERS = int(os.environ.get("MAILLAGE_FAULT_OFFERS", "10000"))
SETTLE_TIMEOUT_S = 240.0
Fault = Callable[[Platform, dict[int, threading.Event]], dict[str, Any]]


def at(fraction: float) -> int:
    return max(1, int(OFFERS * fraction))


@pytest.fixture
def rig_dir() -> Iterator[str]:
    directory = server_url("MAILLAGE_RIG_DIR")
    yield directory
    # Whatever happened, leave the servers running for the tests that come after.
    for name in ("kafka", "es"):
        if not control.is_running(directory, name):
            control.start_server(directory, name)


@pytest.fixture
def platform(
    rig_dir: str, kafka_bootstrap: str, elasticsearch_url: str, postgres_url: str, tmp_path: Path
) -> Iterator[Platform]:
    p = Platform(uuid.uuid4().hex[:8], kafka_bootstrap, elasticsearch_url, postgres_url, logs=tmp_path)
    try:
        p.start()
        yield p
    finally:
        p.stop()


def run_with_fault(name: str, platform: Platform, fault: Fault) -> dict[str, Any]:
    milestones = {n: threading.Event() for n in (at(0.2), at(0.3), at(0.7))}
    outcome: dict[str, Any] = {}

    def inject() -> None:
        try:
            outcome.update(fault(platform, milestones))
        except BaseException as exc:
            outcome["error"] = repr(exc)

    headers = login(platform.urls["gateway"], "employer")
    injector = threading.Thread(target=inject, name=f"fault-{name}", daemon=True)
    t0 = time.monotonic()
    injector.start()
    load = post_offers(platform.urls["gateway"], headers, OFFERS, milestones)
    for event in milestones.values():
        event.set()  # a fault waiting on a milestone never reached must not hang the test
    injector.join(180)
    posted_s = time.monotonic() - t0
    settled = wait_settled(platform, OFFERS, SETTLE_TIMEOUT_S)
    wall_s = time.monotonic() - t0
    figures = {
        "fault": name,
        **audit(platform, load),
        "post_seconds": round(load.seconds, 1),
        "post_rate_per_s": round(load.posted / load.seconds, 1) if load.seconds else 0.0,
        "settled_after_posting_s": round(wall_s - posted_s, 1),
        "wall_seconds": round(wall_s, 1),
        "settled": settled,
        "fault_detail": outcome,
        "concurrency": 8,
        "encoder": "hashing",
        "logs": str(platform.logs),
    }
    record(name, figures)
    logs = "\n".join(f"--- {n}\n{platform.log_tail(n, 2000)}" for n in ("offers", "consumer"))
    assert not injector.is_alive() and outcome, f"the fault was not injected to its end: {outcome}"
    assert "error" not in outcome, f"fault injection failed: {outcome['error']}"
    assert not load.failures, f"{len(load.failures)} client failures, e.g. {load.failures[:3]}"
    assert settled == {"outbox_pending": 0, "lag": 0, "indexed": OFFERS}, f"not settled: {settled}\n{logs}"
    assert figures["offers_in_store"] == OFFERS and figures["store_not_posted"] == 0, figures
    assert figures["store_version_differs_from_client"] == 0, figures
    assert figures["indexed_offers"] == OFFERS, figures
    assert (figures["lost"], figures["duplicated"], figures["wrong_version"]) == (0, 0, 0), figures
    assert figures["unknown_in_index"] == 0, figures
    return figures


def test_kafka_broker_killed_and_restarted(platform: Platform, rig_dir: str) -> None:
    def fault(p: Platform, milestones: dict[int, threading.Event]) -> dict[str, Any]:
        milestones[at(0.3)].wait(300)
        killed_at = time.monotonic()
        control.kill_server(rig_dir, "kafka", signal.SIGKILL)
        gone_s = time.monotonic() - killed_at
        time.sleep(float(os.environ.get("MAILLAGE_FAULT_KAFKA_DOWN_S", "5")))
        restart_at = time.monotonic()
        control.start_server(rig_dir, "kafka")
        return {
            "kafka_down_s": round(time.monotonic() - killed_at, 1),
            "kill_returned_after_s": round(gone_s, 1),
            "restart_took_s": round(time.monotonic() - restart_at, 1),
            "killed_after_posts": at(0.3),
        }

    run_with_fault("kafka-kill", platform, fault)


def test_elasticsearch_stopped_for_30s(platform: Platform, rig_dir: str) -> None:
    def fault(p: Platform, milestones: dict[int, threading.Event]) -> dict[str, Any]:
        milestones[at(0.2)].wait(300)
        stopped_at = time.monotonic()
        control.stop_server(rig_dir, "es")
        stop_s = time.monotonic() - stopped_at
        time.sleep(30)
        restart_at = time.monotonic()
        control.start_server(rig_dir, "es")
        return {
            "es_down_s": round(time.monotonic() - stopped_at, 1),
            "stop_took_s": round(stop_s, 1),
            "restart_took_s": round(time.monotonic() - restart_at, 1),
            "stopped_after_posts": at(0.2),
        }

    run_with_fault("elasticsearch-stop", platform, fault)


def _indexing(es: Elasticsearch, alias: str, timeout_s: float = 30) -> bool:
    """Wait until the index count moves between two close looks: the consumer is inside a batch."""
    deadline = time.monotonic() + timeout_s
    before = int(es.count(index=alias)["count"])
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = int(es.count(index=alias)["count"])
        if now != before:
            return True
        before = now
    return False


def test_matching_consumer_killed_mid_batch(platform: Platform) -> None:
    def fault(p: Platform, milestones: dict[int, threading.Event]) -> dict[str, Any]:
        es = Elasticsearch(p.es_url, request_timeout=10)
        kills = []
        try:
            for milestone in (at(0.3), at(0.7)):
                milestones[milestone].wait(300)
                busy = _indexing(es, p.alias)
                p.kill_consumer()
                indexed_at_kill = int(es.count(index=p.alias)["count"])
                time.sleep(3)
                p.start_consumer()
                kills.append({"after_posts": milestone, "while_indexing": busy, "indexed": indexed_at_kill})
        finally:
            es.close()
        return {"kills": kills}

    figures = run_with_fault("consumer-kill", platform, fault)
    assert all(k["while_indexing"] for k in figures["fault_detail"]["kills"]), figures["fault_detail"]
