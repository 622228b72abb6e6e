"""Would a well-kept ANN library answer the embedded mode's wide searches well enough? (issue 18, item 3)

    pip install faiss-cpu && python -m bench.ann_probe [--size 100000] [--queries 200]

Not a product dependency: this probe measures whether one should become one. On the bench's corpus (the
offers `bench.suggest` loads, with their precomputed vectors), it builds faiss's HNSW graph over every
offer, then searches it for the bench people's queries with the hard filters as a bitmap of the rows that
pass them (faiss's `IDSelectorBitmap`, the filter applied during the walk), and compares the top 10 with
the embedded index's exact answer (`LocalOfferIndex.search`, recall 1.0 by construction), and the whole
window of K = 100 candidates too, since the ranking reorders all of them. Reported apart
for the *wide* queries (more than 1/8 of the offers pass the filters: the ones whose exact scoring is the
embedded p95, bench/RESULTS.md), since narrow ones are cheap to score exactly anyway.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from bench.common import CACHE, DIMS, cached_vectors, percentiles, queries, say, write_result
from bench.suggest import K, load_local
from services.matching.adapters.local_index import DENSE_SCAN_FRACTION, LocalOfferIndex
from services.matching.domain.constraints import search_rule

COMMAND = "python -m bench.ann_probe"
EF_SEARCH = (64, 256, 1024)


def probe(size: int, n_queries: int, graph_degree: int) -> dict[str, Any]:
    import faiss  # the probe's own requirement (see the module's docstring)

    path = CACHE / f"ann-probe-{size}.db"
    if not path.exists():
        say(f"loading {size} bench offers into a local index ({path.name})")
        load_local(path, 0, size)
    index = LocalOfferIndex(str(path), DIMS)
    qs = queries(n_queries)
    qv = cached_vectors([q.text for q in qs], "queries")[:n_queries]
    n = index.count()
    # The index's rows, read through its private mirror: the probe needs row numbers for faiss's ids.
    vectors = np.ascontiguousarray(index._vectors[:n])
    started = time.monotonic()
    graph = faiss.IndexHNSWFlat(DIMS, graph_degree, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = 80
    graph.add(vectors)
    built_s = time.monotonic() - started
    say(f"HNSW M={graph_degree} built over {n} offers in {built_s:.1f} s")
    cases = []
    for query, vector in zip(qs, qv, strict=True):
        rows = index._columns.rows_passing(search_rule(query.filters), n)
        truth = [hit.offer.id for hit in index.search(vector, query.filters, K)]
        if truth:
            bitmap = np.zeros(n, dtype=bool)
            bitmap[rows] = True
            cases.append(
                (vector, np.packbits(bitmap, bitorder="little"), truth, len(rows) * DENSE_SCAN_FRACTION > n)
            )
    out: dict[str, Any] = {"offers": n, "graph_degree": graph_degree, "build_s": round(built_s, 1), "ef": {}}
    for ef in EF_SEARCH:
        recall: dict[bool, list[float]] = {True: [], False: []}
        window: dict[bool, list[float]] = {True: [], False: []}  # recall@K: the window ranking reorders
        seconds: list[float] = []
        for vector, packed, truth, wide in cases:
            started_q = time.perf_counter()
            params = faiss.SearchParametersHNSW(
                sel=faiss.IDSelectorBitmap(n, faiss.swig_ptr(packed)), efSearch=max(ef, K)
            )
            _, found = graph.search(vector.reshape(1, -1), K, params=params)
            seconds.append(time.perf_counter() - started_q)
            got = [index._docs[int(i)].id for i in found[0] if i >= 0]
            recall[wide].append(len(set(got[:10]) & set(truth[:10])) / min(10, len(truth)))
            window[wide].append(len(set(got) & set(truth)) / len(truth))
        out["ef"][str(ef)] = {
            "recall_at_10_wide": round(float(np.mean(recall[True])), 4) if recall[True] else None,
            "min_recall_at_10_wide": round(float(np.min(recall[True])), 4) if recall[True] else None,
            "recall_at_10_narrow": round(float(np.mean(recall[False])), 4) if recall[False] else None,
            f"recall_at_{K}_wide": round(float(np.mean(window[True])), 4) if window[True] else None,
            f"recall_at_{K}_narrow": round(float(np.mean(window[False])), 4) if window[False] else None,
            "wide_queries": len(recall[True]),
            "narrow_queries": len(recall[False]),
            "search": percentiles(seconds),
        }
        say(f"ef={ef}: {out['ef'][str(ef)]}")
    index.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    figures = {f"M={m}": probe(args.size, args.queries, m) for m in (16, 32)}
    write_result("ann-probe", figures, COMMAND)


if __name__ == "__main__":
    main()
