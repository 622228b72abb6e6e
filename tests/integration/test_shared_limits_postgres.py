"""The sign-in limits of two gateway replicas on one PostgreSQL database (the gateway's): one lockout,
one bucket per key, and no more successes than the capacity however the replicas race."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from common.db import make_engine, migrate
from gateway.bootstrap import MIGRATIONS, rate_limits
from gateway.settings import GatewaySettings
from gateway.shared_limits import SharedAccountLockout, SharedRateLimiter
from tests.shared_limits_cases import (
    buckets_are_shared,
    concurrent_hits_take_exactly_the_capacity,
    lockout_is_shared,
)


@pytest.fixture
def replicas(fresh_postgres_db: str) -> Iterator[list[Engine]]:
    engines = [make_engine(fresh_postgres_db) for _ in range(3)]
    migrate(engines[0], MIGRATIONS, "gateway_schema_version")
    yield engines
    for engine in engines:
        engine.dispose()


def test_two_replicas_share_the_lockout(replicas: list[Engine]) -> None:
    lockout_is_shared(replicas[0], replicas[1])


def test_two_replicas_share_the_buckets(replicas: list[Engine]) -> None:
    buckets_are_shared(replicas[0], replicas[1])


def test_racing_replicas_take_exactly_the_capacity(replicas: list[Engine]) -> None:
    concurrent_hits_take_exactly_the_capacity(replicas)


def test_distributed_gateway_keeps_its_sign_in_limits_in_postgresql(replicas: list[Engine]) -> None:
    limits = rate_limits(GatewaySettings(jwt_secret="x" * 32), replicas[0])
    assert isinstance(limits.login_lockout, SharedAccountLockout)
    assert isinstance(limits.login_per_user, SharedRateLimiter)
    assert isinstance(limits.login_per_ip, SharedRateLimiter)
