"""`python -m bench.launch <maillage arguments>`: the `maillage` command, as the benchmarks run it.

One addition, for measuring only: with MAILLAGE_BENCH_STATS=FILE the process writes its embedding cache
counters to FILE twice a second. (The cache itself is the product's: MAILLAGE_EMBEDDING_CACHE_ENTRIES=0
turns it off.) With MAILLAGE_BENCH_PHASES=FILE it times a suggestion's phases and writes them to FILE at
exit (bench/phases.py).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path


def _report(path: Path) -> None:
    from services.matching.adapters.embedding_cache import cache_stats

    while True:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"pid": os.getpid(), "cache": cache_stats(), "at": time.time()}))
        tmp.replace(path)
        time.sleep(0.5)


def main() -> int:
    stats = os.environ.get("MAILLAGE_BENCH_STATS")
    if stats:
        threading.Thread(target=_report, args=(Path(stats),), daemon=True).start()
    phases = os.environ.get("MAILLAGE_BENCH_PHASES")
    if phases:
        from bench.phases import install

        install(Path(phases))
    from maillage.cli import main as maillage_main

    return maillage_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
