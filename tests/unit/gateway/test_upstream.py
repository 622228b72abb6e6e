"""The caseload check and the read it guards run side by side: the read's answer leaves only when the
check has passed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI

from common.errors import NotFound, Unavailable
from common.identity import Caller, Role
from common.service_tokens import DistributedKeys, ServiceSigner
from gateway.upstream import InProcessTransport, NetworkTransport, Upstream, _query, answer_once_allowed

T = TypeVar("T")

SIGNER = ServiceSigner.from_pem(DistributedKeys.generate().service_signing_key)


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: in the full suite, the browser tests' Playwright keeps an
    event loop running in the main thread until the session ends."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario).result()


async def _after(delay_s: float, value: str = "", error: Exception | None = None) -> str:
    await asyncio.sleep(delay_s)
    if error is not None:
        raise error
    return value


def test_the_check_and_the_read_run_side_by_side() -> None:
    # Each side waits for the other to have started: run one after the other, they would time out.
    check_started, read_started = asyncio.Event(), asyncio.Event()

    async def check() -> str:
        check_started.set()
        await asyncio.wait_for(read_started.wait(), 5)
        return "allowed"

    async def read() -> str:
        read_started.set()
        await asyncio.wait_for(check_started.wait(), 5)
        return "suggestions"

    assert run(answer_once_allowed(check(), read())) == "suggestions"


def test_a_refused_check_wins_over_a_finished_read_and_its_answer_never_leaves() -> None:
    with pytest.raises(NotFound):
        run(answer_once_allowed(_after(0.05, error=NotFound("No profile.")), _after(0, "leak")))


def test_a_refused_check_cancels_a_read_still_running() -> None:
    cancelled = asyncio.Event()

    async def slow_read() -> str:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return "leak"

    async def scenario() -> None:
        with pytest.raises(NotFound):
            await answer_once_allowed(_after(0, error=NotFound("No profile.")), slow_read())
        await asyncio.sleep(0)
        assert cancelled.is_set()

    run(scenario())


def test_when_both_fail_the_check_error_is_the_one_the_caller_sees() -> None:
    with pytest.raises(NotFound):
        run(
            answer_once_allowed(_after(0.05, error=NotFound("No profile.")), _after(0, error=ValueError("x")))
        )


def test_an_allowed_read_that_fails_reports_its_own_error() -> None:
    with pytest.raises(ValueError):
        run(answer_once_allowed(_after(0, "allowed"), _after(0.01, error=ValueError("read failed"))))


def test_a_service_that_cannot_be_reached_is_a_503_in_the_envelope_not_a_crash() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    upstream = Upstream("matching", NetworkTransport(f"http://127.0.0.1:{port}", timeout_s=2), SIGNER)

    async def scenario() -> None:
        try:
            await upstream.call("GET", "/profiles/p1/suggestions", Caller("alice", Role.REFERENT))
        finally:
            await upstream.aclose()

    with pytest.raises(Unavailable) as refused:
        run(scenario())
    assert refused.value.status_code == 503


def test_query_parameters_leave_out_none_and_spell_booleans_as_the_services_read_them() -> None:
    assert _query({"limit": 20, "since": None, "partial": True, "x": False}) == [
        ("limit", 20),
        ("partial", "true"),
        ("x", "false"),
    ]


def test_a_list_in_the_query_is_the_parameter_repeated() -> None:
    assert _query({"ids": ["a", "b"], "q": "x", "none": []}) == [("ids", "a"), ("ids", "b"), ("q", "x")]


def test_a_service_that_fails_in_process_is_a_503_as_over_the_network() -> None:
    failing = FastAPI()

    @failing.get("/profiles/{profile_id}/suggestions")
    def broken(profile_id: str) -> None:
        raise ValueError("an unexpected bug in the service")

    upstream = Upstream("matching", InProcessTransport(failing, "matching", timeout_s=2), SIGNER)

    async def scenario() -> None:
        try:
            await upstream.call("GET", "/profiles/p1/suggestions", Caller("alice", Role.REFERENT))
        finally:
            await upstream.aclose()

    with pytest.raises(Unavailable):  # not a 400, not an exception escaping into the gateway
        run(scenario())
