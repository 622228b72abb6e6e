"""Generated requests against the gateway's own OpenAPI document: never a 5xx, every error in the envelope.

The embedded platform is served by uvicorn on a free loopback port and called over real HTTP, as a
partner system would. Each operation is called as the role it is meant for (and anonymous ones as nobody),
so that generated data reaches the services rather than stopping at the gateway's role check.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok
from schemathesis.core.transport import Response
from schemathesis.schemas import APIOperation

from maillage.platform import build_embedded
from tests.processes import LiveServer

EXAMPLES_PER_OPERATION = 40  # per generation mode
Operation = APIOperation[Any, Any, Any, Any]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir: Path = tmp_path_factory.mktemp("fuzz")
    server = LiveServer(build_embedded(data_dir, with_demo=True).app, "uvicorn-fuzz")
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def tokens(served: str) -> dict[str, str]:
    result = {}
    for user in ("referent", "employer", "analyst", "admin"):
        response = httpx.post(f"{served}/api/v1/auth/token", data={"username": user, "password": "demo"})
        result[user] = response.json()["access_token"]
    return result


@pytest.fixture(scope="module")
def api_schema(served: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{served}/openapi.json")


def role_for(method: str, path: str) -> str | None:
    if path.startswith(("/api/v1/auth/token", "/api/v1/auth/logout")):
        return None  # sign-out as a role would end the session every later case of that role uses
    if path.startswith(("/api/v1/matching", "/api/v1/admin")):
        return "admin"
    if path.startswith("/api/v1/offers") and not path.endswith("/outcomes"):
        return "employer" if method != "GET" else "referent"
    if path.startswith("/api/v1/offers"):
        return "employer"
    if path.startswith("/api/v1/analytics"):
        return "analyst"
    return "referent"


def test_generated_requests_never_get_a_5xx_and_errors_are_in_the_envelope(
    api_schema: schemathesis.BaseSchema, served: str, tokens: dict[str, str]
) -> None:
    # Driven by hand rather than with schemathesis' pytest plugin, which does not support pytest 9 yet.
    statuses: list[int] = []
    failures: list[str] = []
    operations = [operation_of(result) for result in api_schema.get_all_operations()]
    for operation, mode in itertools.product(operations, list(GenerationMode)):
        role = role_for(operation.method.upper(), operation.path)
        headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
        check = _case_check(served, headers, statuses, failures)
        # Positive cases reach the services' logic; negative ones (wrong types, missing fields, out of
        # range values) must all be refused with a 4xx in the envelope.
        call = settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            phases=[Phase.generate],
        )(given(case=operation.as_strategy(generation_mode=mode))(check))
        try:
            call()
        except Unsatisfiable:
            assert mode == GenerationMode.NEGATIVE  # an operation without inputs has no invalid ones

    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    print(f"\n{len(statuses)} generated requests over the gateway's OpenAPI; statuses: {counts}")
    assert len(statuses) >= 1000
    assert not failures, failures[:10]


def operation_of(result: Ok[Operation] | Err[InvalidSchema]) -> Operation:
    """The operation, or the schema error raised: the gateway's own schema must be valid."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def _case_check(
    served: str, headers: dict[str, str], statuses: list[int], failures: list[str]
) -> Callable[[Case[Any]], None]:
    """One generated request sent with `headers` (bound here per operation, not by the loop)."""

    def check(case: Case[Any]) -> None:
        response = case.call(base_url=served, headers=headers, timeout=30)
        statuses.append(response.status_code)
        problem = _problem(response)
        if problem:
            failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: {problem}")

    return check


def _problem(response: Response) -> str | None:
    if response.status_code >= 500:
        return response.text[:300]
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            return "error body is not JSON"
        envelope = isinstance(body, dict) and set(body) - {"code"} == {"error", "detail"} and body["detail"]
        if not (envelope and isinstance(body.get("code", ""), str)):
            return f"not the error envelope: {str(body)[:200]}"
    return None
