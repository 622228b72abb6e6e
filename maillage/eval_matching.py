"""`maillage eval-matching`: end-to-end figures of scenarios built from the referentials, BM25 alongside.

Each scenario (see `maillage.eval_scenarios`: ``appellations``, ``free-titles``, ``skills-only``,
``real-titles``) places
offers in Loiret communes and people with radii, means of transport, contracts and conditions to avoid.
Everything goes through the gateway of an embedded platform, as a référent would use it, and the
suggestions are read back. In the same run, over the same offers, a plain Okapi BM25 ranking of the offers
each person is allowed (`maillage.eval_bm25`) is scored the same way: the product should beat it.

Relevance is graded from the referential (2 = the person's occupation, 1 = a neighbouring one, 0 otherwise):
nDCG@k with gain 2^rel − 1 and the ideal computed over the offers the person is allowed; success@1, MRR
and recall@k on grade 2, over the people with at least one allowed grade-2 offer. Every returned suggestion
is re-checked against the scenario's own facts (recomputed independently of the product) for violations.
"""

from __future__ import annotations

import argparse
import inspect
import json
import logging
import math
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common.geo import haversine_km
from common.vocabulary import TRANSPORT_REACH_KM, Transport
from maillage.eval_bm25 import BM25, offer_document, person_query
from maillage.eval_parts import Scenario
from maillage.eval_scenarios import SCENARIOS, build

DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def allowed(person: dict[str, Any], offer: dict[str, Any]) -> bool:
    """The hard constraints, recomputed from the scenario's own facts (independently of the product)."""
    mobility = person["mobility"]
    means = set(mobility["transport"])
    if not mobility["driving_licence_valid"]:
        means.discard("car")
    radius = mobility["max_distance_km"]
    if means:
        radius = min(radius, max(TRANSPORT_REACH_KM[Transport(m)] for m in means))
    here, there = person["location"], offer["location"]
    if haversine_km(here["lat"], here["lon"], there["lat"], there["lon"]) > radius:
        return False
    if person["contract_types"] and offer["contract_type"] not in person["contract_types"]:
        return False
    excluded = set(person["excluded_conditions"]) | (
        set() if mobility["driving_licence_valid"] else {"driving_licence"}
    )
    return not (excluded & set(offer["conditions"]))


def dcg(grades: Sequence[int]) -> float:
    return sum((2.0**g - 1.0) / math.log2(r + 2) for r, g in enumerate(grades))


def ndcg_at_k(ranked_grades: Sequence[int], allowed_grades: Sequence[int], k: int) -> float:
    """Graded nDCG@k; the ideal ranking is the best one over the offers the person is allowed."""
    ideal = dcg(sorted(allowed_grades, reverse=True)[:k])
    return dcg(ranked_grades[:k]) / ideal if ideal > 0 else 0.0


def allowed_offers(scenario: Scenario) -> list[list[int]]:
    return [
        [o for o, offer in enumerate(scenario.offers) if allowed(person, offer)] for person in scenario.people
    ]


def evaluate(
    scenario: Scenario, rankings: list[list[int]], permitted: list[list[int]], k: int
) -> dict[str, Any]:
    """The figures of one system's rankings (offer indices, best first) on a scenario."""
    violations = suggestions = judged = empty = 0
    success = mrr = recall = ndcg = 0.0
    for p, ranked in enumerate(rankings):
        ranked = ranked[:k]
        suggestions += len(ranked)
        empty += not ranked
        violations += sum(1 for o in ranked if not allowed(scenario.people[p], scenario.offers[o]))
        allowed_grades = [scenario.grade(p, o) for o in permitted[p]]
        relevant = allowed_grades.count(2)
        if not relevant:
            continue
        judged += 1
        grades = [scenario.grade(p, o) for o in ranked]
        success += 1.0 if grades[:1] == [2] else 0.0
        mrr += next((1.0 / (r + 1) for r, g in enumerate(grades) if g == 2), 0.0)
        recall += grades.count(2) / min(k, relevant)
        ndcg += ndcg_at_k(grades, allowed_grades, k)
    n = max(judged, 1)
    return {
        "people_judged": judged,
        "success_at_1": round(success / n, 3),
        "mrr": round(mrr / n, 3),
        f"recall_at_{k}": round(recall / n, 3),
        f"ndcg_at_{k}": round(ndcg / n, 3),
        "suggestions_checked": suggestions,
        "people_without_suggestions": empty,
        "violations": violations,
    }


def bm25_rankings(scenario: Scenario, permitted: list[list[int]], k: int) -> list[list[int]]:
    """The yardstick: each person's allowed offers by BM25 (title + description + skills), ties by index."""
    index = BM25([offer_document(o) for o in scenario.offers])
    return [index.rank(person_query(person), permitted[p])[:k] for p, person in enumerate(scenario.people)]


def _post_all(client: Any, path: str, items: list[dict[str, Any]], auth: dict[str, str]) -> list[str]:
    ids = []
    for item in items:
        response = client.post(path, json=item, headers=auth)
        if response.status_code >= 300:
            raise RuntimeError(f"POST {path} refused ({response.status_code}): {response.text[:300]}")
        ids.append(response.json()["id"])
    return ids


def product_rankings(scenario: Scenario, args: argparse.Namespace) -> tuple[list[list[int]], dict[str, Any]]:
    """Everything posted through the gateway of a fresh embedded platform; each person's suggestions."""
    from fastapi.testclient import TestClient

    from maillage.platform import build_embedded

    # No --encoder: the product's own default, whatever it is today.
    encoder = args.encoder or inspect.signature(build_embedded).parameters["encoder_kind"].default
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        platform = build_embedded(Path(tmp), with_demo=False, encoder_kind=encoder, linker=args.linker)
        with TestClient(platform.app) as client:
            auth = {}
            for user in ("employer", "referent"):
                response = client.post("/api/v1/auth/token", data={"username": user, "password": "demo"})
                auth[user] = {"Authorization": f"Bearer {response.json()['access_token']}"}
            offer_ids = _post_all(client, "/api/v1/offers", scenario.offers, auth["employer"])
            person_ids = _post_all(client, "/api/v1/profiles", scenario.people, auth["referent"])
            platform.settle(timeout_s=900)
            ingest_s = time.perf_counter() - started
            index_of = {oid: i for i, oid in enumerate(offer_ids)}
            rankings, latencies = [], []
            for pid in person_ids:
                t0 = time.perf_counter()
                url = f"/api/v1/profiles/{pid}/suggestions?limit={args.k}"
                items = client.get(url, headers=auth["referent"]).json()["items"]
                latencies.append(time.perf_counter() - t0)
                rankings.append([index_of[i["offer_id"]] for i in items])
    latencies.sort()
    return rankings, {
        "encoder": encoder,
        "ingest_seconds": round(ingest_s, 1),
        "suggestion_latency_p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
    }


def run_scenario(name: str, args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    scenario = build(
        name, Path(args.shared_data), args.occupations, args.offers_per_occupation, args.people, args.seed
    )
    permitted = allowed_offers(scenario)
    rankings, timing = product_rankings(scenario, args)
    product = evaluate(scenario, rankings, permitted, args.k)
    bm25 = evaluate(scenario, bm25_rankings(scenario, permitted, args.k), permitted, args.k)
    key = f"ndcg_at_{args.k}"
    return {
        **product,
        "offers": len(scenario.offers),
        "people": len(scenario.people),
        "occupations": len(set(scenario.key_of_offer)),
        "seed": args.seed,
        "linker": args.linker,
        **timing,
        "total_seconds": round(time.perf_counter() - started, 1),
        "bm25": bm25,
        "ndcg_ratio": round(product[key] / bm25[key], 3) if bm25[key] else None,
    }


def table(results: dict[str, dict[str, Any]], k: int) -> str:
    head = (
        f"{'scenario':<13} {'system':<8} {'judged':>6} {'S@1':>6} {'MRR':>6} {f'R@{k}':>6} {f'nDCG@{k}':>8}"
    )
    lines = [head + f" {'violations':>13} {'ratio':>6}"]
    for name, result in results.items():
        for system, figures in (("product", result), ("bm25", result["bm25"])):
            ratio = f"{result['ndcg_ratio']:.3f}" if system == "product" and result["ndcg_ratio"] else ""
            lines.append(
                f"{name:<13} {system:<8} {figures['people_judged']:>6} {figures['success_at_1']:>6.3f}"
                f" {figures['mrr']:>6.3f} {figures[f'recall_at_{k}']:>6.3f} {figures[f'ndcg_at_{k}']:>8.3f}"
                f" {figures['violations']:>6} / {figures['suggestions_checked']:<4} {ratio:>6}"
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    names = SCENARIOS if args.scenario == "all" else (args.scenario,)
    if not Path(args.shared_data).is_dir():
        raise SystemExit(f"eval-matching: no reference data at {args.shared_data} (see --shared-data)")
    for noisy in ("httpx", "httpx2", "alembic"):  # one line per request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    results = {name: run_scenario(name, args) for name in names}
    print(table(results, args.k))
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0 if all(r["violations"] == 0 for r in results.values()) else 1


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "eval-matching", help="end-to-end figures of generated Loiret scenarios, against a BM25 yardstick"
    )
    parser.add_argument("--scenario", default="all", choices=[*SCENARIOS, "all"])
    parser.add_argument("--occupations", "--fiches", dest="occupations", type=int, default=40)
    parser.add_argument(
        "--offers-per-occupation", "--offers-per-fiche", dest="offers_per_occupation", type=int, default=8
    )
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--seed", type=int, default=45)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument(
        "--encoder", default="", help="passed to build_embedded(encoder_kind=...); default: the product's"
    )
    parser.add_argument(
        "--linker",
        default="use",
        choices=["use", "lexical", "none"],
        help="none: embeddings and filters alone",
    )
    parser.add_argument("--shared-data", default=str(DEFAULT_SHARED_DATA), help="the reference data folder")
    parser.add_argument("--out", default="", help="write the figures as JSON to this file")
    parser.set_defaults(func=run)
