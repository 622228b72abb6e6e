"""What the sign-in limits shared by gateway replicas must do, on any database: run by
tests/unit/gateway/test_shared_limits.py (SQLite) and tests/integration/test_shared_limits_postgres.py."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine

from common.errors import TooManyRequests
from gateway.shared_limits import SharedAccountLockout, SharedRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def lockout_is_shared(first: Engine, second: Engine) -> None:
    """Two replicas (two engines on one database): failures at one lock the account at the other, the
    lock grows, a success at either ends it, and other accounts are never affected."""
    clock = Clock()
    replica_a = SharedAccountLockout(first, threshold=3, first_lock_s=60, longest_lock_s=3600, clock=clock)
    replica_b = SharedAccountLockout(second, threshold=3, first_lock_s=60, longest_lock_s=3600, clock=clock)
    replica_a.failed("alice")
    replica_b.failed("alice")
    replica_b.check("alice")
    replica_a.failed("alice")  # the third in a row, counted across both replicas
    with pytest.raises(TooManyRequests) as refused:
        replica_b.check("alice")
    assert refused.value.headers == {"Retry-After": "60"}
    replica_a.check("bob")
    clock.now += 61
    replica_b.check("alice")
    replica_b.failed("alice")  # one more: twice as long
    with pytest.raises(TooManyRequests) as longer:
        replica_a.check("alice")
    assert longer.value.headers == {"Retry-After": "120"}
    replica_a.succeeded("alice")
    replica_b.check("alice")


def buckets_are_shared(first: Engine, second: Engine) -> None:
    clock = Clock()
    replica_a = SharedRateLimiter(first, "login_user", 4, 60, clock=clock)
    replica_b = SharedRateLimiter(second, "login_user", 4, 60, clock=clock)
    other_limit = SharedRateLimiter(second, "login_ip", 4, 60, clock=clock)
    for replica in (replica_a, replica_b, replica_a, replica_b):
        replica.hit("alice")
    with pytest.raises(TooManyRequests) as refused:
        replica_b.hit("alice")
    assert refused.value.headers == {"Retry-After": "15"}
    other_limit.hit("alice")  # another limit's bucket of the same key
    replica_a.hit("bob")
    clock.now += 15
    replica_a.hit("alice")


def concurrent_hits_take_exactly_the_capacity(engines: list[Engine], capacity: int = 10) -> None:
    limiters = [SharedRateLimiter(engine, "login_ip", capacity, 3600) for engine in engines]
    outcomes: list[bool] = []
    lock = threading.Lock()

    def attempt(limiter: SharedRateLimiter) -> None:
        try:
            limiter.hit("203.0.113.9")
            allowed = True
        except TooManyRequests:
            allowed = False
        with lock:
            outcomes.append(allowed)

    threads = [threading.Thread(target=attempt, args=(limiters[i % len(limiters)],)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 30 and outcomes.count(True) == capacity
