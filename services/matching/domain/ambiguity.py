"""When a job title's link to the ROME is ambiguous enough to ask a person which métier is meant.

The linker always gives its best reading, and the product uses it. A reading is worth a question to the
référent (or to the employer, for an offer's title) when it is uncertain — the best candidate's confidence
is below `UNCERTAIN_BELOW` — or when the best candidate of another fiche comes within `CLOSE_MARGIN` of the
best one: several métiers fit almost equally ("agent de service": cleaning, catering, hospital…). The
question offers at most `MAX_CANDIDATES` appellations, one per fiche, best first. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

UNCERTAIN_BELOW = 0.6
CLOSE_MARGIN = 0.08
MAX_CANDIDATES = 5
_EPSILON = 1e-9  # 0.90 - 0.82 is 0.08000000000000007 in floating point: still "within 0.08"


class AmbiguityReason(StrEnum):
    SEVERAL_FICHES = "several_fiches"
    UNCERTAIN = "uncertain"


REASON_LABELS_FR = {
    AmbiguityReason.SEVERAL_FICHES: "plusieurs métiers possibles",
    AmbiguityReason.UNCERTAIN: "correspondance incertaine",
}


@dataclass(frozen=True)
class Candidate:
    """One appellation a text may mean, with the linker's confidence in [0, 1]."""

    appellation_code: str
    label: str
    rome_code: str
    confidence: float


@dataclass(frozen=True)
class Ambiguity:
    ambiguous: bool
    reason: AmbiguityReason | None  # why it is ambiguous; None when it is not
    candidates: tuple[Candidate, ...]  # one per fiche, best first, at most MAX_CANDIDATES

    @property
    def reason_fr(self) -> str | None:
        return REASON_LABELS_FR[self.reason] if self.reason is not None else None


def best_per_fiche(candidates: Iterable[Candidate], limit: int = MAX_CANDIDATES) -> tuple[Candidate, ...]:
    """The best appellation of each fiche, best first (ties keep the linker's order)."""
    ranked = sorted(candidates, key=lambda c: -c.confidence)  # stable: the linker's order breaks ties
    kept: dict[str, Candidate] = {}
    for candidate in ranked:
        if candidate.rome_code not in kept:
            kept[candidate.rome_code] = candidate
            if len(kept) >= limit:
                break
    return tuple(kept.values())


def assess(candidates: Iterable[Candidate]) -> Ambiguity:
    """Ambiguous when the best reading is uncertain or another fiche is almost as close.

    Several close fiches is the more useful thing to say, so it is the reason given when both hold.
    Without any candidate there is nothing to choose from: not ambiguous.
    """
    kept = best_per_fiche(candidates)
    if not kept:
        return Ambiguity(False, None, ())
    best = kept[0].confidence
    if len(kept) > 1 and best - kept[1].confidence <= CLOSE_MARGIN + _EPSILON:
        return Ambiguity(True, AmbiguityReason.SEVERAL_FICHES, kept)
    if best < UNCERTAIN_BELOW:
        return Ambiguity(True, AmbiguityReason.UNCERTAIN, kept)
    return Ambiguity(False, None, kept)
