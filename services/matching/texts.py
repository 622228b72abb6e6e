"""What gets embedded: the text of an offer and the query text of a person's project.

Both texts carry the ROME label their métier was linked to (for a person known by skills only, the labels
of the fiches their skills point to), so that "technicien de surface" and "Agent de propreté H/F" meet on
common words even where the encoder does not know the two wordings are the same job.
"""

from __future__ import annotations

from collections.abc import Sequence

from contracts.profiles import MatchingView
from services.matching.domain.occupations import OccupationLink
from services.matching.ports import IndexedOffer

DESCRIPTION_CHARS = 400  # the title and skills carry the occupation; a long description only blurs it


def offer_text(offer: IndexedOffer) -> str:
    parts = [offer.title, offer.title]  # the title twice: it is what the person's target is compared with
    if offer.occupation_label and offer.occupation_label != offer.title:
        parts.append(offer.occupation_label)
    if offer.skills:
        parts.append(", ".join(offer.skills))
    if offer.description:
        parts.append(offer.description[:DESCRIPTION_CHARS])
    return ". ".join(parts)


def profile_text(view: MatchingView, occupations: Sequence[OccupationLink] = ()) -> str:
    parts = list(view.target_jobs)
    parts.extend(link.label for link in occupations if link.label not in parts)
    if not parts:
        parts = ["emploi"]
    if view.skills:
        parts.append(", ".join(view.skills))
    return ". ".join(parts)
