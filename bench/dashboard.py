"""The analysts' dashboard at a département's scale: 100k offers and 20k people, each view's latency
through the gateway (the API routes and the page), on Elasticsearch (distributed) and embedded.

    python -m scripts.rig run -- python -m bench.dashboard [--offers 100000] [--people 20000]

Offers come from the benchmarks' corpus (bench/common.py: ROME appellations placed in the territory's
communes by population, published over the last 4 months). People are
written straight into matching's store as the consumer projects them (criteria and a vector): the
dashboard reads their skills, never their vectors. Run alone, Elasticsearch is loaded without vectors —
the dashboard's aggregations never read them, and 100k HNSW insertions would take 4-5 minutes on two
cores; from `bench.all` the dashboard reuses bench.suggest's full 100k index (vectors included).

Each view is measured twice, interleaved with the others: *cold*, another month on every request (one of
the last twelve), and *warm*, the same view again and again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from elasticsearch import Elasticsearch, helpers
from sqlalchemy import create_engine

from bench.common import (
    CACHE,
    DIMS,
    load,
    percentiles,
    queries,
    say,
    write_result,
)
from bench.stack import Distributed, Embedded
from bench.suggest import corpus
from contracts.profiles import MatchingView
from services.matching.adapters.es_index import ElasticsearchOfferIndex, _source
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import ProfileProjection

COMMAND = "python -m scripts.rig run -- python -m bench.dashboard"
OFFERS = 100_000
PEOPLE = 20_000
COLD = 40  # requests per view, another month each time
WARM = 150  # requests per view, the same each time
TARGET_P95_MS = 300.0

# What one analyst's views ask for: the API routes, and the page (which asks the first two itself).
API_VIEWS = {
    "api_report": "/api/v1/analytics/demand",
    "api_map_epci": "/api/v1/analytics/demand/map?level=epci",
    "api_map_commune": "/api/v1/analytics/demand/map?level=commune",
    "api_csv": "/api/v1/analytics/demand.csv",
}
PAGE_VIEWS = {"page": "/tableau-de-bord", "page_communes": "/tableau-de-bord?carte=commune"}


def load_es_without_vectors(index: ElasticsearchOfferIndex, n: int) -> float:
    """The product's mapping and documents, vectors left out, merged and swapped in as a rebuild does."""
    started = time.monotonic()
    name = index._new_index_name()
    index._create_index(name)

    def actions() -> Iterator[dict[str, Any]]:
        for batch in corpus(0, n):
            for doc, vector in batch:
                source = _source(doc, vector)
                del source["vector"]
                yield {"_index": name, "_id": doc.id, "_source": source}

    es: Elasticsearch = index._es
    helpers.bulk(es.options(request_timeout=120), actions(), chunk_size=2000)
    es.indices.refresh(index=name)
    es.options(request_timeout=600).indices.forcemerge(index=name, max_num_segments=1)
    previous = []
    if es.indices.exists_alias(name=index.alias):
        previous = list(es.indices.get_alias(name=index.alias))
    es.indices.update_aliases(
        actions=[
            *({"remove": {"index": p, "alias": index.alias}} for p in previous),
            {"add": {"index": name, "alias": index.alias}},
        ]
    )
    for old in previous:
        es.indices.delete(index=old)
    return time.monotonic() - started


def load_local(path: Path, n: int) -> float:
    started = time.monotonic()
    index = LocalOfferIndex(str(path), DIMS)
    for batch in corpus(0, n):
        index.upsert(batch)
    index.close()
    return time.monotonic() - started


VIEW_FIELDS = (
    "target_jobs",
    "skills",
    "location",
    "contract_types",
    "min_hours_per_week",
    "max_hours_per_week",
    "excluded_conditions",
)


def add_people(database_url: str, n: int) -> float:
    """`n` people projected into matching's store, rows as its consumer writes them (`profile_projection`:
    the criteria as JSON and a vector), inserted in bulk."""
    started = time.monotonic()
    engine = create_engine(database_url)
    noise = np.random.default_rng(5)
    people = queries(n, seed=23)
    table = ProfileProjection.__table__  # type: ignore[attr-defined]
    for start in range(0, n, 2000):
        rows = []
        for i, person in enumerate(people[start : start + 2000], start):
            fields = person.payload
            view = MatchingView.model_validate(
                {
                    "profile_id": f"bench-person-{i:06d}",
                    "version": 1,
                    "appellation_codes": [],
                    "mobility": {"max_distance_km": person.filters.radius_km},
                    **{k: fields.get(k) for k in VIEW_FIELDS},
                }
            )
            vector = noise.normal(0, 1, DIMS).astype(np.float32)
            vector /= np.linalg.norm(vector)
            rows.append(
                {
                    "profile_id": view.profile_id,
                    "version": 1,
                    "view": view.model_dump_json(),
                    "vector": vector.tobytes(),
                    "occupations": "[]",
                    "updated_at": dt.datetime.now(dt.UTC),
                }
            )
        with engine.begin() as connection:
            connection.execute(table.insert(), rows)
    engine.dispose()
    return time.monotonic() - started


def page_session(client: httpx.Client, base: str, username: str = "analyst") -> None:
    """Signs in through the sign-in form, as a browser does (the session cookie stays in `client`)."""
    form = client.get(f"{base}/connexion")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf, "no CSRF field on the sign-in page"
    answer = client.post(
        f"{base}/connexion",
        data={"csrf": csrf.group(1), "suite": "", "username": username, "password": "demo"},
    )
    assert answer.status_code == 303, f"sign-in refused: {answer.status_code} {answer.text[:300]}"


def _with_month(path: str, month: dt.date, page: bool) -> str:
    """The view for another month: `mois` on the page, `month` for the report and its CSV, and offers
    published since that month's first day for the map."""
    if page:
        name, value = "mois", month.strftime("%Y-%m")
    elif "/map" in path:
        name, value = "since", month.isoformat()
    else:
        name, value = "month", month.strftime("%Y-%m")
    return f"{path}{'&' if '?' in path else '?'}{name}={value}"


def _months_back(today: dt.date, n: int) -> dt.date:
    months = today.year * 12 + today.month - 1 - n
    return dt.date(months // 12, months % 12 + 1, 1)


def measure(base: str, api_headers: dict[str, str], cold: int, warm: int) -> dict[str, Any]:
    """Every view, cold then warm, interleaved request by request; the load beside each figure. An answer
    other than 200 (the gateway gives up on matching after its timeout) is counted, its time kept."""
    views = {**{k: (v, False) for k, v in API_VIEWS.items()}, **{k: (v, True) for k, v in PAGE_VIEWS.items()}}
    samples: dict[str, dict[str, list[float]]] = {k: {"cold": [], "warm": []} for k in views}
    failed: dict[str, dict[str, int]] = {k: {"cold": 0, "warm": 0} for k in views}
    loads: list[float] = []
    today = dt.date.today()
    with httpx.Client(timeout=120) as api_client, httpx.Client(timeout=120, follow_redirects=False) as pages:
        page_session(pages, base)

        def one(name: str, url: str, page: bool, phase: str) -> None:
            client, headers = (pages, {}) if page else (api_client, api_headers)
            started = time.perf_counter()
            answer = client.get(f"{base}{url}", headers=headers)
            samples[name][phase].append(time.perf_counter() - started)
            if answer.status_code != 200:
                failed[name][phase] += 1

        for url, page in views.values():  # warm-up: processes, templates, outlines, the cache
            client, headers = (pages, {}) if page else (api_client, api_headers)
            for _ in range(5):
                if client.get(f"{base}{url}", headers=headers).status_code == 200:
                    break
        for i in range(cold):
            month = _months_back(today, i % 12)  # another month each request: no answer is reused
            for name, (url, page) in views.items():
                one(name, _with_month(url, month, page), page, "cold")
            loads.append(load()[0])
        for _ in range(warm):
            for name, (url, page) in views.items():
                one(name, url, page, "warm")
            loads.append(load()[0])
    figures: dict[str, Any] = {
        name: {phase: {**percentiles(s), "failed": failed[name][phase]} for phase, s in phases.items()}
        for name, phases in samples.items()
    }
    figures["load_1m_during"] = {"min": round(min(loads), 2), "max": round(max(loads), 2)}
    return figures


def distributed(
    stack: Distributed, offers: int, people: int, reuse_index: bool, cold: int, warm: int
) -> dict[str, Any]:
    index = ElasticsearchOfferIndex(stack.es_url, DIMS, alias=stack.alias)
    index.ensure()
    out: dict[str, Any] = {}
    if reuse_index and index.count() >= offers:
        out["es_index"] = f"bench.suggest's index ({index.count()} offers, vectors included)"
    else:
        say(f"loading {offers} offers into Elasticsearch (no vectors)")
        out["es_load_s"] = round(load_es_without_vectors(index, offers), 1)
        out["es_index"] = f"{index.count()} offers, no vectors"
    say(f"projecting {people} people into matching's PostgreSQL")
    out["people_load_s"] = round(add_people(stack.db_urls["matching"], people), 1)
    say("measuring the dashboard on Elasticsearch")
    out["views"] = measure(stack.urls["gateway"], stack.login("analyst"), cold, warm)
    index.close()
    return out


def embedded(work: Path, offers: int, people: int, cold: int, warm: int) -> dict[str, Any]:
    data_dir = work / "embedded"
    data_dir.mkdir(parents=True, exist_ok=True)
    say(f"loading {offers} offers into the local index")
    out: dict[str, Any] = {"local_load_s": round(load_local(data_dir / "offer_index.db", offers), 1)}
    platform = Embedded(data_dir).start()
    try:
        say(f"projecting {people} people into matching's SQLite")
        out["people_load_s"] = round(add_people(f"sqlite:///{data_dir / 'matching.db'}", people), 1)
        say("measuring the dashboard embedded")
        out["views"] = measure(platform.url, platform.login("analyst"), cold, warm)
        out["embedded_rss_mb"] = platform.rss_mb()
    finally:
        platform.close()
    return out


def summary(figures: dict[str, Any]) -> None:
    for mode in ("es", "embedded"):
        for name, phases in figures.get(mode, {}).get("views", {}).items():
            if name.startswith("load"):
                continue
            cold, warm = phases["cold"], phases["warm"]
            verdict = "ok" if max(cold["p95_ms"], warm["p95_ms"]) <= TARGET_P95_MS else "MISSED"
            failures = cold["failed"] + warm["failed"]
            verdict += f", {failures} failed" if failures else ""
            say(
                f"{mode} {name}: cold p50/p95 {cold['p50_ms']}/{cold['p95_ms']} ms, warm "
                f"{warm['p50_ms']}/{warm['p95_ms']} ms (load {warm['load_1m']}) {verdict}"
            )


def run(
    offers: int = OFFERS,
    people: int = PEOPLE,
    stack: Distributed | None = None,
    reuse_index: bool = False,
    cold: int = COLD,
    warm: int = WARM,
) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "offers": offers,
        "people": people,
        "cold_requests": cold,
        "warm_requests": warm,
        "target_p95_ms": TARGET_P95_MS,
    }
    own = stack is None
    stack = stack or Distributed().start()
    work = CACHE / f"dashboard-{stack.run}"
    try:
        figures["es"] = distributed(stack, offers, people, reuse_index, cold, warm)
        figures["embedded"] = embedded(work, offers, people, cold, warm)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if own:
            stack.close()
    summary(figures)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=OFFERS)
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--cold", type=int, default=COLD, help="requests per view, another month each time")
    parser.add_argument("--warm", type=int, default=WARM, help="requests per view, the same each time")
    args = parser.parse_args()
    figures = run(args.offers, args.people, cold=args.cold, warm=args.warm)
    write_result("dashboard", figures, COMMAND)


if __name__ == "__main__":
    main()
