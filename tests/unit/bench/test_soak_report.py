"""The soak's verdicts (bench/soak_report.py): the memory rule, the p95 windows, the summary."""

from __future__ import annotations

import argparse
from typing import Any

from bench.soak import Sample
from bench.soak_report import LEAK_MB_PER_MIN, figures, memory, p95_drift, summary


def minute(n: int, rss: dict[str, float]) -> dict[str, Any]:
    processes = {name: {"rss_mb": mb, "pss_mb": mb / 2, "cpu_cores": 0.1} for name, mb in rss.items()}
    return {"minute": n, "load_1m": 1.0, "lag_samples": [0], "lag_at_end": 0, "processes": processes}


def test_a_process_that_keeps_growing_is_not_bounded_and_one_that_settles_is() -> None:
    # gateway: +30 MB in minute 2 then flat; consumer: +2 MB every minute to the end
    rows = [
        minute(n, {"gateway": 200.0 + (30 if n >= 2 else 0), "consumer": 500.0 + 2 * LEAK_MB_PER_MIN * n})
        for n in range(1, 21)
    ]
    verdicts = memory(rows)
    assert verdicts["gateway"]["bounded"] and verdicts["gateway"]["growth_mb"] == 0
    assert not verdicts["consumer"]["bounded"]
    assert verdicts["consumer"]["slope_mb_per_min"] == 2 * LEAK_MB_PER_MIN
    assert verdicts["consumer"]["slope_minutes"] == [11, 20]


def test_p95_compares_the_first_five_minutes_with_the_last_five() -> None:
    samples = [Sample("suggestion", 60.0 * m + 1, 0.1 if m < 10 else 0.2, None) for m in range(20)]
    drift = p95_drift(samples, 20)["suggestion"]
    assert drift["first"]["n"] == 5 and drift["last"]["n"] == 5
    assert drift["last_over_first_p95"] == 2.0


def test_the_summary_lists_each_kinds_first_error_and_every_process() -> None:
    rows = [minute(n, {"gateway": 200.0, "postgresql": 90.0}) for n in range(1, 4)]
    samples = [
        Sample("offer_post", 10.0, 0.05, None),
        Sample("offer_post", 70.0, 0.05, "HTTP 503: upstream timeout"),
        Sample("suggestion", 130.0, 0.08, None),
    ]
    args = argparse.Namespace(minutes=3, rate=4.0, clients=4, import_every=60.0, import_rows=25, offers=10)
    drain = {
        "lag_zero_after_s": 1.5,
        "all_searchable_after_s": 2.0,
        "offers_expected": 11,
        "offers_searchable": 11,
    }
    result = figures(
        args, {"suggestion": 1}, rows, samples, {"offer_post": "HTTP 503: upstream timeout"}, drain
    )
    assert result["requests"]["errors"] == 1 and result["minutes"][1]["requests"]["offer_post"]["errors"] == 1
    text = summary(result)
    assert "errors: 1" in text and "first offer_post error: HTTP 503" in text
    assert "gateway: 200.0 -> 200.0 MB" in text and "postgresql" in text and "lag 0 in 1.5 s" in text
