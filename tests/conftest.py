"""Shared fixtures. Real servers come from scripts/rig through MAILLAGE_TEST_* variables.

Under `make test` (MAILLAGE_REQUIRE_SERVERS=1) a test that needs a server and cannot get one fails, and any
skipped test fails the session: a skipped integration test is a failed one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REQUIRE_SERVERS = os.environ.get("MAILLAGE_REQUIRE_SERVERS") == "1"

# One cache of the occupation linker's label vectors for the whole test session (and the next ones): the
# first build takes a minute or two, every later platform or process loads it in seconds.
os.environ.setdefault(
    "MAILLAGE_LINKING_CACHE", str(Path(__file__).resolve().parent.parent / ".cache" / "linking")
)


def server_url(variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        message = f"{variable} is not set: run through `make test`, which starts the real servers"
        if REQUIRE_SERVERS:
            pytest.fail(message)
        pytest.skip(message)
    return value


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return server_url("MAILLAGE_TEST_KAFKA")


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    return server_url("MAILLAGE_TEST_ES")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return server_url("MAILLAGE_TEST_PG")


@pytest.fixture
def fresh_postgres_db(postgres_url: str) -> Iterator[str]:
    """A database of its own for one test, dropped afterwards."""
    from scripts.databases import scratch_database

    with scratch_database(postgres_url, "t") as url:
        yield url


# Each suite's marker follows from where its tests live, in one place: `-m integration` or `-m "not e2e"`
# then selects every test of those directories, not only the files that remembered to say so.
MARKER_OF_SUITE = {"integration": "integration", "e2e": "e2e", "browser": "e2e"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests_dir = Path(__file__).resolve().parent
    for item in items:
        parts = item.path.resolve().relative_to(tests_dir).parts
        marker = MARKER_OF_SUITE.get(parts[0]) if len(parts) > 1 else None
        if marker:
            item.add_marker(marker)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if REQUIRE_SERVERS and skipped and exitstatus == 0:
        session.exitstatus = 1
        if reporter:
            reporter.write_line(
                f"FAILED: {skipped} test(s) skipped while real servers were required.", red=True
            )
