"""National scale (issue 18): offers spread over all of France on Elasticsearch, at 10k, 100k and 1M.

    make bench-scale        # = python -m scripts.rig run -- python -m bench.scale
    python -m scripts.rig run -- python -m bench.scale [--sizes 10000,100000,1000000] [--requests 300]
        [--vector-index hnsw|int8_hnsw|bbq_hnsw] [--label L]

For each size, in one run: the reindex (bulk → merge → alias swap, each step timed); suggestions through
the gateway (p50/p95/p99) interleaved request by request with **the raw kNN query with the same filters**
sent straight to Elasticsearch (the floor the product cannot beat); recall@10 and @100 of the product's
kNN against exact search with the same filters (Elasticsearch's `script_score` over every matching
offer); the RSS of every process and the index's size on disk. Charts: bench/scale-latency.png and
bench/scale-memory.png. Offers and people are drawn over all French communes by population
(MAILLAGE_TERRITORY=all); vectors are precomputed and reused as bench.suggest does (bench/common.py).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from typing import Any

import httpx
import numpy as np

from bench.common import BENCH, DIMS, Query, cached_vectors, load, percentiles, queries, say, write_result
from bench.process_meters import CpuMeter
from bench.stack import Distributed, first_get, server_rss_mb
from bench.suggest import LIMIT, K, corpus, create_people, segment_count
from services.matching.adapters.es_index import ElasticsearchOfferIndex

COMMAND = "python -m scripts.rig run -- python -m bench.scale"
PEOPLE = 40
RECALL_QUERIES = 100


def reindex(es: ElasticsearchOfferIndex, size: int) -> dict[str, Any]:
    """`maillage reindex`'s path at `size` offers: a new index filled, merged and swapped in."""
    phases: dict[str, float] = {}
    started = time.monotonic()
    es.rebuild(corpus(0, size), phases)
    total = time.monotonic() - started
    return {
        "total_s": round(total, 1),
        **phases,
        "docs_per_s": round(size / max(phases.get("bulk_s", total), 1e-9)),
        "segments": segment_count(es),
        "load_1m": round(load()[0], 2),
    }


def ids(es: ElasticsearchOfferIndex, vector: np.ndarray, query: Query) -> list[str]:
    result = es._es.search(index=es.alias, knn=es.knn_query(vector, query.filters, K), size=K, source=False)
    return [hit["_id"] for hit in result["hits"]["hits"]]


def recall(
    es: ElasticsearchOfferIndex, exact: ElasticsearchOfferIndex, qs: Sequence[Query], qv: np.ndarray
) -> dict[str, float]:
    """The product's kNN against the same query on a "flat" copy of the offers: Elasticsearch then
    scores every offer the filters allow (no graph, no quantization), i.e. exact search."""
    at10, at100 = [], []
    for query, vector in zip(qs, qv, strict=True):
        truth = ids(exact, vector, query)
        if not truth:
            continue
        got = ids(es, vector, query)
        at10.append(len(set(got[:10]) & set(truth[:10])) / min(10, len(truth)))
        at100.append(len(set(got) & set(truth)) / len(truth))
    return {
        "recall_at_10": round(float(np.mean(at10)), 4),
        "recall_at_100": round(float(np.mean(at100)), 4),
        "min_recall_at_10": round(float(np.min(at10)), 4),
        "queries_with_results": len(at10),
    }


def latency(
    client: httpx.Client,
    stack: Distributed,
    es: ElasticsearchOfferIndex,
    people: Sequence[tuple[str, Query, np.ndarray]],
    requests: int,
) -> dict[str, Any]:
    """The gateway's suggestions and the raw kNN query, alternated so that load weighs on both alike."""
    referent = stack.login("referent")
    url = f"{stack.urls['gateway']}/api/v1/profiles/{{pid}}/suggestions?limit={LIMIT}"
    for pid, _, _ in people:  # the first request of a person projects it (one encoder call)
        first_get(client, url.format(pid=pid), referent)
    gateway, raw, took = [], [], []
    for i in range(requests):
        pid, query, vector = people[i % len(people)]
        started = time.perf_counter()
        client.get(url.format(pid=pid), headers=referent).raise_for_status()
        gateway.append(time.perf_counter() - started)
        knn = es.knn_query(vector, query.filters, K)
        started = time.perf_counter()
        result = es._es.search(
            index=es.alias, knn=knn, size=K, source={"excludes": ["vector", "description"]}
        )
        raw.append(time.perf_counter() - started)
        took.append(result["took"] / 1000.0)
    out: dict[str, Any] = {"gateway": percentiles(gateway), "raw_knn": percentiles(raw)}
    out["raw_knn_took"] = percentiles(took)
    out["gateway_over_raw_p95"] = round(out["gateway"]["p95_ms"] / max(out["raw_knn"]["p95_ms"], 1e-9), 2)
    out["cpu_ms_per_suggestion"] = cpu_per_suggestion(client, stack, url, referent, people, requests // 2)
    return out


def cpu_per_suggestion(
    client: httpx.Client,
    stack: Distributed,
    url: str,
    referent: dict[str, str],
    people: Sequence[tuple[str, Query, np.ndarray]],
    requests: int,
) -> dict[str, float]:
    """CPU milliseconds each process spends per suggestion request (gateway calls alone): the unit cost
    docs/scaling.md sizes the national deployment with."""
    meter = CpuMeter(stack.pids()).start()
    for i in range(requests):
        client.get(url.format(pid=people[i % len(people)][0]), headers=referent).raise_for_status()
    used = meter.stop()
    per_request = {
        name: round(1000.0 * seconds / requests, 2)
        for name, seconds in used.items()
        if name not in ("wall_s", "cores_busy")
    }
    return {**per_request, "requests_per_s": round(requests / max(used["wall_s"], 1e-9), 1)}


def disk_mb(es: ElasticsearchOfferIndex) -> dict[str, float]:
    stats = es._es.indices.stats(index=es.alias, metric="store")
    store = sum(s["primaries"]["store"]["size_in_bytes"] for s in stats["indices"].values())
    return {"es_index": round(store / 2**20, 1)}


def measure_size(
    client: httpx.Client,
    stack: Distributed,
    indexes: tuple[ElasticsearchOfferIndex, ElasticsearchOfferIndex],
    people: Sequence[tuple[str, Query, np.ndarray]],
    recall_set: tuple[Sequence[Query], np.ndarray],
    size: int,
    requests: int,
) -> dict[str, Any]:
    es, exact = indexes
    say(f"reindexing {size} offers ({es.vector_index})")
    row: dict[str, Any] = {"reindex": reindex(es, size)}
    say(f"reindexed: {row['reindex']}")
    row["latency"] = latency(client, stack, es, people, requests)
    say(f"latency at {size}: {row['latency']}")
    # Memory and disk before the flat copy exists, so that they are the product's alone.
    row["rss_mb"] = {**stack.rss_mb(), **server_rss_mb()}
    row["disk_mb"] = disk_mb(es)
    say(f"building the flat copy of {size} offers (exact search)")
    exact.rebuild(corpus(0, size))
    row["recall"] = recall(es, exact, *recall_set)
    say(f"recall at {size}: {row['recall']}")
    for name in exact._es.indices.get_alias(name=exact.alias):
        exact._es.indices.delete(index=name)
    return row


def run(sizes: Sequence[int], requests: int, vector_index: str, stem: str) -> dict[str, Any]:
    qs = queries(max(PEOPLE, RECALL_QUERIES), seed=23)
    qv = cached_vectors([q.text for q in qs], "queries-france")
    figures: dict[str, Any] = {"limit": LIMIT, "k": K, "vector_index": vector_index, "sizes": {}}
    with Distributed() as stack, httpx.Client(timeout=120) as client:
        es = ElasticsearchOfferIndex(stack.es_url, DIMS, alias=stack.alias, vector_index=vector_index)
        exact = ElasticsearchOfferIndex(stack.es_url, DIMS, alias=f"{stack.alias}-exact", vector_index="flat")
        es.ensure()
        referent = stack.login("referent")
        pids = create_people(client, stack.urls["gateway"], referent, qs[:PEOPLE])
        people = [(pid, qs[i], qv[i]) for i, pid in enumerate(pids)]
        recall_set = (qs[:RECALL_QUERIES], qv[:RECALL_QUERIES])
        for size in sizes:
            row = measure_size(client, stack, (es, exact), people, recall_set, size, requests)
            figures["sizes"][str(size)] = row
            write_result(stem, figures, COMMAND)  # kept as each size ends
    return figures


def draw(figures: dict[str, Any], stem: str) -> list[str]:
    """Latency and memory against offers, on log axes (matplotlib, without a display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(figures["sizes"], key=int)
    x = [int(s) for s in sizes]
    rows = [figures["sizes"][s] for s in sizes]
    paths = []
    fig, ax = plt.subplots(figsize=(7, 4.2))
    series = (
        ("gateway", "suggestions via la passerelle", "tab:blue"),
        ("raw_knn", "requête kNN brute", "tab:red"),
    )
    for key, label, color in series:
        for pct, style in (("p50_ms", "--"), ("p95_ms", "-")):
            values = [r["latency"][key][pct] for r in rows]
            ax.plot(x, values, style, color=color, marker="o", label=f"{label}, {pct[:3]}")
    ax.set(xscale="log", xlabel="offres indexées", ylabel="ms", title=f"Latence ({figures['vector_index']})")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    paths.append(_save(fig, f"{stem}-latency.png"))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name in ("es", "matching", "consumer", "gateway"):
        ax.plot(x, [r["rss_mb"].get(name, 0) for r in rows], marker="o", label=f"RSS {name}")
    ax.plot(x, [r["disk_mb"]["es_index"] for r in rows], ":", marker="s", label="index ES sur disque")
    ax.set(
        xscale="log",
        xlabel="offres indexées",
        ylabel="Mo",
        title=f"Mémoire et disque ({figures['vector_index']})",
    )
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    paths.append(_save(fig, f"{stem}-memory.png"))
    plt.close("all")
    return paths


def _save(fig: Any, name: str) -> str:
    path = BENCH / name
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    say(f"drew {path.name}")
    return str(path.relative_to(BENCH.parent))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--vector-index", default="int8_hnsw", choices=("hnsw", "int8_hnsw", "bbq_hnsw"))
    parser.add_argument(
        "--label",
        default="",
        help="appended to the results' names (scale-<kind>-<label>.json and charts), so that a partial "
        "re-measure keeps the run of record",
    )
    args = parser.parse_args()
    stem = f"scale-{args.vector_index}" + (f"-{args.label}" if args.label else "")
    # Before anything reads the territory: people and offers anywhere in France.
    os.environ["MAILLAGE_TERRITORY"] = "all"
    os.environ["MAILLAGE_ES_VECTOR_INDEX"] = args.vector_index
    figures = run([int(s) for s in args.sizes.split(",")], args.requests, args.vector_index, stem)
    figures["charts"] = draw(figures, stem)
    write_result(stem, figures, COMMAND)


if __name__ == "__main__":
    main()
