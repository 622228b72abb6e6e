"""Where an embedded suggestion's time goes, phase by phase, timed inside `maillage run` (issue 18).

    python -m bench.suggest --embedded-only --phases [--sizes 100000] [--requests 400]

With MAILLAGE_BENCH_PHASES=FILE, `bench/launch.py` wraps the functions a suggestion goes through with
wall-clock timers before the platform starts (`install`), and writes every timed call to FILE as the
process stops. The bench's client sends one request at a time, so a phase belongs to the request whose
interval holds it (`breakdown`). Measuring code only: the product is not changed, and the wrappers cost
about a microsecond per call.

The phases, nested as they run:
- `request`: the gateway's whole answer to `GET /profiles/{id}/suggestions` (ASGI in, last byte out);
- `call_matching` and `call_profiles`: the gateway's two in-process calls, made side by side (the
  caseload check and the suggestions); `consult` is the profiles service's audited check inside the latter;
- `suggest`: `MatchingService.suggest`, of which `search` (the index's searches), `rank` (the ranking,
  reasons included) and `penalties` (what the candidates' employers left unanswered);
- `responsiveness`: read by matching's endpoint for the employers shown.
What `call_matching` holds besides `suggest` and `responsiveness` is the road inside matching (the
in-process HTTP hop, the service token's check, the endpoint's threadpool, validation and JSON);
`besides_search` is the request less its searches: what would be left with an index that answered at once.
"""

from __future__ import annotations

import atexit
import bisect
import functools
import json
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

Event = tuple[str, float, float]  # phase, start, end (time.perf_counter, seconds)
ORDER = (
    "request",
    "call_matching",
    "call_profiles",
    "consult",
    "suggest",
    "search",
    "rank",
    "penalties",
    "responsiveness",
)


def _timed(events: list[Event], phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            events.append((phase, started, time.perf_counter()))

    return wrapper


def install(path: Path) -> None:
    """Wrap the phases' functions and the server's app; write the events to `path` at exit."""
    import uvicorn

    import gateway.upstream as upstream
    import services.matching.service as matching
    from services.matching.employer_proposals import EmployerProposals
    from services.profiles.service import ProfilesService

    events: list[Event] = []
    service = matching.MatchingService
    service.suggest = _timed(events, "suggest", service.suggest)  # type: ignore[method-assign]
    service._candidates = _timed(events, "search", service._candidates)  # type: ignore[method-assign]
    service._penalties_of = _timed(events, "penalties", service._penalties_of)  # type: ignore[method-assign]
    from services.matching.domain.ranking import rank_with_end  # the service module calls it by this name

    setattr(matching, "rank_with_end", _timed(events, "rank", rank_with_end))  # noqa: B010
    EmployerProposals.responsiveness = _timed(  # type: ignore[method-assign]
        events, "responsiveness", EmployerProposals.responsiveness
    )
    ProfilesService.consult = _timed(events, "consult", ProfilesService.consult)  # type: ignore[method-assign]

    call = upstream.Upstream.call

    async def timed_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await call(self, *args, **kwargs)
        finally:
            events.append((f"call_{self.name}", started, time.perf_counter()))

    upstream.Upstream.call = timed_call  # type: ignore[method-assign]
    serve = uvicorn.run

    def run(app: Any, **kwargs: Any) -> None:
        async def timed_app(scope: Any, receive: Any, send: Any) -> None:
            started = time.perf_counter()
            try:
                await app(scope, receive, send)
            finally:
                if scope["type"] == "http" and scope["path"].endswith("/suggestions"):
                    events.append(("request", started, time.perf_counter()))

        serve(timed_app, **kwargs)

    uvicorn.run = run

    def write() -> None:
        path.write_text(json.dumps(events))

    atexit.register(write)
    # uvicorn stops on SIGTERM, then raises it again under the handler found before it started: this one,
    # so that the events are written before the process ends.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))


def breakdown(events: Sequence[Event], last_requests: int) -> dict[str, Any]:
    """Per phase, p50 / p95 / mean over the last `last_requests` requests (ms), and its mean over the
    slowest 5 % of them: which phases the tail is made of."""
    requests = sorted((e for e in events if e[0] == "request"), key=lambda e: e[1])[-last_requests:]
    inner = sorted((e for e in events if e[0] != "request"), key=lambda e: e[1])
    starts = [e[1] for e in inner]
    per_request: list[dict[str, float]] = []
    for _, begin, end in requests:
        spent = dict.fromkeys(ORDER, 0.0)
        spent["request"] = (end - begin) * 1e3
        i = bisect.bisect_left(starts, begin)
        while i < len(inner) and inner[i][1] < end:
            phase, started, stopped = inner[i]
            spent[phase] = spent.get(phase, 0.0) + (stopped - started) * 1e3
            i += 1
        spent["road_in_matching"] = spent["call_matching"] - spent["suggest"] - spent["responsiveness"]
        spent["gateway_besides_matching"] = spent["request"] - spent["call_matching"]
        spent["besides_search"] = spent["request"] - spent["search"]
        per_request.append(spent)
    if not per_request:
        return {}
    names = list(per_request[0])
    table = np.array([[r[n] for n in names] for r in per_request])
    slowest = table[:, 0] >= np.percentile(table[:, 0], 95)
    return {
        "requests": len(per_request),
        "phases_ms": {
            name: {
                "p50": round(float(np.median(table[:, j])), 2),
                "p95": round(float(np.percentile(table[:, j], 95)), 2),
                "mean": round(float(table[:, j].mean()), 2),
                "mean_in_slowest_5pct": round(float(table[slowest, j].mean()), 2),
            }
            for j, name in enumerate(names)
        },
    }
