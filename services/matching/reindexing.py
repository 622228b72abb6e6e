"""A reindex run in the background of the matching service, one at a time, with its progress.

A rebuild of a département's index takes minutes (embedding every offer, then merging the new index):
far longer than any HTTP call may wait. `POST /reindex` starts it and answers at once; `GET /reindex`
says how far it got. Kubernetes runs the same rebuild as a Job (`maillage reindex`) instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from common.clock import utcnow
from common.errors import Conflict

log = logging.getLogger("maillage.matching.reindex")


@dataclass(frozen=True)
class ReindexState:
    state: str = "idle"  # idle, running, done, failed
    started_at: datetime | None = None
    finished_at: datetime | None = None
    embedded_offers: int = 0  # so far, while running
    indexed_offers: int | None = None  # once done
    error: str | None = None


# rebuild(progress) -> offers written; progress(n) is called with the offers embedded so far.
Rebuild = Callable[[Callable[[int], None]], int]


class Reindexer:
    def __init__(self, rebuild: Rebuild) -> None:
        self._rebuild = rebuild
        self._lock = threading.Lock()
        self._state = ReindexState()

    @property
    def current(self) -> ReindexState:
        with self._lock:
            return self._state

    def start(self) -> ReindexState:
        """Start a rebuild in a background thread; a second one while it runs is refused (409)."""
        with self._lock:
            if self._state.state == "running":
                raise Conflict("A reindex is already running; follow it with GET /matching/reindex.")
            self._state = ReindexState(state="running", started_at=utcnow())
            started = self._state
        threading.Thread(target=self._run, name="matching-reindex", daemon=True).start()
        return started

    def _run(self) -> None:
        try:
            written = self._rebuild(self._progress)
        except Exception as exc:  # reported through GET /reindex; the live index is untouched
            log.exception("reindex failed")
            self._finish("failed", error=f"{type(exc).__name__}: {exc}"[:300])
            return
        log.info("reindex done: %s offers", written)
        self._finish("done", indexed_offers=written)

    def _progress(self, embedded: int) -> None:
        with self._lock:
            self._state = replace(self._state, embedded_offers=embedded)

    def _finish(self, state: str, indexed_offers: int | None = None, error: str | None = None) -> None:
        with self._lock:
            self._state = replace(
                self._state, state=state, finished_at=utcnow(), indexed_offers=indexed_offers, error=error
            )
