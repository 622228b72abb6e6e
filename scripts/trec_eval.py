#!/usr/bin/env python3
"""Score a TREC run against TREC qrels: MAP, MRR and success@1, with trec_eval's semantics.

    python scripts/trec_eval.py QRELS RUN [--depth 100] [--per-query]

QRELS lines are ``qid 0 docid rel`` (rel > 0 is relevant); RUN lines are ``qid Q0 docid rank score tag``.
As trec_eval does, documents of a query are ordered by descending score (ties broken by descending docid),
only the first ``depth`` count, average precision is divided by the number of relevant documents of the
query, and every query of the qrels counts (a query missing from the run scores 0).
Standard library only, so it can run anywhere.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path


def read_qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and int(parts[3]) > 0:
            relevant[parts[0]].add(parts[2])
    return dict(relevant)


def read_run(path: Path) -> dict[str, list[tuple[str, float]]]:
    run: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 6:
            run[parts[0]].append((parts[2], float(parts[4])))
    return dict(run)


def ranked(docs: list[tuple[str, float]], depth: int) -> list[str]:
    # trec_eval sorts by score, then by docid, both descending.
    ordered = sorted(docs, key=lambda d: (d[1], d[0]), reverse=True)
    return [doc for doc, _ in ordered[:depth]]


def average_precision(ranking: list[str], relevant: set[str]) -> float:
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for position, doc in enumerate(ranking, start=1):
        if doc in relevant:
            hits += 1
            total += hits / position
    return total / len(relevant)


def reciprocal_rank(ranking: list[str], relevant: set[str]) -> float:
    for position, doc in enumerate(ranking, start=1):
        if doc in relevant:
            return 1.0 / position
    return 0.0


def evaluate(
    qrels: dict[str, set[str]], run: dict[str, list[tuple[str, float]]], depth: int = 100
) -> dict[str, dict[str, float]]:
    """Per-query metrics for every query of the qrels; the key "all" holds the means."""
    per_query: dict[str, dict[str, float]] = {}
    for qid, relevant in qrels.items():
        ranking = ranked(run.get(qid, []), depth)
        per_query[qid] = {
            "map": average_precision(ranking, relevant),
            "recip_rank": reciprocal_rank(ranking, relevant),
            "success_1": 1.0 if ranking and ranking[0] in relevant else 0.0,
        }
    n = max(len(per_query), 1)
    per_query["all"] = {
        m: sum(v[m] for v in per_query.values()) / n for m in ("map", "recip_rank", "success_1")
    }
    return per_query


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("qrels", type=Path)
    parser.add_argument("run", type=Path)
    parser.add_argument("--depth", type=int, default=100, help="documents counted per query (default 100)")
    parser.add_argument("--per-query", action="store_true", help="also print each query's figures")
    args = parser.parse_args(argv)
    results = evaluate(read_qrels(args.qrels), read_run(args.run), args.depth)
    if args.per_query:
        for qid in sorted(q for q in results if q != "all"):
            print(qid, " ".join(f"{m}={v:.4f}" for m, v in results[qid].items()))
    summary = results["all"]
    print(f"queries\t{len(results) - 1}")
    print(f"map@{args.depth}\t{summary['map']:.4f}")
    print(f"mrr\t{summary['recip_rank']:.4f}")
    print(f"success@1\t{summary['success_1']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
