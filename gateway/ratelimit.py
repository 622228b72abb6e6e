"""Rate limits: token buckets per key, and a per-account sign-in lockout, in memory (one gateway replica's
view: embedded mode, and the suggestions limit). The arithmetic is shared with gateway/shared_limits.py,
which keeps the sign-in limits in the gateway's PostgreSQL database, shared by every replica."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from common.errors import TooManyRequests


class Limiter(Protocol):
    def hit(self, key: str, what: str = "requests") -> None:
        """Take one token of `key`'s bucket, or raise TooManyRequests (with Retry-After)."""
        ...


class Lockout(Protocol):
    def check(self, account: str) -> None: ...

    def failed(self, account: str) -> None: ...

    def succeeded(self, account: str) -> None: ...


def refilled(tokens: float, updated: float, now: float, capacity: int, refill_per_second: float) -> float:
    return min(capacity, tokens + max(0.0, now - updated) * refill_per_second)


def refusal_if_empty(tokens: float, refill_per_second: float, what: str) -> TooManyRequests | None:
    if tokens >= 1:
        return None
    wait = math.ceil((1 - tokens) / refill_per_second)
    return TooManyRequests(f"Too many {what}; try again in {wait} s.", headers={"Retry-After": str(wait)})


def refusal_if_locked(locked_until: float, now: float) -> TooManyRequests | None:
    if locked_until <= now:
        return None
    wait = math.ceil(locked_until - now)
    return TooManyRequests(
        f"Too many failed sign-ins for this account; try again in {wait} s.",
        headers={"Retry-After": str(wait)},
    )


def lock_for(failures_in_a_row: int, threshold: int, first_lock_s: float, longest_lock_s: float) -> float:
    """How long the account is locked after this failure (0: not yet)."""
    beyond = failures_in_a_row - threshold
    return min(longest_lock_s, first_lock_s * 2 ** min(beyond, 32)) if beyond >= 0 else 0.0


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
            bucket.tokens = refilled(
                bucket.tokens, bucket.updated, now, self.capacity, self.refill_per_second
            )
            bucket.updated = now
            refusal = refusal_if_empty(bucket.tokens, self.refill_per_second, what)
            if refusal is not None:
                raise refusal
            bucket.tokens -= 1
            if len(self._buckets) > 50_000:
                self._forget_full_buckets(now)

    def _forget_full_buckets(self, now: float) -> None:
        full_after = self.capacity / self.refill_per_second
        for key in [k for k, b in self._buckets.items() if now - b.updated > full_after]:
            del self._buckets[key]


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class AccountLockout:
    """After `threshold` failed sign-ins of one account in a row, that account is locked for
    `first_lock_s`, twice as long at each further failure, at most `longest_lock_s`; a success ends it.
    Only that account: the lock is per account, never global. Failures older than the longest lock are
    forgotten."""

    def __init__(
        self,
        threshold: int = 10,
        first_lock_s: float = 60.0,
        longest_lock_s: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.first_lock_s = first_lock_s
        self.longest_lock_s = longest_lock_s
        self._clock = clock
        self._accounts: dict[str, _Failures] = {}
        self._lock = threading.Lock()

    def check(self, account: str) -> None:
        now = self._clock()
        with self._lock:
            failures = self._accounts.get(account)
            refusal = refusal_if_locked(failures.locked_until, now) if failures is not None else None
            if refusal is not None:
                raise refusal

    def failed(self, account: str) -> None:
        now = self._clock()
        with self._lock:
            failures = self._accounts.get(account)
            if failures is None or now - failures.last > self.longest_lock_s:
                failures = self._accounts[account] = _Failures()
            failures.count += 1
            failures.last = now
            lock = lock_for(failures.count, self.threshold, self.first_lock_s, self.longest_lock_s)
            if lock:
                failures.locked_until = now + lock
            if len(self._accounts) > 50_000:
                self._forget_old(now)

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._accounts.pop(account, None)

    def _forget_old(self, now: float) -> None:
        for key in [k for k, f in self._accounts.items() if now - f.last > self.longest_lock_s]:
            del self._accounts[key]


@dataclass
class RateLimits:
    login_per_user: Limiter
    login_per_ip: Limiter
    suggestions: Limiter
    login_lockout: Lockout = field(default_factory=AccountLockout)

    @classmethod
    def per_minute(
        cls, login_per_user: int, login_per_ip: int, suggestions: int, lockout: AccountLockout | None = None
    ) -> RateLimits:
        """`lockout` defaults to locking an account after as many failures in a row as it may try in a
        minute."""
        return cls(
            RateLimiter(login_per_user, 60),
            RateLimiter(login_per_ip, 60),
            RateLimiter(suggestions, 60),
            lockout or AccountLockout(threshold=login_per_user),
        )
