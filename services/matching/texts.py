"""What gets embedded: the text of an offer and the query text of a person's project."""

from __future__ import annotations

from services.matching.ports import IndexedOffer
from services.profiles.schemas import MatchingView

DESCRIPTION_CHARS = 400  # the title and skills carry the occupation; a long description only blurs it


def offer_text(offer: IndexedOffer) -> str:
    parts = [offer.title, offer.title]  # the title twice: it is what the person's target is compared with
    if offer.skills:
        parts.append(", ".join(offer.skills))
    if offer.description:
        parts.append(offer.description[:DESCRIPTION_CHARS])
    return ". ".join(parts)


def profile_text(view: MatchingView) -> str:
    parts = list(view.target_jobs) or ["emploi"]
    if view.skills:
        parts.append(", ".join(view.skills))
    return ". ".join(parts)
