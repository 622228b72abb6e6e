"""The shared sign-in limits on SQLite (two engines on one file stand for two replicas); the same cases
run on PostgreSQL in tests/integration/test_shared_limits_postgres.py."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from common.db import make_engine, migrate
from gateway.bootstrap import MIGRATIONS, rate_limits
from gateway.ratelimit import AccountLockout
from gateway.settings import GatewaySettings
from gateway.shared_limits import SharedAccountLockout
from tests.shared_limits_cases import (
    buckets_are_shared,
    concurrent_hits_take_exactly_the_capacity,
    lockout_is_shared,
)


def _two_replicas(tmp_path: Path) -> tuple[Engine, Engine]:
    url = f"sqlite:///{tmp_path / 'gateway.db'}"
    first = make_engine(url)
    migrate(first, MIGRATIONS, "gateway_schema_version")
    return first, make_engine(url)


def test_the_lockout_is_shared_by_replicas(tmp_path: Path) -> None:
    lockout_is_shared(*_two_replicas(tmp_path))


def test_buckets_are_shared_by_replicas(tmp_path: Path) -> None:
    buckets_are_shared(*_two_replicas(tmp_path))


def test_concurrent_hits_take_exactly_the_capacity(tmp_path: Path) -> None:
    concurrent_hits_take_exactly_the_capacity(list(_two_replicas(tmp_path)))


def test_only_a_postgresql_gateway_database_shares_its_limits(tmp_path: Path) -> None:
    settings = GatewaySettings(jwt_secret="x" * 32)
    embedded = rate_limits(settings, None)
    assert isinstance(embedded.login_lockout, AccountLockout)
    sqlite_distributed = rate_limits(settings, _two_replicas(tmp_path)[0])
    assert isinstance(sqlite_distributed.login_lockout, AccountLockout)
    assert not isinstance(sqlite_distributed.login_lockout, SharedAccountLockout)
