"""The disclosure policy of demand analytics, stated once (docs/analytics.md explains it to readers).

Offers and openings are published by employers: their counts are public and never hidden.

People are another matter. Every figure about people — a count, a sum over places or sectors, a ratio —
is built from *atoms*: the people of one EPCI in one category (a métier of the ROME, a skill…). Atoms are
the same for every query (the grid does not depend on the filter), and an atom below the threshold enters
no published figure. A published figure is thus a sum of atoms of at least the threshold, and the
difference of any two published figures (nested geographies, a total and its rows, two overlapping
filters) is again such a sum: zero or at least the threshold, never a hidden atom.

Where one grid refines another (métiers within ROME domains), a métier's atoms of one EPCI are published
only when none of the domain's non-zero atoms there is below the threshold; otherwise the domain's atom
stands alone, and a sum cannot be split into its hidden parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from contracts.coordination import DISCLOSURE_THRESHOLD

# One threshold for every figure of people the platform publishes (dashboard, coordination, employers).
THRESHOLD = DISCLOSURE_THRESHOLD

Atom = tuple[str, str]  # (EPCI SIREN, category)


def hidden(count: int, threshold: int = THRESHOLD) -> bool:
    """Zero points at nobody; 1 to threshold-1 might."""
    return 0 < count < threshold


def masked(value: int, threshold: int = THRESHOLD) -> int | None:
    """A published people figure as shown: None (« < 5 ») when nothing of it may be published."""
    return value if value >= threshold else None


@dataclass(frozen=True)
class PeopleGrid:
    """People counted by (EPCI, category); only atoms of at least the threshold are ever summed."""

    atoms: Mapping[Atom, int]
    threshold: int = THRESHOLD
    _safe: dict[Atom, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        safe = {key: n for key, n in self.atoms.items() if n >= self.threshold}
        object.__setattr__(self, "_safe", safe)

    def figure(self, epcis: Collection[str], categories: Collection[str] | None = None) -> int | None:
        """People of these EPCI in these categories (all when None), as published."""
        total = sum(
            n
            for (epci, category), n in self._safe.items()
            if epci in epcis and (categories is None or category in categories)
        )
        return masked(total, self.threshold)

    def by_category(self, epcis: Collection[str]) -> dict[str, int]:
        """The published figure of every category that has one in these EPCI."""
        return self._sums(epcis, lambda atom: atom[1])

    def by_epci(self, epcis: Collection[str]) -> dict[str, int]:
        """The published figure of each of these EPCI, all categories together."""
        return self._sums(epcis, lambda atom: atom[0])

    def _sums(self, epcis: Collection[str], key: Callable[[Atom], str]) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for atom, n in self._safe.items():
            if atom[0] in epcis:
                totals[key(atom)] += n
        return dict(totals)


def refined_grid(fine: PeopleGrid, parent: Callable[[str], str]) -> PeopleGrid:
    """The fine grid as it may be published beside its coarse one: in each (EPCI, parent category) where
    one non-zero fine atom is hidden, every fine atom of it is withheld (the coarse atom speaks for them)."""
    blocked = {
        (epci, parent(category)) for (epci, category), n in fine.atoms.items() if hidden(n, fine.threshold)
    }
    kept = {
        (epci, category): n
        for (epci, category), n in fine.atoms.items()
        if (epci, parent(category)) not in blocked
    }
    return PeopleGrid(kept, fine.threshold)


def coarse_grid(fine: PeopleGrid, parent: Callable[[str], str]) -> PeopleGrid:
    """The coarse atoms (EPCI, parent category) as sums of the fine ones, all of them."""
    totals: dict[Atom, int] = defaultdict(int)
    for (epci, category), n in fine.atoms.items():
        totals[(epci, parent(category))] += n
    return PeopleGrid(dict(totals), fine.threshold)


def ratio(numerator: int, people: int | None) -> float | None:
    """A figure derived from people is published only when its people figure is."""
    if people is None or people == 0:
        return None
    return round(numerator / people, 2)


def suppress_partition(
    counts: Sequence[int], threshold: int = THRESHOLD, total_known: bool = True
) -> list[bool]:
    """Which counts of one table to hide when the table is not built from a grid (the outcomes of
    proposals, which have no place): each count below the threshold, and — when the total is known
    elsewhere — the smallest other one too if only one was hidden, so that subtraction cannot reveal it."""
    flags = [hidden(n, threshold) for n in counts]
    if total_known and sum(flags) == 1:
        others = [i for i, (flag, n) in enumerate(zip(flags, counts, strict=True)) if not flag and n > 0]
        if others:
            flags[min(others, key=lambda i: (counts[i], i))] = True
    return flags
