"""The background reindex: one at a time, progress while it runs, the outcome or the failure after."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from common.errors import Conflict
from services.matching.reindexing import Reindexer, ReindexState


def _wait_until_finished(reindexer: Reindexer) -> ReindexState:
    for _ in range(500):
        state = reindexer.current
        if state.state in ("done", "failed"):
            return state
        threading.Event().wait(0.01)
    raise AssertionError(f"still {reindexer.current}")


def test_a_reindex_reports_progress_refuses_a_second_start_and_reports_its_count() -> None:
    halfway, resume = threading.Event(), threading.Event()

    def rebuild(progress: Callable[[int], None]) -> int:
        progress(256)
        halfway.set()
        resume.wait(5)
        progress(300)
        return 300

    reindexer = Reindexer(rebuild)
    assert reindexer.current.state == "idle"
    assert reindexer.start().state == "running"
    assert halfway.wait(5)
    running = reindexer.current
    assert running.state == "running" and running.embedded_offers == 256 and running.indexed_offers is None
    with pytest.raises(Conflict):
        reindexer.start()
    resume.set()
    done = _wait_until_finished(reindexer)
    assert (done.state, done.embedded_offers, done.indexed_offers, done.error) == ("done", 300, 300, None)
    assert (
        done.started_at is not None and done.finished_at is not None and done.finished_at >= done.started_at
    )
    assert reindexer.start().state == "running"  # once finished, another may start
    resume.set()
    _wait_until_finished(reindexer)


def test_a_failed_reindex_says_why_and_allows_a_new_start() -> None:
    def rebuild(progress: Callable[[int], None]) -> int:
        raise ConnectionError("Elasticsearch went away")

    reindexer = Reindexer(rebuild)
    reindexer.start()
    failed = _wait_until_finished(reindexer)
    assert failed.state == "failed" and failed.indexed_offers is None
    assert failed.error == "ConnectionError: Elasticsearch went away"
    assert reindexer.start().state == "running"
    _wait_until_finished(reindexer)
