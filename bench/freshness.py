"""Freshness: from an offer's POST (201 received) to its first appearance in a person's suggestions,
through the gateway, at idle and while other offers are being posted.

    python -m scripts.rig run -- python -m bench.freshness [--trials 20] [--load-rate 0]

Each trial posts an offer with a unique job title in the commune of a person who targets exactly that
title, then asks for the person's suggestions every 25 ms until the offer is there. Under load, two
client threads keep posting other offers at --load-rate offers/s (default: half the measured ingest
rate when run by bench.all, else 10/s) — a rate the pipeline can sustain, so that the figure is the
latency of a busy pipeline, not the length of an ever-growing queue.
"""

from __future__ import annotations

import argparse
import threading
import time
import uuid
from typing import Any

import httpx

from bench.common import percentiles, say, write_result
from bench.ingest import offer_payloads
from bench.stack import Distributed, first_get
from common.territory import commune_named

COMMAND = "python -m scripts.rig run -- python -m bench.freshness"
POLL_S = 0.025
TITLES = [
    "Souffleur de verre au chalumeau", "Restaurateur de vitraux anciens", "Facteur d'orgues",
    "Luthier en guitares", "Doreur sur bois", "Tailleur de pierre de monuments", "Émailleur sur métaux",
    "Relieur d'art", "Tapissier décorateur en sièges", "Horloger réparateur de pendules",
]  # fmt: skip


def location(name: str) -> dict[str, Any]:
    c = commune_named(name)
    return {"commune": c.name, "lat": c.lat, "lon": c.lon, "insee_code": c.insee_code}


def trials(stack: Distributed, n: int, label: str) -> list[float]:
    gateway = stack.urls["gateway"]
    employer, referent = stack.login("employer"), stack.login("referent")
    samples = []
    with httpx.Client(timeout=30) as client:
        for i in range(n):
            title = f"{TITLES[i % len(TITLES)]} {label} {uuid.uuid4().hex[:6]}"
            person = client.post(
                f"{gateway}/api/v1/profiles",
                json={
                    "display_name": "Fraîcheur",
                    "target_jobs": [title],
                    "skills": [],
                    "location": location("Gien"),
                    "mobility": {"max_distance_km": 10, "transport": ["car"], "driving_licence_valid": True},
                },
                headers=referent,
            )
            person.raise_for_status()
            pid = person.json()["id"]
            url = f"{gateway}/api/v1/profiles/{pid}/suggestions?limit=20"
            first_get(client, url, referent)  # the person is projected before the clock
            offer = client.post(
                f"{gateway}/api/v1/offers",
                json={
                    "title": title,
                    "description": "",
                    "location": location("Gien"),
                    "contract_type": "CDI",
                    "hours_per_week": 35,
                    "skills": [],
                },
                headers=employer,
            )
            offer.raise_for_status()
            posted = time.monotonic()
            oid = offer.json()["id"]
            deadline = posted + 60
            while time.monotonic() < deadline:
                items = client.get(url, headers=referent).json()["items"]
                if any(item["offer_id"] == oid for item in items):
                    samples.append(time.monotonic() - posted)
                    break
                time.sleep(POLL_S)
            else:
                say(f"offer {oid} not suggested after 60 s")
                samples.append(60.0)
    return samples


class Background:
    """Two threads posting offers at `rate` offers per second in total, until stopped."""

    def __init__(self, stack: Distributed, rate: float) -> None:
        self.stack, self.rate = stack, rate
        self.posted = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._post, args=(k,), daemon=True) for k in range(2)]

    def _post(self, k: int) -> None:
        headers = self.stack.login("employer")
        payloads = offer_payloads(20_000, f"load-{k}-{uuid.uuid4().hex[:6]}", seed=k)
        interval = 2.0 / self.rate
        with httpx.Client(timeout=30) as client:
            for payload in payloads:
                if self._stop.is_set():
                    return
                started = time.monotonic()
                client.post(f"{self.stack.urls['gateway']}/api/v1/offers", json=payload, headers=headers)
                self.posted += 1
                self._stop.wait(max(0.0, interval - (time.monotonic() - started)))

    def __enter__(self) -> Background:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(30)


def run(n: int, load_rate: float, stack: Distributed | None = None) -> dict[str, Any]:
    own = stack is None
    stack = stack or Distributed().start()
    try:
        trials(stack, 2, "warmup")
        idle = percentiles(trials(stack, n, "idle"))
        say(f"freshness idle: {idle}")
        with Background(stack, load_rate) as background:
            time.sleep(3)
            started = time.monotonic()
            loaded = percentiles(trials(stack, n, "load"))
            achieved = background.posted / (time.monotonic() - started + 3)
        say(f"freshness under {load_rate:.1f} offers/s (achieved {achieved:.1f}/s): {loaded}")
        return {
            "idle": idle,
            "under_load": {
                **loaded,
                "load_offers_per_s_target": load_rate,
                "load_offers_per_s": round(achieved, 1),
            },
            "poll_interval_ms": POLL_S * 1000,
        }
    finally:
        if own:
            stack.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--load-rate", type=float, default=10.0)
    args = parser.parse_args()
    write_result("freshness", run(args.trials, args.load_rate), COMMAND)


if __name__ == "__main__":
    main()
