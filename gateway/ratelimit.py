"""Rate limits: token buckets per key, in memory (one gateway replica's view; behind several replicas each
enforces its own share, which is what a login throttle needs: a bound on guesses per second per door)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from common.errors import TooManyRequests


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(
        self, capacity: int, per_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = capacity
        self.refill_per_second = capacity / per_seconds
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, what: str = "requests") -> None:
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.capacity), now)
            bucket.tokens = min(
                self.capacity, bucket.tokens + (now - bucket.updated) * self.refill_per_second
            )
            bucket.updated = now
            if bucket.tokens < 1:
                wait = math.ceil((1 - bucket.tokens) / self.refill_per_second)
                raise TooManyRequests(
                    f"Too many {what}; try again in {wait} s.", headers={"Retry-After": str(wait)}
                )
            bucket.tokens -= 1
            if len(self._buckets) > 50_000:
                self._forget_full_buckets(now)

    def _forget_full_buckets(self, now: float) -> None:
        full_after = self.capacity / self.refill_per_second
        for key in [k for k, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[key]


@dataclass
class RateLimits:
    login_per_user: RateLimiter
    login_per_ip: RateLimiter
    suggestions: RateLimiter

    @classmethod
    def per_minute(cls, login_per_user: int, login_per_ip: int, suggestions: int) -> RateLimits:
        return cls(
            RateLimiter(login_per_user, 60), RateLimiter(login_per_ip, 60), RateLimiter(suggestions, 60)
        )
