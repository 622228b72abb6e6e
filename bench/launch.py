"""`python -m bench.launch <maillage arguments>`: the `maillage` command, as the benchmarks run it.

Two additions, both for measuring only: with MAILLAGE_BENCH_EMBEDDING_CACHE=1 the matching encoder is
wrapped in the embedding cache (unless services/matching/bootstrap.py already wires it), and with
MAILLAGE_BENCH_STATS=FILE the process writes its cache counters to FILE twice a second.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any


def _wire_cache() -> None:
    import services.matching.bootstrap as bootstrap
    from services.matching.adapters.embedding_cache import CachingEncoder

    if "CachingEncoder" in inspect.getsource(bootstrap):
        return  # the lead wired it for real
    make_encoder = bootstrap.make_encoder  # type: ignore[attr-defined]

    def cached(kind: str) -> Any:
        return CachingEncoder(make_encoder(kind))

    bootstrap.make_encoder = cached  # type: ignore[attr-defined]


def _report(path: Path) -> None:
    from services.matching.adapters.embedding_cache import cache_stats

    while True:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "cache": cache_stats(), "at": time.time()}))
        tmp.replace(path)
        time.sleep(0.5)


def main() -> int:
    if os.environ.get("MAILLAGE_BENCH_EMBEDDING_CACHE", "1") == "1":
        _wire_cache()
    stats = os.environ.get("MAILLAGE_BENCH_STATS")
    if stats:
        threading.Thread(target=_report, args=(Path(stats),), daemon=True).start()
    from maillage.cli import main as maillage_main

    return maillage_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
