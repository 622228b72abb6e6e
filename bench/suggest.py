"""Suggestions: latency through the gateway and directly at the matching service, recall of the
approximate kNN against exact search, gateway overhead and memory, at 10k and 100k offers.

    python -m scripts.rig run -- python -m bench.suggest [--sizes 10000,100000] [--requests 1000]
    python -m bench.suggest --embedded-only [--sizes 100000] [--requests 400] [--phases]   # no servers

Offers are bulk-loaded straight into the index with precomputed vectors (see bench/common.py): this
benchmark measures search, not the encoder. People are created through the gateway with realistic
filters (a 10-40 km radius around a Loiret commune, contracts, hours, excluded conditions), and each
request asks for `limit=20` suggestions (the index is asked for k = 100 candidates, as in production).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.baseline.local_index_v0 import LocalOfferIndex as BaselineLocalIndex
from bench.common import (
    CACHE,
    DIMS,
    Query,
    cached_vectors,
    offers_with_vectors,
    percentiles,
    queries,
    say,
    text_pool,
    write_result,
)
from bench.phases import breakdown
from bench.stack import Distributed, Embedded, first_get, server_rss_mb
from common.identity import Caller, Role
from common.service_tokens import SERVICE_TOKEN_HEADER, ServiceSigner
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.ports import IndexedOffer, Vector
from services.matching.service import CANDIDATES_PER_RESULT

COMMAND = "python -m scripts.rig run -- python -m bench.suggest"
LIMIT = 20
K = LIMIT * CANDIDATES_PER_RESULT  # the candidate window the service asks the index for
PEOPLE = 40
RECALL_QUERIES = 200
FACTORS = (1.0, 1.5, 2.0, 4.0)


def corpus(start: int, stop: int) -> Iterator[list[tuple[IndexedOffer, Vector]]]:
    pool = text_pool()
    vectors = cached_vectors([p.text() for p in pool], "pool")
    items = offers_with_vectors(stop, pool, vectors)
    batch: list[tuple[IndexedOffer, Vector]] = []
    for doc, vector in itertools.islice(items, start, stop):
        batch.append((doc, vector))
        if len(batch) == 1000:
            yield batch
            batch = []
    if batch:
        yield batch


def load_es(index: ElasticsearchOfferIndex, stop: int) -> float:
    """The first `stop` offers, as `maillage reindex` builds a département's index: bulk-written into a
    new index, merged, then swapped in under the alias (later writes add segments as the consumer's do)."""
    started = time.monotonic()
    index.rebuild(corpus(0, stop))
    return time.monotonic() - started


def segment_count(index: ElasticsearchOfferIndex) -> int:
    return len(index._es.cat.segments(index=index.alias, format="json"))


def load_local(path: Path, start: int, stop: int) -> float:
    index = LocalOfferIndex(str(path), DIMS)
    started = time.monotonic()
    for batch in corpus(start, stop):
        index.upsert(batch)
    elapsed = time.monotonic() - started
    index.close()
    return elapsed


def time_calls(call: Callable[[], Any], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples


def create_people(
    client: httpx.Client, base: str, headers: dict[str, str], people: Sequence[Query]
) -> list[str]:
    ids = []
    for q in people:
        r = client.post(f"{base}/api/v1/profiles", json=q.payload, headers=headers)
        r.raise_for_status()
        ids.append(r.json()["id"])
    return ids


Target = tuple[str, dict[str, str]]  # a URL template with {pid}, and headers: GET it
PostTarget = tuple[str, dict[str, str], str]  # the same, POSTed ("POST" as third element)


def http_latency(
    client: httpx.Client, targets: dict[str, Target | PostTarget], pids: Sequence[str], requests: int
) -> dict[str, dict[str, float]]:
    """Targets are interleaved request by request so that a change of machine load weighs on all of them
    alike."""
    samples: dict[str, list[float]] = {name: [] for name in targets}
    for pid in pids:  # warm-up: the first request of a person projects it (one encoder call)
        for url, headers, *method in targets.values():
            if not method:
                first_get(client, url.format(pid=pid), headers)
    for i in range(requests):
        pid = pids[i % len(pids)]
        for name, (url, headers, *method) in targets.items():
            started = time.perf_counter()
            r = client.request(method[0] if method else "GET", url.format(pid=pid), headers=headers)
            samples[name].append(time.perf_counter() - started)
            r.raise_for_status()
    return {name: percentiles(s) for name, s in samples.items()}


def exact_and_recall(
    exact: LocalOfferIndex,
    approx: Callable[[Vector, Any], list[str]],
    qs: Sequence[Query],
    qv: np.ndarray,
) -> dict[str, float]:
    recalls10, recalls100 = [], []
    for q, v in zip(qs, qv, strict=True):
        truth = [h.offer.id for h in exact.search(v, q.filters, K)]
        if not truth:
            continue
        got = approx(v, q.filters)
        recalls10.append(len(set(got[:10]) & set(truth[:10])) / min(10, len(truth)))
        recalls100.append(len(set(got) & set(truth)) / len(truth))
    return {
        "recall_at_10": round(float(np.mean(recalls10)), 4),
        "recall_at_100": round(float(np.mean(recalls100)), 4),
        "queries_with_results": len(recalls10),
        "min_recall_at_10": round(float(np.min(recalls10)), 4),
    }


def one_k(index: Any, cycle: Iterator[tuple[Query, Vector]], k: int) -> Callable[[], Any]:
    def call() -> Any:
        q, v = next(cycle)
        return index.search(v, q.filters, k)

    return call


def in_process(
    local_path: Path, es: ElasticsearchOfferIndex | None, qs: Sequence[Query], qv: np.ndarray, size: int
) -> dict[str, Any]:
    """Index-level latency (no HTTP), exact vs baseline local index, and the ES recall sweep."""
    out: dict[str, Any] = {}
    exact = LocalOfferIndex(str(local_path), DIMS)
    baseline = BaselineLocalIndex(str(local_path), DIMS)
    assert exact.count() == size, (exact.count(), size)
    cycle = itertools.cycle(list(zip(qs, qv, strict=True)))

    def one(index: Any, **kw: Any) -> Callable[[], Any]:
        def call() -> Any:
            q, v = next(cycle)
            return index.search(v, q.filters, K, **kw)

        return call

    for q, v in list(zip(qs, qv, strict=True))[:50]:  # same answers before and after the rewrite
        a = [(h.offer.id, round(h.similarity, 5)) for h in exact.search(v, q.filters, K)]
        b = [(h.offer.id, round(h.similarity, 5)) for h in baseline.search(v, q.filters, K)]
        assert a == b, "the optimised local index must answer exactly as the baseline"
    out["local_index_search_before"] = percentiles(time_calls(one(baseline), len(qs)))
    out["local_index_search_after"] = percentiles(time_calls(one(exact), len(qs)))
    if es is not None:
        sweep = {}
        for factor in FACTORS:
            es.num_candidates_factor = factor

            def approx(v: Vector, filters: Any) -> list[str]:
                return [h.offer.id for h in es.search(v, filters, K)]

            recall = exact_and_recall(exact, approx, qs, qv)
            latency = percentiles(time_calls(one(es), len(qs)))
            sweep[f"num_candidates={es.num_candidates(K)}"] = {**recall, "search": latency}
            say(f"ES {size}: num_candidates {es.num_candidates(K)}: {recall} p95 {latency['p95_ms']} ms")
        es.num_candidates_factor = ElasticsearchOfferIndex.NUM_CANDIDATES_FACTOR
        out["es_sweep"] = sweep
        # What the candidate window k (limit × CANDIDATES_PER_RESULT in service.py) costs.
        window = {}
        for k in (20, 60, 100):

            def approx_k(v: Vector, filters: Any, k: int = k) -> list[str]:
                return [h.offer.id for h in es.search(v, filters, k)]

            recall = exact_and_recall(exact, approx_k, qs, qv)
            latency = percentiles(time_calls(one_k(es, cycle, k), len(qs)))
            window[f"k={k}"] = {"recall_at_10": recall["recall_at_10"], "search": latency}
        say(f"ES {size}: candidate window {window}")
        out["es_window"] = window
    baseline.close()
    exact.close()
    return out


def bulk_sizes(es_url: str, run_id: str) -> dict[str, float]:
    """Documents per second into a scratch index by bulk request size (3 000 documents each)."""
    out: dict[str, float] = {}
    docs = [item for batch in corpus(0, 3000) for item in batch]
    for size in (50, 250, 1000):
        scratch = ElasticsearchOfferIndex(es_url, DIMS, alias=f"bench-bulk-{run_id}-{size}")
        scratch.ensure()
        started = time.monotonic()
        for i in range(0, len(docs), size):
            scratch.upsert(docs[i : i + size])
        scratch.refresh()
        out[f"bulk_{size}_docs_per_s"] = round(len(docs) / (time.monotonic() - started))
        for index in scratch._es.indices.get_alias(name=scratch.alias):
            scratch._es.indices.delete(index=index)
        scratch.close()
    say(f"ES bulk sizes: {out}")
    return out


def _distributed_latency(
    client: httpx.Client, stack: Distributed, referent: dict[str, str], pids: list[str], requests: int
) -> dict[str, Any]:
    """Suggestions through the gateway and straight at matching, and the caseload check alone."""
    # A bench outlives the one-minute tokens the gateway signs: its own last an hour.
    # Signed with the gateway's key, which the bench made for the stack and nothing else holds.
    signer = ServiceSigner.from_pem(stack.keys.service_signing_key)
    direct = {SERVICE_TOKEN_HEADER: signer.sign("matching", Caller("bench", Role.SYSTEM), 3600)}
    targets: dict[str, Target | PostTarget] = {
        "direct": (f"{stack.urls['matching']}/profiles/{{pid}}/suggestions?limit={LIMIT}", direct),
        "gateway": (f"{stack.urls['gateway']}/api/v1/profiles/{{pid}}/suggestions?limit={LIMIT}", referent),
    }
    # The gateway's caseload check, a consultation recorded at the profiles service (checked and
    # audited), runs beside the search: timed alone, it shows what it costs.
    admin = {SERVICE_TOKEN_HEADER: signer.sign("profiles", Caller("bench", Role.ADMIN), 3600)}
    check = f"{stack.urls['profiles']}/profiles/{{pid}}/consultations/suggestions"
    if client.post(check.format(pid=pids[0]), headers=admin).status_code == 204:
        targets["profiles_check"] = (check, admin, "POST")
    return http_latency(client, targets, pids, requests)


def _embedded_latency(
    client: httpx.Client,
    data_dir: Path,
    local_path: Path,
    qs: Sequence[Query],
    requests: int,
    phases: bool = False,
) -> dict[str, Any]:
    """`maillage run` on a copy of the loaded local index: suggestions through its gateway, and its RSS;
    with `phases`, where each request's time went inside the process (bench/phases.py)."""
    say(f"embedded: starting `maillage run` on the loaded index ({data_dir.name})")
    data_dir.mkdir(exist_ok=True)
    shutil.copy(local_path, data_dir / "offer_index.db")
    timings = data_dir.parent / f"{data_dir.name}-phases.json"
    extra_env = {"MAILLAGE_BENCH_PHASES": str(timings)} if phases else {}
    embedded = Embedded(data_dir, extra_env=extra_env).start()
    try:
        headers = embedded.login("referent")
        epids = create_people(client, embedded.url, headers, qs[:PEOPLE])
        url = f"{embedded.url}/api/v1/profiles/{{pid}}/suggestions?limit={LIMIT}"
        latency = http_latency(client, {"gateway": (url, headers)}, epids, requests)
        out: dict[str, Any] = {"embedded_http": latency, "embedded_rss_mb": embedded.rss_mb()}
    finally:
        embedded.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    if phases:  # written by the process as it stopped
        out["embedded_phases"] = breakdown(json.loads(timings.read_text()), requests)
    return out


def run(sizes: Sequence[int], requests: int, stack: Distributed | None = None) -> dict[str, Any]:
    qs = queries(max(RECALL_QUERIES, PEOPLE))
    qv = cached_vectors([q.text for q in qs], "queries")[:RECALL_QUERIES]
    rqs = qs[:RECALL_QUERIES]
    figures: dict[str, Any] = {"limit": LIMIT, "k": K, "requests_per_target": requests, "sizes": {}}
    own = stack is None
    stack = stack or Distributed().start()
    work = CACHE / f"suggest-{stack.run}"
    work.mkdir(parents=True, exist_ok=True)
    local_path = work / "offer_index.db"
    try:
        es = ElasticsearchOfferIndex(stack.es_url, DIMS, alias=stack.alias)
        es.ensure()
        referent = stack.login("referent")
        figures["es_bulk_sizes"] = bulk_sizes(stack.es_url, stack.run)
        done = 0
        with httpx.Client(timeout=60) as client:
            pids = create_people(client, stack.urls["gateway"], referent, qs[:PEOPLE])
            for size in sizes:
                say(f"rebuilding Elasticsearch with {size} offers; adding {done}..{size} to the local index")
                es_load = load_es(es, size)
                local_load = load_local(local_path, done, size)
                done = size
                say(f"loaded in {es_load:.0f} s (ES) and {local_load:.0f} s (local); measuring HTTP")
                es_http = _distributed_latency(client, stack, referent, pids, requests)
                say(f"ES {size}: {es_http}")
                row: dict[str, Any] = {
                    "es_rebuild_s": round(es_load, 1),
                    "es_rebuild_docs_per_s": round(size / max(es_load, 1e-9)),
                    "es_segments": segment_count(es),
                    "es_http": es_http,
                    "gateway_overhead_p50_ms": round(
                        es_http["gateway"]["p50_ms"] - es_http["direct"]["p50_ms"], 2
                    ),
                }
                row.update(in_process(local_path, es, rqs, qv, size))
                row.update(_embedded_latency(client, work / f"embedded-{size}", local_path, qs, requests))
                say(f"embedded {size}: {row['embedded_http']}")
                row["distributed_rss_mb"] = stack.rss_mb()
                row["servers_rss_mb"] = server_rss_mb()
                figures["sizes"][str(size)] = row
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if own:
            stack.close()


def embedded_only(sizes: Sequence[int], requests: int, phases: bool = False) -> dict[str, Any]:
    """The embedded platform alone (no servers, no rig): its suggestions through the gateway at each size,
    the issue 18 target being p95 ≤ 10 ms at 100k."""
    qs = queries(PEOPLE)
    figures: dict[str, Any] = {"limit": LIMIT, "requests_per_target": requests, "sizes": {}}
    if phases:
        figures["phases_note"] = "ms, timed inside `maillage run` (bench/phases.py); the client is sequential"
    work = CACHE / f"suggest-embedded-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    done = 0
    try:
        with httpx.Client(timeout=60) as client:
            for size in sizes:
                index = work / "offer_index.db"
                load_local(index, done, size)
                done = size
                row = _embedded_latency(client, work / f"embedded-{size}", index, qs, requests, phases)
                say(f"embedded {size}: {row}")
                figures["sizes"][str(size)] = row
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument(
        "--embedded-only", action="store_true", help="the embedded platform alone, without the rig"
    )
    parser.add_argument(
        "--phases",
        action="store_true",
        help="with --embedded-only: where each suggestion's time goes inside the process (bench/phases.py)",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.embedded_only:
        figures = embedded_only(sizes, args.requests, args.phases)
        command = COMMAND + " --embedded-only" + (" --phases" if args.phases else "")
        write_result("suggest-embedded", figures, command)
        return
    figures = run(sizes, args.requests)
    write_result("suggest", figures, COMMAND)


if __name__ == "__main__":
    main()
