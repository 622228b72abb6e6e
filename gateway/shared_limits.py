"""The sign-in limits shared by every gateway replica (distributed mode): the same token buckets and
per-account lockout as gateway/ratelimit.py, kept in the gateway's own PostgreSQL database, so that N
replicas enforce one limit rather than N shares of it and a lockout holds whichever replica is asked.

Why PostgreSQL rather than a Redis-compatible store: the gateway already has this database (accounts,
sessions), so there is no new server to run, secure, back up and watch; a sign-in costs one more short
transaction (a row lock on that key), far below the cost of hashing the password (Argon2id)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Float, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col, delete, select

from common.db import session_scope
from gateway.ratelimit import lock_for, refilled, refusal_if_empty, refusal_if_locked

# Rows untouched for this long are forgotten (a full bucket, or failures older than any lock).
_FORGET_AFTER_S = 3600.0
_SWEEP_EVERY = 1000


class RateBucketRow(SQLModel, table=True):
    __tablename__ = "rate_bucket"

    name: str = Field(primary_key=True, max_length=32, sa_type=String(32))
    key: str = Field(primary_key=True, max_length=200, sa_type=String(200))
    tokens: float = Field(sa_type=Float)
    updated: float = Field(sa_type=Float, index=True)


class LoginFailureRow(SQLModel, table=True):
    __tablename__ = "login_failure"

    account: str = Field(primary_key=True, max_length=200, sa_type=String(200))
    count: int = 0
    last: float = Field(sa_type=Float, index=True)
    locked_until: float = Field(default=0.0, sa_type=Float)


def _insert_if_missing(session: Session, model: type[SQLModel], values: dict[str, Any]) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(model).values(**values).on_conflict_do_nothing())


class SharedRateLimiter:
    """`name` tells this limiter's buckets from the others' in the one table."""

    def __init__(
        self,
        engine: Engine,
        name: str,
        capacity: int,
        per_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self.name = name
        self.capacity = capacity
        self.refill_per_second = capacity / per_seconds
        self._clock = clock
        self._hits = itertools.count(1)

    def hit(self, key: str, what: str = "requests") -> None:
        now = self._clock()
        key = key[:200]
        with session_scope(self._engine) as session:
            full = {"name": self.name, "key": key, "tokens": float(self.capacity), "updated": now}
            _insert_if_missing(session, RateBucketRow, full)
            bucket = session.exec(
                select(RateBucketRow)
                .where(RateBucketRow.name == self.name, RateBucketRow.key == key)
                .with_for_update()
            ).one()
            tokens = refilled(bucket.tokens, bucket.updated, now, self.capacity, self.refill_per_second)
            refusal = refusal_if_empty(tokens, self.refill_per_second, what)
            bucket.tokens, bucket.updated = (tokens if refusal else tokens - 1), now
            session.add(bucket)
            if next(self._hits) % _SWEEP_EVERY == 0:
                session.execute(
                    delete(RateBucketRow).where(col(RateBucketRow.updated) < now - _FORGET_AFTER_S)
                )
        if refusal is not None:
            raise refusal


class SharedAccountLockout:
    """gateway.ratelimit.AccountLockout's rule, one row per account that failed lately."""

    def __init__(
        self,
        engine: Engine,
        threshold: int = 10,
        first_lock_s: float = 60.0,
        longest_lock_s: float = 3600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._engine = engine
        self.threshold = threshold
        self.first_lock_s = first_lock_s
        self.longest_lock_s = longest_lock_s
        self._clock = clock
        self._failures = itertools.count(1)

    def check(self, account: str) -> None:
        now = self._clock()
        with Session(self._engine) as session:
            until = session.exec(
                select(LoginFailureRow.locked_until).where(LoginFailureRow.account == account[:200])
            ).first()
        refusal = refusal_if_locked(until, now) if until is not None else None
        if refusal is not None:
            raise refusal

    def failed(self, account: str) -> None:
        now = self._clock()
        with session_scope(self._engine) as session:
            _insert_if_missing(session, LoginFailureRow, {"account": account[:200], "count": 0, "last": now})
            row = session.exec(
                select(LoginFailureRow).where(LoginFailureRow.account == account[:200]).with_for_update()
            ).one()
            if now - row.last > self.longest_lock_s:
                row.count, row.locked_until = 0, 0.0
            row.count += 1
            row.last = now
            lock = lock_for(row.count, self.threshold, self.first_lock_s, self.longest_lock_s)
            if lock:
                row.locked_until = now + lock
            session.add(row)
            if next(self._failures) % _SWEEP_EVERY == 0:
                forgotten = col(LoginFailureRow.last) < now - max(self.longest_lock_s, _FORGET_AFTER_S)
                session.execute(delete(LoginFailureRow).where(forgotten))

    def succeeded(self, account: str) -> None:
        with session_scope(self._engine) as session:
            session.execute(delete(LoginFailureRow).where(col(LoginFailureRow.account) == account[:200]))
