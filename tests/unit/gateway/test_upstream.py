"""The caseload check and the read it guards run side by side: the read's answer leaves only when the
check has passed."""

from __future__ import annotations

import asyncio

import pytest

from common.errors import NotFound
from gateway.upstream import answer_once_allowed


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

    assert asyncio.run(answer_once_allowed(check(), read())) == "suggestions"


def test_a_refused_check_wins_over_a_finished_read_and_its_answer_never_leaves() -> None:
    with pytest.raises(NotFound):
        asyncio.run(answer_once_allowed(_after(0.05, error=NotFound("No profile.")), _after(0, "leak")))


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

    asyncio.run(scenario())


def test_when_both_fail_the_check_error_is_the_one_the_caller_sees() -> None:
    with pytest.raises(NotFound):
        asyncio.run(
            answer_once_allowed(_after(0.05, error=NotFound("No profile.")), _after(0, error=ValueError("x")))
        )


def test_an_allowed_read_that_fails_reports_its_own_error() -> None:
    with pytest.raises(ValueError):
        asyncio.run(answer_once_allowed(_after(0, "allowed"), _after(0.01, error=ValueError("read failed"))))
