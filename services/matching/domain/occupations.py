"""Occupation proximity: how close an offer's métier is to the person's, in the ROME's own terms.

Both sides carry ROME codes: an offer from its employer or from linking its title at ingest, a person
from the appellations chosen by the référent or from linking each target job on save. Same appellation
beats same fiche, which beats a fiche of the same family (ROME 4.0 parent), which beats a neighbouring
fiche (the ROME's mobility links). Each link has a confidence; proximity is discounted by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SAME_APPELLATION = 1.0
SAME_FICHE = 0.85
SAME_FAMILY = 0.7
NEIGHBOURING_FICHE = 0.5


@dataclass(frozen=True)
class OccupationLink:
    """A text tied to the ROME: which appellation and fiche, how sure, and why."""

    source_text: str
    rome_code: str
    appellation_code: str | None
    label: str  # the appellation's (or fiche's) label, for reasons and for embedding
    confidence: float
    how: str

    def as_dict(self) -> dict[str, object]:
        return {
            "source_text": self.source_text,
            "rome_code": self.rome_code,
            "appellation_code": self.appellation_code,
            "label": self.label,
            "confidence": self.confidence,
            "how": self.how,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> OccupationLink:
        return cls(
            source_text=str(data["source_text"]),
            rome_code=str(data["rome_code"]),
            appellation_code=str(data["appellation_code"]) if data.get("appellation_code") else None,
            label=str(data["label"]),
            confidence=float(str(data["confidence"])),
            how=str(data["how"]),
        )


@dataclass(frozen=True)
class Proximity:
    score: float  # in [0, 1]
    text: str | None  # the French reason, or None when the métiers are unrelated


def proximity(
    offer_rome: str | None,
    offer_appellation: str | None,
    offer_confidence: float,
    targets: tuple[OccupationLink, ...],
    family_of: Mapping[str, str],
    neighbours_of: Mapping[str, tuple[str, ...]],
) -> Proximity:
    if not offer_rome or not targets:
        return Proximity(0.0, None)
    best = Proximity(0.0, None)
    for target in targets:
        if offer_appellation and offer_appellation == target.appellation_code:
            level, what = SAME_APPELLATION, "même appellation ROME"
        elif offer_rome == target.rome_code:
            level, what = SAME_FICHE, f"même fiche métier ROME {offer_rome}"
        elif family_of.get(offer_rome, offer_rome) == family_of.get(target.rome_code, target.rome_code):
            level, what = SAME_FAMILY, f"fiches de la même famille ROME ({offer_rome}, {target.rome_code})"
        elif offer_rome in neighbours_of.get(target.rome_code, ()):
            level, what = (
                NEIGHBOURING_FICHE,
                f"métier proche selon les mobilités ROME ({target.rome_code} → {offer_rome})",
            )
        else:
            continue
        score = level * min(target.confidence, offer_confidence)
        if score > best.score:
            text = f"{what} : « {target.source_text} » = {target.label} ({target.how})"
            best = Proximity(round(score, 4), text)
    return best
