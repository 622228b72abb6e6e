"""`maillage eval-matching`: the end-to-end figures of a scenario built from the taxonomies.

Offers are placed in Loiret communes with titles taken from ROME appellations; people want the same métier
written *another way* (a different appellation of the same fiche), live in other communes, and carry
radii, means of transport, contracts, hours and conditions to avoid. Everything goes through the gateway of
an embedded platform, as a référent would use it. A suggestion is *right* when its offer belongs to the
person's fiche; every suggestion is re-checked against the scenario's own facts for constraint violations.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common.geo import haversine_km
from common.territory import communes
from common.vocabulary import TRANSPORT_REACH_KM, ContractType, Transport, WorkCondition


@dataclass
class Scenario:
    offers: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    fiche_of_offer: list[str] = field(default_factory=list)
    fiche_of_person: list[str] = field(default_factory=list)


def build_scenario(fiches: int, offers_per_fiche: int, people: int, seed: int) -> Scenario:
    from services.matching.linking.taxonomy import load

    rng = random.Random(seed)
    taxonomy = load()
    by_fiche: dict[str, list[str]] = {}
    for appellation in taxonomy.appellations:
        by_fiche.setdefault(appellation.code_rome, []).append(appellation.label)
    eligible = sorted(code for code, labels in by_fiche.items() if len(labels) >= 4)
    chosen = rng.sample(eligible, fiches)
    places = [c for c in communes() if c.population >= 500]
    weights = [math.sqrt(c.population) for c in places]
    scenario = Scenario()
    contracts = [
        c.value for c in (ContractType.CDI, ContractType.CDD, ContractType.INTERIM, ContractType.CDDI)
    ]
    conditions = [c.value for c in WorkCondition]
    for fiche in chosen:
        labels = by_fiche[fiche]
        for _ in range(offers_per_fiche):
            where = rng.choices(places, weights)[0]
            title = rng.choice(labels) + rng.choice(["", " H/F", " (H/F)"])
            scenario.offers.append(
                {
                    "title": title,
                    "description": "",
                    "location": {"commune": where.name, "lat": where.lat, "lon": where.lon},
                    "contract_type": rng.choice(contracts),
                    "hours_per_week": rng.choice([20, 24, 26, 30, 35]),
                    "conditions": rng.sample(conditions, rng.choice([0, 0, 1, 2])),
                    "expires_on": (date.today() + timedelta(days=60)).isoformat(),
                }
            )
            scenario.fiche_of_offer.append(fiche)
    for _ in range(people):
        fiche = rng.choice(chosen)
        offer_titles = {
            o["title"].split(" (H/F)")[0].split(" H/F")[0]
            for o, f in zip(scenario.offers, scenario.fiche_of_offer, strict=True)
            if f == fiche
        }
        other_forms = [label for label in by_fiche[fiche] if label not in offer_titles] or by_fiche[fiche]
        where = rng.choices(places, weights)[0]
        transport = rng.sample([t.value for t in Transport], rng.choice([1, 1, 2]))
        scenario.people.append(
            {
                "display_name": f"Personne {len(scenario.people) + 1}",
                "target_jobs": [rng.choice(other_forms)],
                "location": {"commune": where.name, "lat": where.lat, "lon": where.lon},
                "mobility": {
                    "max_distance_km": rng.choice([10, 15, 20, 30, 40]),
                    "transport": transport,
                    "driving_licence_valid": rng.random() < 0.5,
                },
                "contract_types": rng.sample(contracts, rng.choice([0, 2, 3])),
                "excluded_conditions": rng.sample(conditions, rng.choice([0, 1, 2])),
            }
        )
        scenario.fiche_of_person.append(fiche)
    return scenario


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


def run(args: argparse.Namespace) -> int:
    from fastapi.testclient import TestClient

    from maillage.platform import build_embedded

    scenario = build_scenario(args.fiches, args.offers_per_fiche, args.people, args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        platform = build_embedded(Path(tmp), with_demo=False, encoder_kind=args.encoder, linker=args.linker)
        with TestClient(platform.app) as client:
            auth = {}
            for user in ("employer", "referent"):
                response = client.post("/api/v1/auth/token", data={"username": user, "password": "demo"})
                auth[user] = {"Authorization": f"Bearer {response.json()['access_token']}"}
            offer_ids = [
                client.post("/api/v1/offers", json=o, headers=auth["employer"]).json()["id"]
                for o in scenario.offers
            ]
            person_ids = [
                client.post("/api/v1/profiles", json=p, headers=auth["referent"]).json()["id"]
                for p in scenario.people
            ]
            platform.settle(timeout_s=600)
            ingest_s = time.perf_counter() - started
            figures = _measure(client, auth["referent"], scenario, offer_ids, person_ids, args.k)
    figures.update(
        {
            "offers": len(scenario.offers),
            "people": len(scenario.people),
            "fiches": args.fiches,
            "seed": args.seed,
            "encoder": args.encoder,
            "linker": args.linker,
            "ingest_seconds": round(ingest_s, 1),
            "total_seconds": round(time.perf_counter() - started, 1),
        }
    )
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if args.out:
        Path(args.out).write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    return 0 if figures["violations"] == 0 else 1


def _measure(
    client: Any,
    auth: dict[str, str],
    scenario: Scenario,
    offer_ids: list[str],
    person_ids: list[str],
    k: int,
) -> dict[str, Any]:
    index_of = {oid: i for i, oid in enumerate(offer_ids)}
    violations = suggestions = judged = 0
    p_at_1 = mrr = recall = ndcg = 0.0
    latencies: list[float] = []
    for p, pid in enumerate(person_ids):
        person = scenario.people[p]
        t0 = time.perf_counter()
        items = client.get(f"/api/v1/profiles/{pid}/suggestions?limit={k}", headers=auth).json()["items"]
        latencies.append(time.perf_counter() - t0)
        ranked = [index_of[i["offer_id"]] for i in items]
        suggestions += len(ranked)
        violations += sum(1 for o in ranked if not allowed(person, scenario.offers[o]))
        relevant = {
            o
            for o, fiche in enumerate(scenario.fiche_of_offer)
            if fiche == scenario.fiche_of_person[p] and allowed(person, scenario.offers[o])
        }
        if not relevant:
            continue
        judged += 1
        hits = [o in relevant for o in ranked]
        p_at_1 += 1.0 if hits[:1] == [True] else 0.0
        mrr += next((1.0 / (r + 1) for r, h in enumerate(hits) if h), 0.0)
        recall += sum(hits) / min(k, len(relevant))
        dcg = sum(1.0 / math.log2(r + 2) for r, h in enumerate(hits) if h)
        ideal = sum(1.0 / math.log2(r + 2) for r in range(min(k, len(relevant))))
        ndcg += dcg / ideal
    latencies.sort()
    return {
        "people_with_a_right_offer": judged,
        "success_at_1": round(p_at_1 / max(judged, 1), 3),
        "mrr": round(mrr / max(judged, 1), 3),
        f"recall_at_{k}": round(recall / max(judged, 1), 3),
        f"ndcg_at_{k}": round(ndcg / max(judged, 1), 3),
        "suggestions_checked": suggestions,
        "violations": violations,
        "suggestion_latency_p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
    }


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("eval-matching", help="end-to-end figures of a generated Loiret scenario")
    parser.add_argument("--fiches", type=int, default=40)
    parser.add_argument("--offers-per-fiche", type=int, default=8)
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--seed", type=int, default=45)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--encoder", default="minilm", choices=["minilm", "hashing"])
    parser.add_argument(
        "--linker",
        default="use",
        choices=["use", "lexical", "none"],
        help="none: embeddings and filters alone",
    )
    parser.add_argument("--out", default="")
    parser.set_defaults(func=run)
