"""The soak's figures (bench/soak.py): requests by minute and kind, p95 early against late, memory growth
of every process with its verdict, lag; the summary text and the figure (RSS growth and p95 by minute).

Memory rule: a process's memory is *bounded* when the least-squares slope of its RSS over the last 10
minutes of load (all minutes from the 2nd when the run is shorter) is under LEAK_MB_PER_MIN. At the
default 4 requests per second, 1 MB a minute is about 4 KB per request: a leak smaller than that would
need a longer run to be told from the allocators' and the JVMs' own settling.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bench.common import RESULTS, percentiles

if TYPE_CHECKING:
    from bench.soak import Sample

LEAK_MB_PER_MIN = 1.0
SLOPE_MINUTES = 10
WINDOW_MINUTES = 5  # p95 of the first 5 minutes against the last 5
MEMORY_RULE = (
    f"bounded when the least-squares slope of the RSS over the last {SLOPE_MINUTES} minutes of load is under "
    f"{LEAK_MB_PER_MIN} MB/min (about 4 KB per request at 4 req/s)"
)


def _latency(samples: Iterable[Sample]) -> dict[str, Any]:
    chosen = list(samples)
    figures = percentiles([s.seconds for s in chosen])
    return {
        "n": len(chosen),
        "errors": sum(1 for s in chosen if s.error is not None),
        "p50_ms": figures.get("p50_ms"),
        "p95_ms": figures.get("p95_ms"),
    }


def requests_by_kind(samples: Sequence[Sample], minute: int) -> dict[str, dict[str, Any]]:
    """Requests started during `minute` (1-based), by kind."""
    low, high = 60.0 * (minute - 1), 60.0 * minute
    kinds = sorted({s.kind for s in samples})
    return {k: _latency(s for s in samples if s.kind == k and low <= s.started_s < high) for k in kinds}


def minute_line(row: dict[str, Any], requests: dict[str, dict[str, Any]]) -> str:
    parts = [f"{k} {r['n']}/{r['errors']} err p95 {r['p95_ms']}" for k, r in requests.items() if r["n"]]
    rss = " ".join(f"{name} {p['rss_mb']:.0f}" for name, p in row["processes"].items())
    return f"minute {row['minute']}: {'; '.join(parts)} | lag {row['lag_at_end']} | RSS MB {rss}"


def slope_mb_per_min(minutes: Sequence[int], values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    return round(float(np.polyfit(np.asarray(minutes, float), np.asarray(values, float), 1)[0]), 3)


def memory(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Growth of every process from minute 2 to the last minute of load, with the verdict of the rule."""
    start = rows[1] if len(rows) > 1 else rows[0]
    last = rows[-1]
    tail = [r for r in rows if r["minute"] >= max(start["minute"], last["minute"] - SLOPE_MINUTES + 1)]
    out = {}
    for name in last["processes"]:
        first_mb, last_mb = start["processes"][name]["rss_mb"], last["processes"][name]["rss_mb"]
        minutes = [r["minute"] for r in tail]
        slope = slope_mb_per_min(minutes, [r["processes"][name]["rss_mb"] for r in tail])
        out[name] = {
            "rss_minute_2_mb": first_mb,
            "rss_end_mb": last_mb,
            "growth_mb": round(last_mb - first_mb, 1),
            "growth_pct": round(100 * (last_mb - first_mb) / first_mb, 1) if first_mb else None,
            "slope_mb_per_min": slope,
            "pss_slope_mb_per_min": slope_mb_per_min(minutes, [r["processes"][name]["pss_mb"] for r in tail]),
            "slope_minutes": [minutes[0], minutes[-1]],
            "bounded": slope < LEAK_MB_PER_MIN,
        }
    return out


def p95_drift(samples: Sequence[Sample], minutes: int) -> dict[str, dict[str, Any]]:
    window = min(WINDOW_MINUTES, max(1, minutes // 2))
    first_end, last_start = 60.0 * window, 60.0 * (minutes - window)
    out = {}
    for kind in sorted({s.kind for s in samples}):
        early = _latency(s for s in samples if s.kind == kind and s.started_s < first_end)
        late = _latency(s for s in samples if s.kind == kind and last_start <= s.started_s < 60.0 * minutes)
        ratio = round(late["p95_ms"] / early["p95_ms"], 2) if early["p95_ms"] and late["p95_ms"] else None
        out[kind] = {"window_minutes": window, "first": early, "last": late, "last_over_first_p95": ratio}
    return out


def figures(
    args: argparse.Namespace,
    mix: dict[str, int],
    rows: list[dict[str, Any]],
    samples: Sequence[Sample],
    first_errors: dict[str, str],
    drain: dict[str, Any],
) -> dict[str, Any]:
    for row in rows:
        row["requests"] = requests_by_kind(samples, row["minute"])
        lags = [x for x in (*row["lag_samples"], row["lag_at_end"]) if x is not None]
        row["lag_max"] = max(lags) if lags else None
    loads = [r["load_1m"] for r in rows]
    errors = [s for s in samples if s.error is not None]
    return {
        "settings": {**vars(args), "mix": mix},
        "requests": {
            "by_kind": {
                k: _latency(s for s in samples if s.kind == k) for k in sorted({s.kind for s in samples})
            },
            "achieved_per_s": round(len(samples) / (60.0 * args.minutes), 2),
            "errors": len(errors),
            "first_error_by_kind": first_errors,
            "error_examples": [vars(s) for s in errors[:30]],
        },
        "p95_first_vs_last": p95_drift(samples, args.minutes),
        "memory_rule": MEMORY_RULE,
        "memory": memory(rows),
        "drain": drain,
        "load_1m": {"min": min(loads), "max": max(loads), "mean": round(sum(loads) / len(loads), 2)},
        "minutes": rows,
    }


def summary(f: dict[str, Any]) -> str:
    s, req = f["settings"], f["requests"]
    lines = [
        f"# Soak: {s['minutes']} min, {s['rate']} req/s from {s['clients']} clients, mix {s['mix']}, "
        f"a {s['import_rows']}-offer CSV import every {s['import_every']:.0f} s, "
        f"{s['offers']} offers indexed",
        f"1-minute load during the run: {f['load_1m']['min']}-{f['load_1m']['max']} "
        f"(mean {f['load_1m']['mean']}; the machine is shared)",
        f"requests: {sum(k['n'] for k in req['by_kind'].values())} ({req['achieved_per_s']}/s), "
        f"errors: {req['errors']}",
    ]
    lines += [f"  first {kind} error: {text}" for kind, text in req["first_error_by_kind"].items()]
    lines.append("p95 by kind, first vs last minutes (ms):")
    for kind, d in f["p95_first_vs_last"].items():
        lines.append(
            f"  {kind}: {d['first']['p95_ms']} -> {d['last']['p95_ms']} (x{d['last_over_first_p95']}; "
            f"{d['window_minutes']} min each, n {d['first']['n']} / {d['last']['n']})"
        )
    lines.append(f"memory, minute 2 -> end ({f['memory_rule']}):")
    for name, m in f["memory"].items():
        verdict = "bounded" if m["bounded"] else "GROWING"
        lines.append(
            f"  {name}: {m['rss_minute_2_mb']} -> {m['rss_end_mb']} MB ({m['growth_mb']:+} MB, "
            f"{m['growth_pct']}%), slope {m['slope_mb_per_min']} MB/min (PSS {m['pss_slope_mb_per_min']}): "
            f"{verdict}"
        )
    d = f["drain"]
    lags = [r["lag_max"] for r in f["minutes"]]
    lines.append(f"consumer lag, max per minute: {lags}")
    lines.append(
        f"after the load: lag 0 in {d['lag_zero_after_s']} s; "
        f"{d['offers_searchable']}/{d['offers_expected']} offers searchable "
        f"in {d['all_searchable_after_s']} s"
    )
    return "\n".join(lines)


def draw(f: dict[str, Any], path: Path) -> Path | None:
    """RSS growth since minute 2 by process, p95 by kind, and the lag and the machine's load, per minute
    (None without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    rows = f["minutes"]
    minutes = [r["minute"] for r in rows]
    base = rows[1] if len(rows) > 1 else rows[0]
    fig, (top, bottom, lag) = plt.subplots(3, 1, figsize=(8, 9), sharex=True)
    for name in rows[-1]["processes"]:
        start = base["processes"][name]["rss_mb"]
        top.plot(minutes, [r["processes"][name]["rss_mb"] - start for r in rows], marker=".", label=name)
    top.set_ylabel("RSS − RSS at minute 2 (MB)")
    top.legend(fontsize=7, ncol=4)
    top.grid(alpha=0.3)
    for kind in f["requests"]["by_kind"]:
        bottom.plot(
            minutes, [r["requests"].get(kind, {}).get("p95_ms") for r in rows], marker=".", label=kind
        )
    bottom.set_ylabel("p95 (ms)")
    bottom.legend(fontsize=7)
    bottom.grid(alpha=0.3)
    lag.plot(minutes, [r["lag_max"] for r in rows], marker=".", label="consumer lag, max (events)")
    lag.plot(minutes, [r["load_1m"] for r in rows], marker=".", label="1-minute load (2 cores)")
    lag.set_xlabel("minute of load")
    lag.legend(fontsize=7)
    lag.grid(alpha=0.3)
    fig.suptitle(f"Soak: {f['settings']['minutes']} min, load {f['load_1m']['min']}–{f['load_1m']['max']}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def main() -> None:
    """`python -m bench.soak_report`: the summary and the figure again, from bench/results/soak.json."""
    f = json.loads((RESULTS / "soak.json").read_text())["figures"]
    print(summary(f))
    print(draw(f, RESULTS / "soak.png") or "matplotlib is not installed")


if __name__ == "__main__":
    main()
