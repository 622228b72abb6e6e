"""`make bench`: every benchmark on one distributed platform, then the summary table.

    python -m scripts.rig run -- python -m bench.all [--sizes 10000,100000] [--requests 1000]

Order: suggestions (which loads the index to 100k offers), then the analysts' dashboard on that index
(with 20k people), then ingest and freshness on that full index, so that these are measured at a
département's scale; then, in process without the servers,
what the candidate window changes in the ranked lists (bench.window). Waits up to BENCH_QUIET_WAIT_S
(default 300) for the 1-minute load average to fall under 2 before starting; the load is recorded next
to every figure either way.
"""

from __future__ import annotations

import argparse
import os

from bench import dashboard, freshness, ingest, report, suggest, window
from bench.common import say, wait_quiet, write_result
from bench.stack import Distributed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    quiet = wait_quiet(2.0, float(os.environ.get("BENCH_QUIET_WAIT_S", "300")))
    say(
        f"1-minute load at start: {quiet:.2f}{'' if quiet < 2 else ' (machine busy: figures carry the load)'}"
    )
    with Distributed() as stack:
        figures = suggest.run([int(s) for s in args.sizes.split(",")], args.requests, stack)
        write_result("suggest", figures, suggest.COMMAND)
        write_result("dashboard", dashboard.run(stack=stack, reuse_index=True), dashboard.COMMAND)
        ingested = ingest.run(None, stack)
        write_result("ingest", ingested, ingest.COMMAND)
        rate = max(1.0, 0.5 * ingested["post"]["offers_per_s"])
        write_result("freshness", freshness.run(args.trials, rate, stack), freshness.COMMAND)
    write_result("window", window.run(100_000, 200, window.WINDOWS), window.COMMAND)  # in process
    report.main()


if __name__ == "__main__":
    main()
