"""The candidate window: how many index hits the ranking re-orders, against what it changes in the list a
référent sees, at 100k offers on the embedded index (in process, no HTTP, no servers needed).

    python -m bench.window [--size 100000] [--people 200] [--windows 3,5,8,12]

The index returns k = limit × CANDIDATES_PER_RESULT hits by semantic similarity, then the ranking
re-orders them with occupation proximity, skills, distance, freshness and the fair-share damping. A
smaller window is faster (the index search and the ranking both scale with k), but an offer of the right
métier whose text is less similar than k others would not be seen. For each window this measures, on
the same people and offers as `bench.suggest`, the time of `MatchingService.suggest` and the agreement of
its top 20 (and top 10) with the widest window's.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import services.matching.service as matching_service
from bench.common import (
    DIMS,
    Query,
    index_encoder,
    percentiles,
    queries,
    say,
    write_result,
)
from bench.stack import BENCH_ENV
from bench.suggest import load_local
from common.db import make_engine, migrate
from common.schemas import Location
from contracts.profiles import MatchingView, Mobility
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.adapters.sql import sql_units_of_work
from services.matching.bootstrap import MIGRATIONS
from services.matching.occupations import OccupationResolver, shared_linker, shared_skill_linker
from services.matching.service import MatchingService

COMMAND = "python -m bench.window"
LIMIT = 20
WINDOWS = (3, 5, 8, 12)  # × LIMIT: k = 60, 100 (the service's), 160, 240


class BenchPeople:
    """The benchmark's people as matching sees them (the ProfileSource port)."""

    def __init__(self, people: Sequence[Query]) -> None:
        self._views = {f"bench-person-{i}": _view(f"bench-person-{i}", q) for i, q in enumerate(people)}

    def matching_view(self, profile_id: str) -> MatchingView | None:
        return self._views.get(profile_id)

    @property
    def ids(self) -> list[str]:
        return list(self._views)


def _view(profile_id: str, q: Query) -> MatchingView:
    p = q.payload
    return MatchingView(
        profile_id=profile_id,
        version=1,
        target_jobs=p["target_jobs"],
        appellation_codes=[],
        skills=p["skills"],
        location=Location(**p["location"]),
        mobility=Mobility(**p["mobility"]),
        contract_types=p["contract_types"],
        min_hours_per_week=p["min_hours_per_week"],
        max_hours_per_week=p["max_hours_per_week"],
        excluded_conditions=p["excluded_conditions"],
    )


class NoOffers:
    def iter_offers(self, page_size: int = 500) -> Any:
        return iter(())


def agreement(wide: Sequence[str], narrow: Sequence[str], n: int) -> float:
    truth = set(wide[:n])
    return len(truth & set(narrow[:n])) / len(truth) if truth else 1.0


def run(size: int, people: int, windows: Sequence[int]) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-window-"))
    load_local(work / "offer_index.db", 0, size)  # the same offers as bench.suggest
    index = LocalOfferIndex(str(work / "offer_index.db"), DIMS)
    say(f"{index.count()} offers in the local index")
    source = BenchPeople(queries(people, seed=23))
    engine = make_engine(f"sqlite:///{work / 'matching.db'}")
    migrate(engine, MIGRATIONS, version_table="matching_schema_version")
    linker = shared_linker("use", BENCH_ENV["MAILLAGE_LINKING_CACHE"])
    service = MatchingService(
        units_of_work=sql_units_of_work(engine),
        index=index,
        encoder=index_encoder(),
        profiles=source,
        offers=NoOffers(),
        occupations=OccupationResolver(
            linker, shared_skill_linker("use", BENCH_ENV["MAILLAGE_LINKING_CACHE"])
        ),
    )
    service.occupations.warm_up()
    for pid in source.ids:  # project everyone once (one encoder call and one linking each)
        service.suggest(pid, LIMIT)
    ranked: dict[int, list[list[str]]] = {}
    timings: dict[int, list[float]] = {w: [] for w in windows}
    original = matching_service.CANDIDATES_PER_RESULT
    try:
        # Interleaved person by person, so that a change of machine load weighs on every window alike.
        for pid, window in itertools.product(source.ids, windows):
            matching_service.CANDIDATES_PER_RESULT = window
            started = time.perf_counter()
            found = service.suggest(pid, LIMIT)
            timings[window].append(time.perf_counter() - started)
            ranked.setdefault(window, []).append([s.offer_id for s in found.items])
    finally:
        matching_service.CANDIDATES_PER_RESULT = original
    widest = max(windows)
    out: dict[str, Any] = {"offers": size, "people": people, "limit": LIMIT, "windows": {}}
    for window in windows:
        pairs = list(zip(ranked[widest], ranked[window], strict=True))
        row = {
            "k": LIMIT * window,
            "suggest": percentiles(timings[window]),
            f"top20_agreement_with_k{LIMIT * widest}": round(
                float(np.mean([agreement(a, b, 20) for a, b in pairs])), 4
            ),
            f"top10_agreement_with_k{LIMIT * widest}": round(
                float(np.mean([agreement(a, b, 10) for a, b in pairs])), 4
            ),
            "same_first_suggestion": round(float(np.mean([a[:1] == b[:1] for a, b in pairs])), 4),
        }
        out["windows"][f"x{window}"] = row
        say(f"window {window} (k = {LIMIT * window}): {row}")
    index.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--windows", default=",".join(map(str, WINDOWS)))
    args = parser.parse_args()
    windows = [int(w) for w in args.windows.split(",")]
    write_result("window", run(args.size, args.people, windows), COMMAND)


if __name__ == "__main__":
    main()
