"""Distributed mode for real: each service and the consumer in its own process, the gateway in front,
PostgreSQL, Kafka and Elasticsearch from the test rig. An offer posted is suggested."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from common.service_tokens import DistributedKeys
from scripts.databases import create_databases, database_url, drop_databases
from scripts.processes import free_port, spawn, stop_processes, wait_healthy
from tests.factories import location, offer_payload, profile_payload

SERVICES = ("offers", "profiles", "matching", "gateway")


@pytest.fixture(scope="module")
def distributed(
    kafka_bootstrap: str, elasticsearch_url: str, postgres_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    run = uuid.uuid4().hex[:8]
    databases = {name: f"e2e_{name}_{run}" for name in ("offers", "profiles", "matching", "gateway")}
    create_databases(postgres_url, databases.values())
    ports = {name: free_port() for name in SERVICES}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    keys = DistributedKeys.generate()  # each process gets only the keys it may hold
    env = {
        **os.environ,
        "MAILLAGE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "MAILLAGE_ELASTICSEARCH_URL": elasticsearch_url,
        "MAILLAGE_INDEX_ALIAS": f"e2e-offers-{run}",
        "MAILLAGE_CONSUMER_GROUP": f"e2e-matching-{run}",
        "MAILLAGE_TOPIC_PREFIX": f"e2e-{run}.",
        "MAILLAGE_JWT_SECRET": f"jwt-secret-{run}-{uuid.uuid4().hex}",
        "MAILLAGE_DEMO_ACCOUNTS": "1",
        "MAILLAGE_OFFERS_URL": urls["offers"],
        "MAILLAGE_PROFILES_URL": urls["profiles"],
        "MAILLAGE_MATCHING_URL": urls["matching"],
        **{
            f"MAILLAGE_{name.upper()}_DATABASE_URL": database_url(postgres_url, db)
            for name, db in databases.items()
        },
    }
    logs = tmp_path_factory.mktemp("logs")
    processes: list[subprocess.Popen[bytes]] = []
    maillage = [sys.executable, "-m", "maillage.cli"]
    try:
        for name in SERVICES:
            log = logs / f"{name}.log"
            command = [*maillage, "serve", name, "--port", str(ports[name])]
            processes.append(spawn(command, log, {**env, **keys.env_for(name)}))
            wait_healthy(urls[name], processes[-1], log)
        consumer_env = {**env, **keys.env_for("matching")}
        processes.append(spawn([*maillage, "consume", "matching"], logs / "consumer.log", consumer_env))
        yield {**urls, "logs": str(logs)}
    finally:
        stop_processes(*processes, timeout_s=15)
        drop_databases(postgres_url, databases.values())


def login(gateway: str, username: str) -> dict[str, str]:
    response = httpx.post(f"{gateway}/api/v1/auth/token", data={"username": username, "password": "demo"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_offer_posted_is_suggested_through_the_gateway(distributed: dict[str, str]) -> None:
    gateway = distributed["gateway"]
    employer, referent, admin = (login(gateway, u) for u in ("employer", "referent", "admin"))
    near = httpx.post(
        f"{gateway}/api/v1/offers", json=offer_payload(location=location("Montargis")), headers=employer
    )
    far = httpx.post(
        f"{gateway}/api/v1/offers", json=offer_payload(location=location("Orléans")), headers=employer
    )
    assert near.status_code == 201 and far.status_code == 201, near.text
    person = httpx.post(f"{gateway}/api/v1/profiles", json=profile_payload(), headers=referent)
    assert person.status_code == 201, person.text
    pid = person.json()["id"]

    items: list[dict[str, object]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = httpx.get(
            f"{gateway}/api/v1/profiles/{pid}/suggestions?limit=10", headers=referent, timeout=30
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        if items and items[0]["offer_id"] == near.json()["id"]:
            break
        time.sleep(0.5)
    logs = Path(distributed["logs"])
    assert items and items[0]["offer_id"] == near.json()["id"], (logs / "consumer.log").read_text()[-3000:]
    assert far.json()["id"] not in [i["offer_id"] for i in items]
    assert items[0]["reasons"]

    status = httpx.get(f"{gateway}/api/v1/matching/status", headers=admin, timeout=30).json()
    assert status["index_backend"] == "elasticsearch" and status["indexed_offers"] >= 2
    assert "consumer_lag" in status


def test_services_refuse_requests_that_bypass_the_gateway(distributed: dict[str, str]) -> None:
    for name in ("offers", "profiles", "matching"):
        forged = {"X-Maillage-Subject": "admin", "X-Maillage-Role": "admin"}
        path = {"offers": "/offers", "profiles": "/profiles", "matching": "/status"}[name]
        response = httpx.get(f"{distributed[name]}{path}", headers=forged)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"


def test_suggestions_asked_at_the_saved_version_reflect_the_save_at_once(distributed: dict[str, str]) -> None:
    """Read-your-writes across processes: the PATCH returns the profile's version; suggestions asked at that
    version are ranked from it, whether or not matching's consumer has read the event from Kafka yet."""
    gateway = distributed["gateway"]
    employer, referent = login(gateway, "employer"), login(gateway, "referent")
    near = httpx.post(
        f"{gateway}/api/v1/offers", json=offer_payload(location=location("Montargis")), headers=employer
    ).json()  # 4 km from Amilly
    farther = httpx.post(
        f"{gateway}/api/v1/offers", json=offer_payload(location=location("Courtenay")), headers=employer
    ).json()  # 21 km
    person = httpx.post(
        f"{gateway}/api/v1/profiles", json=profile_payload(mobility={"max_distance_km": 30}), headers=referent
    ).json()
    url = f"{gateway}/api/v1/profiles/{person['id']}/suggestions"

    def suggested(**params: int) -> set[str]:
        response = httpx.get(url, params={"limit": 50, **params}, headers=referent, timeout=30)
        assert response.status_code == 200, response.text
        return {item["offer_id"] for item in response.json()["items"]}

    deadline = time.monotonic() + 60
    while not {near["id"], farther["id"]} <= suggested() and time.monotonic() < deadline:
        time.sleep(0.5)  # both offers reach the index through Kafka
    assert {near["id"], farther["id"]} <= suggested()

    saved = httpx.patch(
        f"{gateway}/api/v1/profiles/{person['id']}",
        json={"mobility": {"max_distance_km": 10}},
        headers=referent,
    )
    assert saved.status_code == 200, saved.text
    version = saved.json()["version"]
    assert version > person["version"]
    fresh = suggested(min_version=version)  # at once: no waiting for the consumer
    assert near["id"] in fresh and farther["id"] not in fresh
    invalid = httpx.get(url, params={"min_version": 0}, headers=referent, timeout=30)
    assert invalid.status_code == 422 and invalid.json()["error"] == "validation_error"


def test_the_caseload_is_filtered_across_processes_and_contacts_are_kept(distributed: dict[str, str]) -> None:
    """The work list's query (repeated `ids`, a search, a sort) crosses the network to the profiles
    service intact; a contact is recorded there and dates the person's last contact."""
    gateway = distributed["gateway"]
    referent = login(gateway, "referent")
    tag = uuid.uuid4().hex[:8]
    ids = [
        httpx.post(
            f"{gateway}/api/v1/profiles", json=profile_payload(display_name=f"{name} {tag}"), headers=referent
        ).json()["id"]
        for name in ("Alice", "Bruno", "Chloé")
    ]
    contact = {"happened_on": date.today().isoformat(), "channel": "telephone", "note": "appel"}
    recorded = httpx.post(f"{gateway}/api/v1/profiles/{ids[1]}/contacts", json=contact, headers=referent)
    assert recorded.status_code == 201, recorded.text
    query = [("q", tag), ("ids", ids[0]), ("ids", ids[1]), ("sort", "last_contact")]
    page = httpx.get(f"{gateway}/api/v1/profiles", params=query, headers=referent, timeout=30)
    assert page.status_code == 200, page.text
    listed = page.json()
    assert listed["total"] == 2
    assert [(p["id"], p["last_contact_on"]) for p in listed["items"]] == [
        (ids[0], None),
        (ids[1], date.today().isoformat()),
    ]
