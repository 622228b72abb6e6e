"""What the dashboard reads, kept a short while (`TTL_S`) and shared by the report, the CSV and the map.

An analyst's page view asks for the report and the map; at a département's scale (10^5 offers, 2·10^4
people) the index aggregation and the count of people's skills are the view's cost (bench/dashboard.py).

- The index's aggregates: one per index version, day and `since`. The key holds the index's version
  (`analytics_version()`: its write counters), so that a change shows at the next view; the TTL bounds
  what a version that moved before the write became searchable (Elasticsearch refreshes each second) can
  keep stale.
- The people's skills (a read of every projection): one per number of projections, so that a person
  added or deleted shows at once; a change of someone's skills shows within the TTL. Outcomes are counted
  afresh at every view (one grouped count).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar, cast

from common.errors import Unavailable
from services.matching.ports import AnalyticsIndex, IndexAggregates
from services.matching.service import MatchingService
from services.matching.units import StoredCounts

TTL_S = 30.0
MAX_ENTRIES = 16  # a few `since` dates at once; the oldest goes first
T = TypeVar("T")
R = TypeVar("R")


class AnalyticsCache(Generic[T]):
    def __init__(self, ttl_s: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self._entries: dict[Hashable, tuple[float, T]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = self.clock()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and now - found[0] < self.ttl_s:
                return found[1]
        value = compute()  # outside the lock: a slow aggregation never blocks a cached read
        with self._lock:
            self._entries[key] = (now, value)
            while len(self._entries) > MAX_ENTRIES:
                del self._entries[next(iter(self._entries))]
        return value


@dataclass
class _ServiceCaches:
    aggregates: AnalyticsCache[IndexAggregates] = field(default_factory=AnalyticsCache)
    skills: AnalyticsCache[dict[str, int]] = field(default_factory=AnalyticsCache)
    reports: AnalyticsCache[tuple[object, object, object]] = field(default_factory=AnalyticsCache)


# One set per service object (a dataclass, compared by value: keyed by identity, dropped with it).
_caches: dict[int, _ServiceCaches] = {}


def _caches_of(service: MatchingService) -> _ServiceCaches:
    found = _caches.get(id(service))
    if found is None:
        found = _caches[id(service)] = _ServiceCaches()
        weakref.finalize(service, _caches.pop, id(service), None)
    return found


def demand_aggregates(service: MatchingService, since: date | None = None) -> IndexAggregates:
    """The service's index aggregates for today since `since` (cached per index version)."""
    index = service.index
    if not hasattr(index, "aggregate_demand"):
        raise Unavailable(f"The {index.backend} index cannot aggregate.")
    analytics = cast(AnalyticsIndex, index)
    today = service.today()
    version = getattr(index, "analytics_version", None)
    key = (version() if callable(version) else None, today, since)
    return _caches_of(service).aggregates.get(key, lambda: analytics.aggregate_demand(today, since))


def people_counts(service: MatchingService) -> StoredCounts:
    """What the report counts of people and outcomes (`MatchingService.stored_counts`, skills cached)."""
    with service.units_of_work() as uow:
        by_status, by_reason = uow.outcomes.totals()
        people = uow.projections.count()
        skills = _caches_of(service).skills.get(("skills", people), uow.projections.skill_counts)
    return StoredCounts(skills, by_status, by_reason)


def report_from(
    service: MatchingService,
    aggregates: IndexAggregates,
    stored: StoredCounts,
    since: date | None,
    build: Callable[[], R],
) -> R:
    """The report built from these very aggregates and skills (cached objects) and these outcome counts:
    built once while they stay cached, not at every view."""
    outcomes = (
        tuple(sorted(stored.outcomes_by_status.items())),
        tuple(sorted(stored.refusals_by_reason.items())),
    )
    key = ("report", since, service.today(), id(aggregates), id(stored.skills), outcomes)
    found = _caches_of(service).reports.get(key, lambda: (aggregates, stored.skills, build()))
    if found[0] is aggregates and found[1] is stored.skills:  # the same objects, not a reused id
        return cast(R, found[2])
    return build()
