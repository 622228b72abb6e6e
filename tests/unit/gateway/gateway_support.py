"""A gateway with its accounts store on SQLite and no services behind it: enough for sign-in, sessions and
the pages that need no service."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine

from common.db import make_engine, migrate
from gateway.app import create_gateway_app
from gateway.auth import TokenIssuer
from gateway.bootstrap import MIGRATIONS
from gateway.ratelimit import RateLimits
from gateway.users import UserStore

TOKENS = TokenIssuer("s" * 32, "maillage", "maillage", timedelta(hours=1))


def accounts_engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    migrate(engine, MIGRATIONS, version_table="gateway_schema_version")
    return engine


def gateway_app(users: UserStore, rate_limits: RateLimits | None = None) -> FastAPI:
    return create_gateway_app(users, TOKENS, {}, rate_limits or RateLimits.per_minute(10, 60, 10))
