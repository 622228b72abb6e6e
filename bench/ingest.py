"""Ingest: offers per second from POST (and from `maillage import-offers`) through the outbox, Kafka,
the matching consumer and the index encoder (the multilingual USE) to searchable in Elasticsearch, against
the raw throughput of the same encoder doing the same work in the same run — per offer, its title and
its body (`services.matching.texts.offer_body`), each encoded once — and the embedding cache's hit rate
when offers come back with unchanged text.

    python -m scripts.rig run -- python -m bench.ingest [--offers N]

Every offer text is unique (a reference number in the description), so nothing but the encoder
embeds them. "Searchable" is measured by Elasticsearch's own count, which only sees refreshed documents.
Phases: (1) raw encoder; (2) POST N offers through the gateway, 4 client threads; (3) import N offers
from a CSV file; (4) re-import the same file with the hours changed (N new versions, same texts) with
the embedding cache on, then (5) again with the consumer restarted without the cache; (6) raw encoder
again. The ratio divides the end-to-end rate by the mean of (1) and (6).
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
from elasticsearch import Elasticsearch

from bench.common import CACHE, ROOT, index_encoder, say, text_pool, write_result
from bench.process_meters import CpuMeter
from bench.stack import BENCH_ENV, Distributed
from common.territory import Commune, communes
from services.matching.texts import offer_body

COMMAND = "python -m scripts.rig run -- python -m bench.ingest"
STATS_EVERY_S = 0.5  # bench/launch.py


def offer_payloads(
    n: int, tag: str, seed: int = 0, places: Sequence[Commune] | None = None
) -> list[dict[str, Any]]:
    pool = text_pool()
    places = places or [c for c in communes() if c.population > 1500]
    out = []
    for i in range(n):
        p = pool[(i * 7 + seed) % len(pool)]
        c = places[(i * 13 + seed) % len(places)]
        out.append(
            {
                "title": p.title[:120],
                "description": f"{p.description} Réf. {tag}-{i:06d}.",
                "location": {"commune": c.name, "lat": c.lat, "lon": c.lon, "insee_code": c.insee_code},
                "contract_type": ["CDI", "CDD", "interim", "CDDI"][i % 4],
                "hours_per_week": [35, 24, 28, 30][i % 4],
                "skills": list(p.skills),
            }
        )
    return out


@dataclass(frozen=True)
class EncoderWork:
    """What the index encoder embeds for a batch of offers: each title once, each body once."""

    titles: list[str]
    bodies: list[str]

    def texts(self) -> list[str]:
        return [*self.titles, *self.bodies]


def encoder_work(payloads: Sequence[dict[str, Any]]) -> EncoderWork:
    bodies = [
        offer_body(
            SimpleNamespace(  # type: ignore[arg-type]  # the fields offer_body reads
                title=p["title"],
                skills=tuple(p["skills"]),
                description=p["description"],
                occupation_label=None,
            )
        )
        for p in payloads
    ]
    return EncoderWork([p["title"] for p in payloads], bodies)


def raw_encoder(encoder: Any, work: EncoderWork) -> float:
    """Offers per second of the encoder alone doing the consumer's encoding (titles, then bodies) in
    batches of 256 offers, as the consumer polls them."""
    encoder.encode(work.texts()[:64])  # warm-up
    started = time.monotonic()
    for i in range(0, len(work.titles), 256):
        encoder.encode(work.titles[i : i + 256])
        encoder.encode(work.bodies[i : i + 256])
    return len(work.titles) / (time.monotonic() - started)


def raw_linker(titles: Sequence[str]) -> float:
    """Titles per second of the occupation linker alone as the consumer runs it: a fresh batch, its
    label index built, and the titles' vectors lent by the index encoder (computed before the clock)."""
    from services.matching.linking import OccupationLinker
    from services.matching.linking.dense import DiskCachedLabelEncoder, make_label_encoder

    linker = OccupationLinker(
        encoder=DiskCachedLabelEncoder(make_label_encoder("use"), Path(BENCH_ENV["MAILLAGE_LINKING_CACHE"]))
    )
    linker.build()
    linker.link_many(["agent de propreté", "aide à domicile"], top=1, systems=("rome_appellation", "esco"))
    fresh = list(dict.fromkeys(titles))
    forms = [linker.linking_form(t) for t in fresh]
    linker.remember_vectors(forms, index_encoder().encode(forms))
    started = time.monotonic()
    for i in range(0, len(fresh), 256):  # the consumer's poll size
        linker.link_many(fresh[i : i + 256], top=1, systems=("rome_appellation", "esco"))
    return len(fresh) / (time.monotonic() - started)


def warm_up(stack: Distributed, counter: Counter) -> None:
    base = counter.count()
    post_all(stack, offer_payloads(1, f"warm-{time.monotonic_ns()}"), threads=1)
    counter.wait_for(base + 1, 300)


def batch_sizes(encoder: Any, texts: Sequence[str]) -> dict[str, float]:
    """Texts per second of the encoder alone by batch size: what batching the embedding is worth."""
    out = {}
    for size in (1, 8, 32, 128):
        chunk = list(texts[: max(size * 4, 64)])
        started = time.monotonic()
        for i in range(0, len(chunk), size):
            encoder.encode(chunk[i : i + size])
        out[f"batch_{size}"] = round(len(chunk) / (time.monotonic() - started), 1)
    return out


class Counter:
    def __init__(self, es_url: str, alias: str) -> None:
        self.es = Elasticsearch(es_url)
        self.alias = alias

    def count(self) -> int:
        return int(self.es.count(index=self.alias)["count"])

    def wait_for(self, target: int, timeout_s: float, query: dict[str, Any] | None = None) -> float:
        deadline = time.monotonic() + timeout_s
        self.timeline: list[tuple[float, int]] = []
        while time.monotonic() < deadline:
            found = int(self.es.count(index=self.alias, query=query)["count"]) if query else self.count()
            self.timeline.append((time.monotonic(), found))
            if found >= target:
                return time.monotonic()
            time.sleep(0.05)
        raise TimeoutError(f"only {found}/{target} searchable after {timeout_s} s")

    def steady_rate(self, base: int, n: int) -> float | None:
        """Offers per second while the middle 80 % of a phase became searchable: the pipeline's pace once
        running, without its fixed start and end (command start-up, relay wake-up, the last refresh)."""
        low, high = base + n // 10, base + n - n // 10
        start = next(((t, c) for t, c in self.timeline if c >= low), None)
        end = next(((t, c) for t, c in self.timeline if c >= high), None)
        if start is None or end is None or end[0] <= start[0]:
            return None
        return (end[1] - start[1]) / (end[0] - start[0])


def post_all(stack: Distributed, payloads: Sequence[dict[str, Any]], threads: int = 4) -> float:
    headers = stack.login("employer")
    url = f"{stack.urls['gateway']}/api/v1/offers"
    local = threading.local()

    def post(payload: dict[str, Any]) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=60)
        r = local.client.post(url, json=payload, headers=headers)
        r.raise_for_status()

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(post, payloads))
    return time.monotonic() - started


def write_csv(path: Path, payloads: Sequence[dict[str, Any]], tag: str, hours_delta: float = 0) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_id", "title", "description", "commune", "insee_code", "lat", "lon",
                         "contract_type", "hours_per_week", "skills"])  # fmt: skip
        for i, p in enumerate(payloads):
            loc = p["location"]
            writer.writerow(
                [f"{tag}-{i}", p["title"], p["description"], loc["commune"], loc["insee_code"], loc["lat"],
                 loc["lon"], p["contract_type"], p["hours_per_week"] + hours_delta, "; ".join(p["skills"])]
            )  # fmt: skip


def import_file(stack: Distributed, path: Path) -> tuple[float, str]:
    env = {**stack.env, "MAILLAGE_OFFERS_DATABASE_URL": stack.db_urls["offers"]}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "maillage.cli", "import-offers", str(path), "--employer", "employer"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.monotonic() - started, done.stdout.strip()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def phase(name: str, rate: float, n: int, elapsed: float, **extra: Any) -> dict[str, Any]:
    say(f"{name}: {n} offers searchable in {elapsed:.1f} s → {rate:.1f} offers/s {extra or ''}")
    return {"offers": n, "seconds": round(elapsed, 2), "offers_per_s": round(rate, 1), **extra}


def delta(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    hits = after.get("hits", 0) - before.get("hits", 0)
    misses = after.get("misses", 0) - before.get("misses", 0)
    batches = after.get("batches", 0) - before.get("batches", 0)
    return {
        "hits": hits,
        "misses": misses,
        "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None,
        "encoder_calls": batches,  # two per consumer batch (titles, then bodies)
        "texts_per_encoder_call": round(misses / batches, 1) if batches else None,
    }


def _costs(stack: Distributed, cpu: CpuMeter, cached: dict[str, Any]) -> dict[str, Any]:
    """A phase's CPU seconds by process and its embedding counters, once the phase is searchable."""
    cpu_s = cpu.stop()
    time.sleep(STATS_EVERY_S + 0.2)  # the consumer's counters reach its stats file every 0.5 s
    return {"cpu_s": cpu_s, "cache": delta(stack.cache_stats(), cached)}


def _post_phase(stack: Distributed, counter: Counter, posted: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """POST every offer through the gateway (4 client threads) until all are searchable."""
    n, base = len(posted), counter.count()
    cpu, cached = CpuMeter(stack.pids()).start(), stack.cache_stats()
    t0 = time.monotonic()
    post_s = post_all(stack, posted)
    done = counter.wait_for(base + n, 600)
    figures = phase(
        "POST",
        n / (done - t0),
        n,
        done - t0,
        post_only_offers_per_s=round(n / post_s, 1),
        steady_offers_per_s=_round(counter.steady_rate(base, n)),
    )
    return figures | _costs(stack, cpu, cached)


def _import_phase(
    stack: Distributed, counter: Counter, imported: Sequence[dict[str, Any]], csv_path: Path
) -> dict[str, Any]:
    """`maillage import-offers` of a CSV file until every offer is searchable."""
    n = len(imported)
    write_csv(csv_path, imported, f"bench-{stack.run}")
    base = counter.count()
    cpu, cached = CpuMeter(stack.pids()).start(), stack.cache_stats()
    t0 = time.monotonic()
    import_s, report = import_file(stack, csv_path)
    done = counter.wait_for(base + n, 600)
    figures = phase(
        "import",
        n / (done - t0),
        n,
        done - t0,
        import_command_s=round(import_s, 2),
        report=report,
        steady_offers_per_s=_round(counter.steady_rate(base, n)),
    )
    # The import command is a short-lived process of its own: its CPU is not in this split.
    return figures | _costs(stack, cpu, cached)


def _reimport_phases(
    stack: Distributed, counter: Counter, imported: Sequence[dict[str, Any]], csv_path: Path
) -> dict[str, Any]:
    """Unchanged texts again, embedding cache on then off: the hours change (by a quarter or half hour,
    values no other offer of the benchmarks has), so every offer gets a new version."""
    n, figures = len(imported), {}
    for label, cache, hours_delta in (
        ("reimport_cache_on", True, 0.5),
        ("reimport_cache_off", False, 0.25),
    ):
        if not cache:
            stack.start_consumer(cache=False)
            warm_up(stack, counter)  # the new consumer has joined its group and loaded its model
        before = stack.cache_stats()
        write_csv(csv_path, imported, f"bench-{stack.run}", hours_delta)
        t0 = time.monotonic()
        import_file(stack, csv_path)
        # searchable = every new version is visible
        hours = {"terms": {"hours_per_week": sorted({p["hours_per_week"] + hours_delta for p in imported})}}
        done = counter.wait_for(n, 600, query=hours)
        time.sleep(STATS_EVERY_S + 0.2)  # the consumer's counters reach its stats file every 0.5 s
        figures[label] = phase(label, n / (done - t0), n, done - t0, cache=delta(stack.cache_stats(), before))
    return figures


def _add_ratios(figures: dict[str, Any], raw: float, linker_rate: float) -> None:
    """Each phase's rate against the raw encoder, and against encoder then linker run one after the other."""
    both = 1 / (1 / raw + 1 / linker_rate)
    figures["raw_linker_titles_per_s"] = round(linker_rate, 1)
    figures["raw_encoder_and_linker_per_s"] = round(both, 1)
    for key in ("post", "import", "reimport_cache_on", "reimport_cache_off"):
        figures[key]["ratio_to_raw_encoder"] = round(figures[key]["offers_per_s"] / raw, 3)
    for key in ("post", "import"):
        figures[key]["ratio_to_raw_encoder_and_linker"] = round(figures[key]["offers_per_s"] / both, 3)
        steady = figures[key]["steady_offers_per_s"]
        if steady is not None:
            figures[key]["steady_ratio_to_raw_encoder"] = round(steady / raw, 3)
            figures[key]["steady_ratio_to_raw_encoder_and_linker"] = round(steady / both, 3)
    say(f"raw linker {linker_rate:.0f} titles/s; encoder then linker {both:.0f} offers/s")


def run(n: int | None, stack: Distributed | None = None) -> dict[str, Any]:
    own = stack is None
    stack = stack or Distributed().start()
    work = CACHE / f"ingest-{stack.run}"
    work.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    try:
        encoder = index_encoder()
        probe = encoder_work(offer_payloads(512, "probe", seed=5))
        raw_first = raw_encoder(encoder, probe)
        n = n or int(min(1500, max(300, raw_first * 10)))
        say(f"raw encoder {raw_first:.0f} offers/s; ingest phases with {n} offers each")
        posted = offer_payloads(n, f"post-{stack.run}", seed=1)
        imported = offer_payloads(n, f"import-{stack.run}", seed=2)
        raw_first = raw_encoder(encoder, encoder_work(posted))  # the same texts the pipeline will embed
        figures["raw_encoder_by_batch_size"] = batch_sizes(encoder, probe.texts())
        say(f"encoder by batch size: {figures['raw_encoder_by_batch_size']}")
        counter = Counter(stack.es_url, stack.alias)
        csv_path = work / "offers.csv"
        figures["post"] = _post_phase(stack, counter, posted)
        figures["import"] = _import_phase(stack, counter, imported, csv_path)
        say(f"CPU seconds by process: POST {figures['post']['cpu_s']}; import {figures['import']['cpu_s']}")
        say(f"embedding: POST {figures['post']['cache']}; import {figures['import']['cache']}")
        figures |= _reimport_phases(stack, counter, imported, csv_path)
        raw_last = raw_encoder(encoder, encoder_work(imported))  # before the consumer restarts (model load)
        stack.start_consumer(cache=True)
        raw = (raw_first + raw_last) / 2
        figures["raw_encoder_offers_per_s"] = {
            "first": round(raw_first, 1),
            "last": round(raw_last, 1),
            "mean": round(raw, 1),
        }
        # The consumer also links every new title to the ROME and ESCO (label scoring; the title's vector
        # is the index's): measured alone on the same titles, it says how much of the gap is that step.
        _add_ratios(figures, raw, raw_linker([p["title"] for p in imported]))
        return figures
    finally:
        if own:
            stack.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--offers", type=int, default=0, help="offers per phase (default: 10 s of encoder)")
    args = parser.parse_args()
    write_result("ingest", run(args.offers or None), COMMAND)


if __name__ == "__main__":
    main()
