"""The recovery drill's data: what it loads (offers by import, people, outcomes through the gateway) and the
snapshot it compares after each recovery (row counts read straight from each service's PostgreSQL, the
audit chain, the index count, the suggestions of a fixed sample of people). bench/recovery_drill.py runs it.

People live around Montargis and move at most 30 km; the offers added after the snapshot (the import of
scenario (c) and the probes that show the pipeline flows again) are placed in the west of the Loiret, more
than 60 km away, so the sample's suggestions must come back identical and any difference is a loss.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from bench.common import ROOT, say, text_pool
from bench.ingest import offer_payloads, write_csv
from bench.stack import Distributed
from common.geo import haversine_km
from common.messaging.kafka import KafkaBus
from common.territory import Commune, commune_named, communes
from services.matching.bootstrap import CONSUMED_TOPICS

CENTRE = commune_named("Montargis")
FAR_KM = 60.0
# Each table that must come back whole, by service database.
TABLES = {
    "offers": ("offer", "offer_status_history"),
    "profiles": ("profile", "contact", "referent_change"),
    "matching": ("outcome", "employer_proposal", "profile_projection", "employer_record", "outcome_total"),
}


def _near() -> list[Commune]:
    return [c for c in communes() if haversine_km(c.lat, c.lon, CENTRE.lat, CENTRE.lon) <= 15]


def far_communes() -> list[Commune]:
    return [c for c in communes() if haversine_km(c.lat, c.lon, CENTRE.lat, CENTRE.lon) >= FAR_KM]


def offer_rows(n: int, tag: str, places: Sequence[Commune]) -> list[dict[str, Any]]:
    return offer_payloads(n, tag, places=places)


def base_offer_places() -> list[Commune]:
    """Every commune of more than 1,500 people except the far west, kept for the offers added later."""
    far = {c.insee_code for c in far_communes()}
    return [c for c in communes() if c.population > 1500 and c.insee_code not in far]


def write_import(path: Path, n: int, tag: str, places: Sequence[Commune]) -> Path:
    write_csv(path, offer_rows(n, tag, places), tag)
    return path


def run_import(stack: Distributed, path: Path) -> subprocess.CompletedProcess[str]:
    env = {**stack.env, "MAILLAGE_OFFERS_DATABASE_URL": stack.db_urls["offers"]}
    argv = [sys.executable, "-m", "maillage.cli", "import-offers", str(path), "--employer", "employer"]
    return subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)


def person(i: int) -> dict[str, Any]:
    pool = text_pool()
    near = _near()
    p, c = pool[(i * 11) % len(pool)], near[i % len(near)]
    return {
        "display_name": f"Personne {i:05d}",
        "target_jobs": [p.title[:80]],
        "skills": list(p.skills),
        "location": {"commune": c.name, "lat": c.lat, "lon": c.lon, "insee_code": c.insee_code},
        "mobility": {"max_distance_km": [10, 20, 30][i % 3]},
    }


def create_people(stack: Distributed, headers: dict[str, str], n: int, threads: int = 6) -> list[str]:
    with httpx.Client(base_url=stack.urls["gateway"], headers=headers, timeout=60) as client:

        def create(i: int) -> str:
            response = client.post("/api/v1/profiles", json=person(i))
            response.raise_for_status()
            return str(response.json()["id"])

        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(create, range(n)))


def suggestion_ids(client: httpx.Client, person_id: str, tries: int = 20) -> list[str]:
    """The ids of a person's suggestions in order. The first read of a person may race the consumer's
    projection of the same profile (409): retried, as a client would."""
    for _ in range(tries):
        response = client.get(f"/api/v1/profiles/{person_id}/suggestions", params={"limit": 20})
        if response.status_code not in (409, 503):
            break
        time.sleep(0.5)
    response.raise_for_status()
    return [s["offer_id"] for s in response.json()["items"]]


def record_outcomes(stack: Distributed, headers: dict[str, str], people: Sequence[str]) -> int:
    """For each person: read the suggestions (audited), propose the first, then settle every second one."""
    recorded = 0
    with httpx.Client(base_url=stack.urls["gateway"], headers=headers, timeout=60) as client:
        for k, person_id in enumerate(people):
            ids = suggestion_ids(client, person_id)
            if not ids:
                continue
            for status in ("proposed", "accepted" if k % 2 else "proposed")[: 1 + k % 2]:
                body = {"offer_id": ids[0], "status": status}
                client.post(f"/api/v1/profiles/{person_id}/outcomes", json=body).raise_for_status()
                recorded += 1
    return recorded


@dataclass
class Snapshot:
    counts: dict[str, int]
    audit_rows: int
    audit_last_id: int
    audit_last_hash: str
    indexed: int
    suggestions: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "audit_rows": self.audit_rows,
            "indexed": self.indexed,
            "sample_people": len(self.suggestions),
            "sample_suggestions": sum(len(v) for v in self.suggestions.values()),
        }


def _scalar(url: str, sql: str, **params: Any) -> Any:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def table_counts(stack: Distributed) -> dict[str, int]:
    return {
        f"{service}.{table}": int(_scalar(stack.db_urls[service], f'SELECT count(*) FROM "{table}"'))
        for service, tables in TABLES.items()
        for table in tables
    }


def index_count(stack: Distributed) -> int:
    from elasticsearch import Elasticsearch

    es = Elasticsearch(stack.es_url, request_timeout=30)
    try:
        es.indices.refresh(index=stack.alias)
        return int(es.count(index=stack.alias)["count"])
    finally:
        es.close()


def audit_verifies(stack: Distributed) -> bool:
    env = {**stack.env, "MAILLAGE_PROFILES_DATABASE_URL": stack.db_urls["profiles"]}
    argv = [sys.executable, "-m", "maillage.cli", "audit", "verify"]
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.returncode == 0


def take(stack: Distributed, headers: dict[str, str], sample: Sequence[str]) -> Snapshot:
    with httpx.Client(base_url=stack.urls["gateway"], headers=headers, timeout=60) as client:
        suggestions = {p: suggestion_ids(client, p) for p in sample}
    url = stack.db_urls["profiles"]
    last_id = int(_scalar(url, "SELECT max(id) FROM audit_log") or 0)
    return Snapshot(
        counts=table_counts(stack),
        audit_rows=int(_scalar(url, "SELECT count(*) FROM audit_log")),
        audit_last_id=last_id,
        audit_last_hash=str(_scalar(url, "SELECT row_hash FROM audit_log WHERE id = :i", i=last_id)),
        indexed=index_count(stack),
        suggestions=suggestions,
    )


def differences(
    before: Snapshot, stack: Distributed, headers: dict[str, str], added_offers: int
) -> dict[str, Any]:
    """What differs from the snapshot, beyond the offers added since (each with its history row); empty
    when nothing was lost. Audit rows written since (every read is audited) are allowed; the snapshot's
    rows must all be there, the last one with the same hash, and the whole chain must verify."""
    now = take(stack, headers, list(before.suggestions))
    expected = dict(before.counts)
    expected["offers.offer"] += added_offers
    expected["offers.offer_status_history"] += added_offers
    diff: dict[str, Any] = {k: (expected[k], v) for k, v in now.counts.items() if expected.get(k) != v}
    url = stack.db_urls["profiles"]
    kept = int(_scalar(url, "SELECT count(*) FROM audit_log WHERE id <= :i", i=before.audit_last_id))
    if kept != before.audit_rows or now_hash(url, before.audit_last_id) != before.audit_last_hash:
        diff["audit_log"] = {"rows_kept": kept, "expected": before.audit_rows}
    if not audit_verifies(stack):
        diff["audit_verify"] = "the chain does not verify"
    if now.indexed != expected["offers.offer"]:
        diff["index"] = (expected["offers.offer"], now.indexed)
    changed = [p for p, ids in before.suggestions.items() if now.suggestions.get(p) != ids]
    if changed:
        diff["suggestions_changed"] = len(changed)
    return diff


def now_hash(url: str, row_id: int) -> str:
    return str(_scalar(url, "SELECT row_hash FROM audit_log WHERE id = :i", i=row_id))


def settled(stack: Distributed, expected_offers: int, timeout_s: float) -> float:
    """Seconds until every outbox is empty, the consumer's lag is 0 and the index holds every offer."""
    bus = KafkaBus(stack.env["MAILLAGE_KAFKA_BOOTSTRAP"], "drill-probe", stack.env["MAILLAGE_TOPIC_PREFIX"])
    started = time.monotonic()
    look: dict[str, Any] = {}
    while time.monotonic() - started < timeout_s:
        try:
            pending = sum(
                int(_scalar(stack.db_urls[s], "SELECT count(*) FROM outbox WHERE published_at IS NULL"))
                for s in ("offers", "profiles", "matching")
            )
            lag = bus.group_lag(stack.env["MAILLAGE_CONSUMER_GROUP"], CONSUMED_TOPICS)
            look = {"outbox": pending, "lag": lag, "indexed": index_count(stack)}
        except Exception as exc:  # a server still coming back: look again
            look = {"error": repr(exc)[:200]}
        if look == {"outbox": 0, "lag": 0, "indexed": expected_offers}:
            return time.monotonic() - started
        time.sleep(1.0)
    raise RuntimeError(f"not settled after {timeout_s:.0f}s: {look}")


def post_probe(stack: Distributed, headers: dict[str, str], tag: str) -> str:
    """One offer, far from every person, through the gateway: shows that writes flow to the index again."""
    body = offer_rows(1, tag, far_communes())[0]
    for _ in range(60):
        url = f"{stack.urls['gateway']}/api/v1/offers"
        response = httpx.post(url, json=body, headers=headers, timeout=30)
        if response.status_code == 201:
            return str(response.json()["id"])
        time.sleep(1.0)
    raise RuntimeError(f"the probe offer was refused: {response.status_code} {response.text[:300]}")


def say_counts(label: str, snapshot: Snapshot) -> None:
    say(f"{label}: {snapshot.as_dict()}")
