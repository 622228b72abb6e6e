"""Soak: minutes of steady mixed load on the distributed platform, watching for errors, latency drift,
memory growth and consumer lag (issue 17).

    python -m scripts.rig run -- python -m bench.soak [--minutes 20] [--rate 4] [--clients 6]
    make soak [SOAK_ARGS="--minutes 5"]

The platform: offers, profiles, matching, gateway and the matching consumer, each its own process, on the
rig's Kafka, Elasticsearch and PostgreSQL (bench/stack.py), with `--offers` offers bulk-loaded into the
index first (bench/suggest.py's corpus) and 60 people created by the référent through the gateway.

The load, from `--clients` threads sharing `--rate` requests per second (each thread keeps its own pace and
never bursts to catch up), drawn by weight: 6 suggestions for a person of the référent's caseload, 2
profile edits by the référent (radius and skills: a new profile version, so a profile event to project),
2 offer posts by the employer; and, from one more thread, a CSV import of `--import-rows` new offers by
the administrator through the gateway every `--import-every` seconds. An error is any status but the
expected one (200, or 201 for a post), an import that refuses a row, or an exception; the first of
each kind is printed.

Each minute: requests, errors and p50/p95 by kind, RSS, PSS and CPU of every process (the four services,
the consumer, Kafka, Elasticsearch, PostgreSQL: each with its children), the consumer group's lag (end
offsets minus committed, sampled every 10 s) and the 1-minute load. At the end the load stops and the
bench times how long the lag takes to return to 0 and every offer to be searchable, then writes
bench/results/soak.json, the summary (bench/soak_report.py) and bench/results/soak.png.
"""

from __future__ import annotations

import argparse
import itertools
import random
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import soak_report
from bench.common import DIMS, RESULTS, SKILLS, Query, load, queries, say, write_result
from bench.ingest import Counter, offer_payloads, write_csv
from bench.process_meters import tree_cpu_s, tree_pss_mb, tree_rss_mb
from bench.stack import Distributed, first_get
from bench.suggest import create_people, load_es
from common.errors import Unavailable
from common.messaging.kafka import KafkaBus
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.bootstrap import CONSUMED_TOPICS

COMMAND = "make soak  (python -m scripts.rig run -- python -m bench.soak --minutes 20)"
MIX = {"suggestion": 6, "profile_edit": 2, "offer_post": 2}
EXPECTED_STATUS = {"suggestion": 200, "profile_edit": 200, "offer_post": 201, "import": 200}
PEOPLE = 60
LIMIT = 20
LAG_EVERY_S = 10.0
DRAIN_TIMEOUT_S = 600.0


@dataclass(frozen=True)
class Sample:
    kind: str
    started_s: float  # since the load started
    seconds: float
    error: str | None


class Recorder:
    """Every request's outcome, from all threads; prints the first error of each kind as it happens."""

    def __init__(self, t0: float) -> None:
        self.t0 = t0
        self.samples: list[Sample] = []
        self.first_errors: dict[str, str] = {}
        self._lock = threading.Lock()

    def timed(
        self,
        kind: str,
        call: Callable[[], httpx.Response],
        check: Callable[[httpx.Response], str | None] | None = None,
    ) -> httpx.Response | None:
        """Run one request; the response if it is what was expected, else None (the error recorded)."""
        started = time.monotonic()
        response: httpx.Response | None = None
        try:
            response = call()
            error = None
            if response.status_code != EXPECTED_STATUS[kind]:
                error = f"HTTP {response.status_code}: {response.text[:400]}"
            elif check is not None:
                error = check(response)
        except Exception as exc:  # any exception is an error of the soak, whatever its kind
            error = f"{type(exc).__name__}: {exc}"
        elapsed = time.monotonic() - started
        with self._lock:
            self.samples.append(Sample(kind, started - self.t0, elapsed, error))
            if error is not None and kind not in self.first_errors:
                self.first_errors[kind] = error
                say(f"first {kind} error: {error}")
        return response if error is None else None


def import_refusals(response: httpx.Response) -> str | None:
    report = response.json()
    if report["rejected"] or report["created"] != report["rows"]:
        return f"import report {report}"
    return None


@dataclass
class Load:
    """The clients: their accounts, the people they work on, the offers they post and import."""

    stack: Distributed
    people: list[str]
    profiles: list[Query]
    rate: float
    clients: int
    import_every_s: float
    import_rows: int
    work: Path
    recorder: Recorder
    stop: threading.Event = field(default_factory=threading.Event)
    offers_created: int = 0
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.gateway = self.stack.urls["gateway"]
        self.referent = self.stack.login("referent")
        self.employer = self.stack.login("employer")
        self.admin = self.stack.login("admin")
        self._posts = itertools.count()
        self._imports = itertools.count()

    def start(self) -> None:
        self.recorder.t0 = time.monotonic()
        targets: list[Callable[[], None]] = [
            *(lambda i=i: self._client(i) for i in range(self.clients)),
            self._importer,
        ]
        self._threads = [threading.Thread(target=t, daemon=True) for t in targets]
        for thread in self._threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        period = self.clients / self.rate
        kinds, weights = list(MIX), list(MIX.values())
        next_at = time.monotonic() + rng.uniform(0, period)
        with httpx.Client(timeout=60) as client:
            while not self.stop.wait(max(0.0, next_at - time.monotonic())):
                kind = rng.choices(kinds, weights)[0]
                {"suggestion": self._suggest, "profile_edit": self._edit, "offer_post": self._post}[kind](
                    client, rng
                )
                next_at = max(next_at + period, time.monotonic())

    def _suggest(self, client: httpx.Client, rng: random.Random) -> None:
        url = f"{self.gateway}/api/v1/profiles/{rng.choice(self.people)}/suggestions?limit={LIMIT}"
        self.recorder.timed("suggestion", lambda: client.get(url, headers=self.referent))

    def _edit(self, client: httpx.Client, rng: random.Random) -> None:
        i = rng.randrange(len(self.people))
        mobility = {
            **self.profiles[i].payload["mobility"],
            "max_distance_km": float(rng.choice([15, 25, 40])),
        }
        body = {"mobility": mobility, "skills": rng.sample(SKILLS, 2)}
        url = f"{self.gateway}/api/v1/profiles/{self.people[i]}"
        self.recorder.timed("profile_edit", lambda: client.patch(url, json=body, headers=self.referent))

    def _post(self, client: httpx.Client, rng: random.Random) -> None:
        n = next(self._posts)
        payload = offer_payloads(1, f"soak-{self.stack.run}-post-{n}", seed=n)[0]
        url = f"{self.gateway}/api/v1/offers"
        if self.recorder.timed("offer_post", lambda: client.post(url, json=payload, headers=self.employer)):
            self._created(1)

    def _importer(self) -> None:
        """The first import half a period in, then one every period (the import's own time included)."""
        wait = self.import_every_s / 2
        with httpx.Client(timeout=300) as client:
            while not self.stop.wait(wait):
                started = time.monotonic()
                self._import_once(client)
                wait = max(0.0, self.import_every_s - (time.monotonic() - started))

    def _import_once(self, client: httpx.Client) -> None:
        n = next(self._imports)
        tag = f"soak-{self.stack.run}-import-{n}"
        path = self.work / f"{tag}.csv"
        write_csv(path, offer_payloads(self.import_rows, tag, seed=1000 + n), tag)
        files = {"file": (path.name, path.read_bytes(), "text/csv")}
        form = {"format": "csv", "employer": "employer"}
        url = f"{self.gateway}/api/v1/offers/import"
        done = self.recorder.timed(
            "import",
            lambda: client.post(url, files=files, data=form, headers=self.admin),
            check=import_refusals,
        )
        if done is not None:
            self._created(int(done.json()["created"]))

    def _created(self, n: int) -> None:
        with self._lock:
            self.offers_created += n


class Meter:
    """RSS, PSS and CPU of every process of the platform and the rig, and the consumer group's lag."""

    def __init__(self, stack: Distributed) -> None:
        self.pids = stack.pids()
        self.bus = KafkaBus(stack.env["MAILLAGE_KAFKA_BOOTSTRAP"], "soak", stack.env["MAILLAGE_TOPIC_PREFIX"])
        self.group = stack.env["MAILLAGE_CONSUMER_GROUP"]
        self._cpu = self._cpu_now()

    def lag(self) -> int | None:
        try:
            return self.bus.group_lag(self.group, CONSUMED_TOPICS)
        except Unavailable as exc:
            say(f"lag unreadable: {exc}")
            return None

    def _cpu_now(self) -> tuple[float, dict[str, float]]:
        return time.monotonic(), {name: tree_cpu_s(pid) for name, pid in self.pids.items()}

    def processes(self) -> dict[str, dict[str, float]]:
        """Memory now, and the cores each process kept busy since the last call."""
        (t0, before), (t1, after) = self._cpu, self._cpu_now()
        self._cpu = (t1, after)
        return {
            name: {
                "rss_mb": tree_rss_mb(pid),
                "pss_mb": tree_pss_mb(pid),
                "cpu_cores": round((after[name] - before[name]) / max(t1 - t0, 1e-9), 3),
            }
            for name, pid in self.pids.items()
        }


def measure(load_: Load, recorder: Recorder, meter: Meter, minutes: int) -> list[dict[str, Any]]:
    rows = []
    for minute in range(1, minutes + 1):
        end = recorder.t0 + 60 * minute
        lags = []
        while time.monotonic() < end:
            lags.append(meter.lag())
            time.sleep(max(0.0, min(LAG_EVERY_S, end - time.monotonic())))
        row = {
            "minute": minute,
            "load_1m": round(load()[0], 2),
            "lag_samples": lags,
            "lag_at_end": meter.lag(),
            "processes": meter.processes(),
            "offers_created": load_.offers_created,
        }
        rows.append(row)
        say(soak_report.minute_line(row, soak_report.requests_by_kind(recorder.samples, minute)))
    return rows


def drain(meter: Meter, counter: Counter, expected: int) -> dict[str, Any]:
    """After the load: seconds until the lag is 0, and until every offer is searchable."""
    started = time.monotonic()
    lag_zero_s = searchable_s = None
    lag, found = meter.lag(), counter.count()
    while time.monotonic() - started < DRAIN_TIMEOUT_S:
        lag, found = meter.lag(), counter.count()
        elapsed = round(time.monotonic() - started, 1)
        if lag == 0 and lag_zero_s is None:
            lag_zero_s = elapsed
        if found >= expected and searchable_s is None:
            searchable_s = elapsed
        if lag_zero_s is not None and searchable_s is not None:
            break
        time.sleep(0.5)
    say(f"after the load: lag 0 in {lag_zero_s} s, {found}/{expected} offers searchable in {searchable_s} s")
    return {
        "lag_zero_after_s": lag_zero_s,
        "all_searchable_after_s": searchable_s,
        "offers_expected": expected,
        "offers_searchable": found,
        "lag_at_end": lag,
    }


def prepare(stack: Distributed, offers: int) -> tuple[list[str], list[Query], int]:
    """The index loaded with `offers` offers, and the people created and projected."""
    es = ElasticsearchOfferIndex(stack.es_url, DIMS, alias=stack.alias)
    es.ensure()
    say(f"loading {offers} offers into the index")
    load_es(es, offers)
    es.close()
    profiles = queries(PEOPLE, seed=17)
    referent = stack.login("referent")
    with httpx.Client(timeout=60) as client:
        people = create_people(client, stack.urls["gateway"], referent, profiles)
        for pid in people:  # the first request of a person projects them (bench/stack.py, first_get)
            url = f"{stack.urls['gateway']}/api/v1/profiles/{pid}/suggestions"
            first_get(client, url, referent, retry_on=(409, 503))
    return people, profiles, offers


def run(args: argparse.Namespace) -> dict[str, Any]:
    with Distributed() as stack, tempfile.TemporaryDirectory() as work:
        people, profiles, seeded = prepare(stack, args.offers)
        counter = Counter(stack.es_url, stack.alias)
        recorder = Recorder(time.monotonic())
        load_ = Load(
            stack, people, profiles, args.rate, args.clients, args.import_every, args.import_rows, Path(work),
            recorder,
        )  # fmt: skip
        meter = Meter(stack)
        say(f"soak: {args.minutes} min at {args.rate} req/s from {args.clients} clients, mix {MIX}")
        meter.processes()  # CPU counted from here
        load_.start()
        try:
            rows = measure(load_, recorder, meter, args.minutes)
        finally:
            load_.finish()
        tail = drain(meter, counter, seeded + load_.offers_created)
        tail["processes_after_drain"] = meter.processes()
        return soak_report.figures(args, MIX, rows, recorder.samples, recorder.first_errors, tail)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--rate", type=float, default=4.0, help="requests per second, all clients together")
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--import-every", type=float, default=60.0, help="seconds between two CSV imports")
    parser.add_argument("--import-rows", type=int, default=25)
    parser.add_argument("--offers", type=int, default=10_000, help="offers in the index before the load")
    args = parser.parse_args()
    figures = run(args)
    write_result("soak", figures, COMMAND)
    summary = soak_report.summary(figures)
    (RESULTS / "soak.md").write_text(summary + "\n")
    print(summary, flush=True)
    drawn = soak_report.draw(figures, RESULTS / "soak.png")
    say(f"figure: {drawn}" if drawn else "figure not drawn (matplotlib is not installed)")


if __name__ == "__main__":
    main()
