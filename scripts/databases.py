"""Throwaway PostgreSQL databases on a running server, for the tests and the benchmarks: created per run
(one per service, or one per test), dropped afterwards even if connections are still open."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError


def database_url(server_url: str, name: str) -> str:
    """The URL of database `name` on the server that `server_url` (any database there) points at."""
    return f"{server_url.rpartition('/')[0]}/{name}"


def create_databases(server_url: str, names: Iterable[str]) -> None:
    _each(server_url, names, 'CREATE DATABASE "{}"')


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """The URL of a database of its own (`prefix` and a random suffix), dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    create_databases(server_url, [name])
    try:
        yield database_url(server_url, name)
    finally:
        drop_databases(server_url, [name])


def drop_databases(server_url: str, names: Iterable[str], attempts: int = 10) -> None:
    """FORCE ends the test's own leftover connections, but not an autovacuum worker that happens to be
    cleaning the database (PostgreSQL refuses to signal it: "must be a member of the role whose process
    is being terminated"); such a worker finishes within moments, so the drop is tried again."""
    for name in names:
        for attempt in range(attempts):
            try:
                _each(server_url, [name], 'DROP DATABASE IF EXISTS "{}" WITH (FORCE)')
                break
            except ProgrammingError as exc:
                if "must be a member of the role" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.5)


def _each(server_url: str, names: Iterable[str], statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(statement.format(name)))
    finally:
        admin.dispose()
