"""Whether a suggestion asks the search of the person's own métiers beside the first search, or after it.

Asked together, the two searches cost one round trip and Elasticsearch runs them side by side; but the
second is wasted whenever the first window already held enough of the person's métiers. Asked in turn,
the second costs a round trip of its own, only when needed. Which is cheaper depends on the index: where
offers are dense the first window is full and the second search needed in most requests; where they are
sparse (fewer offers than the window within the person's reach) it is not. Always asking both doubled
Elasticsearch's CPU per suggestion at 10k offers over France and cut the p95 by a third at 100k
(bench/RESULTS.md, « National scale »). So the service learns which case it is in.
"""

from __future__ import annotations

from dataclasses import dataclass

# Each suggestion moves the estimate this far towards what it found: the last ~20 requests weigh most.
WEIGHT = 0.05


@dataclass
class SecondSearchHabit:
    """How often the second search turned out needed lately (a moving average); past half, ask both at
    once. Only the cost depends on it, never the candidates: both ways find the same offers."""

    share_needed: float = 0.5

    def ask_together(self) -> bool:
        return self.share_needed >= 0.5

    def record(self, needed: bool) -> None:
        # A race between two requests' updates loses one step of an estimate: harmless, so no lock.
        self.share_needed += WEIGHT * (float(needed) - self.share_needed)
