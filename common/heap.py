"""The garbage collector's settings of a long-running server process.

A service holds hundreds of thousands of objects for its whole life (referentials, the occupation index,
the local offer index, caches), and CPython's full collection walks every one of them. Measured on the
embedded dashboard at 100k offers (bench/RESULTS.md, issue 16): full collections of ~650k objects took
150–460 ms and landed inside requests, making the p95 three to five times the median. Once the process is
built, those objects are moved out of the collector's sight (`gc.freeze`), and the young generation's
threshold is raised so that a request's own garbage is collected in fewer, equally cheap passes.
Reference counting still frees everything that is not part of a cycle, frozen or not.
"""

from __future__ import annotations

import gc
import os

# Allocations between two young collections: CPython's 700 suits scripts; a request building a report
# allocates far more than that, so the default ran a young collection hundreds of times per request and a
# full one every few requests.
YOUNG_THRESHOLD = 50_000


def settle_heap() -> None:
    """Call once the process is built, just before it serves: collect what start-up left, then freeze the
    survivors (they live as long as the process). MAILLAGE_GC_FREEZE=0 keeps CPython's defaults."""
    if os.environ.get("MAILLAGE_GC_FREEZE", "1") == "0":
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
