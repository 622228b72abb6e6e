"""`python -m bench.report`: the summary table of bench/results/*.json, as Markdown (summary.md)."""

from __future__ import annotations

import json
from typing import Any

from bench.common import RESULTS


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def verdict(value: float | None, target: float, lower_is_better: bool = True) -> str:
    if value is None:
        return "—"
    ok = value <= target if lower_is_better else value >= target
    if ok:
        return "met"
    gap = value - target if lower_is_better else target - value
    return f"missed by {gap:.3g}"


class Rows:
    """The summary's rows: figure, value, target, verdict, load, command."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []

    def add(self, figure: str, value: Any, target: str, v: str, load: Any, command: str) -> None:
        self.rows.append((figure, str(value), target, v, str(load), f"`{command}`"))


def _latency_rows(rows: Rows, n: str, row: dict[str, Any], cmd: str) -> None:
    """One index size's suggestion latencies: Elasticsearch and embedded, through the gateway and not."""
    es, emb = row["es_http"], row["embedded_http"]["gateway"]
    rows.add(
        f"ES, gateway, {n}: p50/p95/p99 ms",
        f"{es['gateway']['p50_ms']}/{es['gateway']['p95_ms']}/{es['gateway']['p99_ms']}",
        "p95 ≤ 50 (100k)",
        verdict(es["gateway"]["p95_ms"], 50),
        es["gateway"]["load_1m"],
        cmd,
    )
    rows.add(
        f"ES, matching direct, {n}: p50/p95/p99 ms",
        f"{es['direct']['p50_ms']}/{es['direct']['p95_ms']}/{es['direct']['p99_ms']}",
        "",
        "",
        es["direct"]["load_1m"],
        cmd,
    )
    if "profiles_check" in es:
        pc = es["profiles_check"]
        rows.add(
            f"profiles caseload check alone, {n}: p50/p95 ms",
            f"{pc['p50_ms']}/{pc['p95_ms']}",
            "",
            "",
            pc["load_1m"],
            cmd,
        )
    rows.add(
        f"gateway overhead p50 (ES), {n}: ms",
        row["gateway_overhead_p50_ms"],
        "≤ 3",
        verdict(row["gateway_overhead_p50_ms"], 3),
        es["gateway"]["load_1m"],
        cmd,
    )
    rows.add(
        f"embedded, gateway, {n}: p50/p95/p99 ms",
        f"{emb['p50_ms']}/{emb['p95_ms']}/{emb['p99_ms']}",
        "p95 ≤ 20 (100k)",
        verdict(emb["p95_ms"], 20),
        emb["load_1m"],
        cmd,
    )


def _index_rows(rows: Rows, n: str, row: dict[str, Any], cmd: str) -> None:
    """One index size's search, recall, rebuild and memory figures."""
    b, a = row["local_index_search_before"], row["local_index_search_after"]
    rows.add(
        f"local index search k=100, {n}: p50/p95 ms before → after",
        f"{b['p50_ms']}/{b['p95_ms']} → {a['p50_ms']}/{a['p95_ms']}",
        "",
        "",
        a["load_1m"],
        cmd,
    )
    for label, sweep in row.get("es_sweep", {}).items():
        rows.add(
            f"ES kNN {label}, {n}: recall@10, recall@100, search p50/p95 ms",
            f"{sweep['recall_at_10']}, {sweep['recall_at_100']}, {sweep['search']['p50_ms']}/"
            f"{sweep['search']['p95_ms']}",
            "recall@10 ≥ 0.98",
            verdict(sweep["recall_at_10"], 0.98, False),
            sweep["search"]["load_1m"],
            cmd,
        )
    for label, w in row.get("es_window", {}).items():
        rows.add(
            f"ES kNN candidate window {label}, {n}: recall@10, search p50/p95 ms",
            f"{w['recall_at_10']}, {w['search']['p50_ms']}/{w['search']['p95_ms']}",
            "",
            "",
            w["search"]["load_1m"],
            cmd,
        )
    if "es_rebuild_docs_per_s" in row:
        rebuilt = f"{row['es_rebuild_docs_per_s']} docs/s, {row['es_segments']} segment(s) after"
        rows.add(f"ES rebuild (bulk + merge), {n}", rebuilt, "", "", "", cmd)
    rss = {
        **row["distributed_rss_mb"],
        **row["servers_rss_mb"],
        "embedded (maillage run)": row["embedded_rss_mb"],
    }
    rows.add(f"RSS at {n} offers, MB", ", ".join(f"{k} {v:.0f}" for k, v in rss.items()), "", "", "", cmd)


def _suggest_rows(rows: Rows, s: dict[str, Any]) -> None:
    cmd = s["command"]
    for size, row in s["figures"]["sizes"].items():
        n = f"{int(size) // 1000}k"
        _latency_rows(rows, n, row, cmd)
        _index_rows(rows, n, row, cmd)
    if "es_bulk_sizes" in s["figures"]:
        rows.add("ES bulk request size → docs/s", s["figures"]["es_bulk_sizes"], "", "", "", cmd)


def _ingest_phase_rows(rows: Rows, label: str, p: dict[str, Any], with_target: bool, cmd: str) -> None:
    target = "≥ 0.8 × raw" if with_target else ""
    v = verdict(p["ratio_to_raw_encoder"], 0.8, False) if target else ""
    rate = (p.get("cache") or {}).get("hit_rate")
    extra = f", cache hit rate {rate}" if rate is not None else ""
    both = p.get("ratio_to_raw_encoder_and_linker")
    extra += f"; {both} of encoder + linker" if both is not None else ""
    if p.get("steady_offers_per_s") is not None:
        extra += (
            f"; steady (middle 80 %): {p['steady_offers_per_s']}/s = "
            f"{p['steady_ratio_to_raw_encoder']} of raw, "
            f"{p['steady_ratio_to_raw_encoder_and_linker']} of encoder + linker"
        )
    rows.add(
        f"{label}: offers/s (ratio to raw)",
        f"{p['offers_per_s']} ({p['ratio_to_raw_encoder']}){extra}",
        target,
        v,
        "",
        cmd,
    )
    if "cpu_s" in p:
        rows.add(f"{label}: CPU seconds by process", p["cpu_s"], "", "", "", cmd)


def _ingest_rows(rows: Rows, i: dict[str, Any]) -> None:
    f, cmd = i["figures"], i["command"]
    raw = f.get("raw_encoder_offers_per_s") or f["raw_encoder_texts_per_s"]
    rows.add(
        "raw encoder (title + body of each offer, batches of 256 offers): offers/s"
        if "raw_encoder_offers_per_s" in f
        else "raw encoder (batches of 256): texts/s",
        f"{raw['mean']} ({raw['first']} / {raw['last']})",
        "",
        "",
        i["machine"]["load_average"][0],
        cmd,
    )
    rows.add("raw encoder by batch size: texts/s", f.get("raw_encoder_by_batch_size"), "", "", "", cmd)
    for key, label in (
        ("post", "POST → searchable"),
        ("import", "import-offers → searchable"),
        ("reimport_cache_on", "re-import, same texts, cache on"),
        ("reimport_cache_off", "re-import, same texts, cache off"),
    ):
        _ingest_phase_rows(rows, label, f[key], key in ("post", "import"), cmd)
    if "raw_linker_titles_per_s" in f:
        rows.add("raw occupation linker: titles/s", f["raw_linker_titles_per_s"], "", "", "", cmd)


def _freshness_rows(rows: Rows, fr: dict[str, Any]) -> None:
    f, cmd = fr["figures"], fr["command"]
    rows.add(
        "freshness idle: p50/p95 ms",
        f"{f['idle']['p50_ms']}/{f['idle']['p95_ms']}",
        "p95 ≤ 1500",
        verdict(f["idle"]["p95_ms"], 1500),
        f["idle"]["load_1m"],
        cmd,
    )
    u = f["under_load"]
    rows.add(
        f"freshness under {u['load_offers_per_s']} offers/s: p50/p95 ms",
        f"{u['p50_ms']}/{u['p95_ms']}",
        "",
        "",
        u["load_1m"],
        cmd,
    )


def _window_rows(rows: Rows, wi: dict[str, Any]) -> None:
    f, cmd = wi["figures"], wi["command"]
    for row in f["windows"].values():
        agreement = {k: v for k, v in row.items() if "agreement" in k or k == "same_first_suggestion"}
        rows.add(
            f"candidate window k={row['k']}, {f['offers']} offers, embedded: suggest p50/p95 ms; "
            "agreement with the widest",
            f"{row['suggest']['p50_ms']}/{row['suggest']['p95_ms']}; {agreement}",
            "",
            "",
            row["suggest"]["load_1m"],
            cmd,
        )


def _dashboard_rows(rows: Rows, da: dict[str, Any]) -> None:
    f, cmd = da["figures"], da["command"]
    target = float(f["target_p95_ms"])
    for mode, label in (("es", "ES"), ("embedded", "embedded")):
        for view, phases in f.get(mode, {}).get("views", {}).items():
            if view.startswith("load"):
                continue
            for phase in ("cold", "warm"):
                p = phases[phase]
                rows.add(
                    f"dashboard {view}, {label}, {phase}, {f['offers']} offers / {f['people']} people: "
                    "p50/p95 ms",
                    f"{p['p50_ms']}/{p['p95_ms']}",
                    f"p95 ≤ {target:g}",
                    verdict(p["p95_ms"], target),
                    p["load_1m"],
                    cmd,
                )


def main() -> None:
    rows = Rows()
    results = {name: _load(name) for name in ("suggest", "ingest", "freshness", "window", "dashboard")}
    sections = {
        "suggest": _suggest_rows,
        "ingest": _ingest_rows,
        "freshness": _freshness_rows,
        "window": _window_rows,
        "dashboard": _dashboard_rows,
    }
    for name, section in sections.items():
        result = results[name]
        if result:
            section(rows, result)
    lines = [
        "| figure | value | target | verdict | load 1m | command |",
        "|---|---|---|---|---|---|",
        *("| " + " | ".join(r) + " |" for r in rows.rows),
    ]
    any_result = next((r for r in results.values() if r), None)
    if any_result:
        m = any_result["machine"]
        lines += [
            "",
            f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Linux {m['kernel']}, Python "
            f"{m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["libraries"].items() if v),
        ]
    text = "\n".join(lines) + "\n"
    (RESULTS / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
