"""Occupation proximity: how close an offer's métier is to the person's, in the referentials' own terms.

Both sides carry ROME codes: an offer from its employer or from linking its title at ingest, a person
from the appellations chosen by the référent, from linking each target job on save, or from what their
skills point to. Same appellation beats same fiche, which beats a fiche of the same family (ROME 4.0
parent), which beats a neighbouring fiche (the ROME's mobility links). Titles are also linked to ESCO
occupations, whose French labels hold the synonyms and gendered forms employers write: the same ESCO
occupation counts as the same appellation, the same ISCO group as the same family. Each link has a
confidence; proximity is discounted by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SAME_APPELLATION = 1.0
SAME_FICHE = 0.85
SAME_FAMILY = 0.7
NEIGHBOURING_FICHE = 0.5

# How a link was made, when it comes from the person's skills rather than a job title.
FROM_SKILLS = "déduit des compétences"


@dataclass(frozen=True)
class OccupationLink:
    """A text tied to the ROME: which appellation and fiche, how sure, and why."""

    source_text: str
    rome_code: str
    appellation_code: str | None
    label: str  # the appellation's (or fiche's) label, for reasons and for embedding
    confidence: float
    how: str
    esco_uri: str | None = None  # the ESCO occupation the same text links to, when it does
    isco_group: str | None = None
    esco_confidence: float = 0.0

    @property
    def from_skills(self) -> bool:
        return self.how.startswith(FROM_SKILLS)

    def as_dict(self) -> dict[str, object]:
        return {
            "esco_uri": self.esco_uri,
            "isco_group": self.isco_group,
            "esco_confidence": self.esco_confidence,
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
            esco_uri=str(data["esco_uri"]) if data.get("esco_uri") else None,
            isco_group=str(data["isco_group"]) if data.get("isco_group") else None,
            esco_confidence=float(str(data.get("esco_confidence") or 0.0)),
        )


@dataclass(frozen=True)
class OfferOccupation:
    """An offer's métier as the index keeps it."""

    rome_code: str | None
    appellation_code: str | None
    confidence: float
    label: str | None = None
    esco_uri: str | None = None
    isco_group: str | None = None
    esco_confidence: float = 0.0


@dataclass(frozen=True)
class Proximity:
    score: float  # in [0, 1]
    text: str | None  # the French reason, or None when the métiers are unrelated
    neighbouring: bool = False  # only a neighbouring métier (mobility link), not the person's own
    detail: str | None = None  # codes and how the link was made, for the "détails" disclosure


NO_PROXIMITY = Proximity(0.0, None)


def proximity(
    offer: OfferOccupation,
    targets: tuple[OccupationLink, ...],
    family_of: Mapping[str, str],
    neighbours_of: Mapping[str, tuple[str, ...]],
) -> Proximity:
    best = NO_PROXIMITY
    for target in targets:
        for candidate in (
            _rome_proximity(offer, target, family_of, neighbours_of),
            _esco_proximity(offer, target),
        ):
            if candidate.score > best.score:
                best = candidate
    return best


def _rome_proximity(
    offer: OfferOccupation,
    target: OccupationLink,
    family_of: Mapping[str, str],
    neighbours_of: Mapping[str, tuple[str, ...]],
) -> Proximity:
    rome = offer.rome_code
    if not rome:
        return NO_PROXIMITY
    neighbouring = False
    if offer.appellation_code and offer.appellation_code == target.appellation_code:
        level, text = SAME_APPELLATION, "Même métier que celui visé"
    elif rome == target.rome_code:
        level, text = SAME_FICHE, "Même métier que celui visé"
    elif family_of.get(rome, rome) == family_of.get(target.rome_code, target.rome_code):
        level, text = SAME_FAMILY, "Métier de la même famille que celui visé"
    elif rome in neighbours_of.get(target.rome_code, ()):
        level, neighbouring = NEIGHBOURING_FICHE, True
        text = f"Métier proche : {_short(target.label)} → {_short(offer.label or rome)}"
    else:
        return NO_PROXIMITY
    if target.from_skills and not neighbouring:
        text = f"Métier que ses compétences permettent d'exercer : {_short(target.label)}"
    elif not neighbouring:
        text += f" : « {target.source_text} »"
    detail = f"ROME {target.rome_code} → {rome} ; lien « {target.source_text} » : {target.how}"
    score = level * min(target.confidence, offer.confidence)
    return Proximity(round(score, 4), text, neighbouring, detail)


def _esco_proximity(offer: OfferOccupation, target: OccupationLink) -> Proximity:
    if not offer.esco_uri or not target.esco_uri:
        return NO_PROXIMITY
    if offer.esco_uri == target.esco_uri:
        level, text = SAME_APPELLATION, f"Même métier que celui visé : « {target.source_text} »"
    elif offer.isco_group and offer.isco_group == target.isco_group:
        level, text = SAME_FAMILY, f"Métier de la même famille que celui visé : « {target.source_text} »"
    else:
        return NO_PROXIMITY
    detail = f"ESCO {target.esco_uri.rsplit('/', 1)[-1]} ; groupe CITP {target.isco_group}"
    score = level * min(target.esco_confidence, offer.esco_confidence)
    return Proximity(round(score, 4), text, False, detail)


def _short(label: str) -> str:
    """ "Agent / Agente de propreté de locaux" → "agent de propreté de locaux" for a sentence."""
    words = label.split(" / ", 1)
    head = words[0]
    if len(words) == 2:
        tail = words[1].split(" ", 1)
        head = words[0] + (" " + tail[1] if len(tail) == 2 else "")
    return head[:1].lower() + head[1:]
