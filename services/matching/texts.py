"""What gets embedded: the text of an offer and the query text of a person's project.

Both texts carry the ROME label their métier was linked to (for a person known by skills only, the labels
of the fiches their skills point to), so that "technicien de surface" and "Agent de propreté H/F" meet on
common words even where the encoder does not know the two wordings are the same job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from contracts.profiles import MatchingView
from services.matching.domain.occupations import OccupationLink
from services.matching.ports import IndexedOffer

FloatArray = npt.NDArray[np.float32]

DESCRIPTION_CHARS = 400  # the title and skills carry the occupation; a long description only blurs it
# An offer's vector is the weighted mean of its title's vector and its body's. The title weighs most: it is
# what the person's target is compared with (the single text this replaces held the title twice).
TITLE_WEIGHT = 0.6


def offer_body(offer: IndexedOffer) -> str:
    """What an offer says besides its title: the ROME label it was linked to, its skills, its description.

    The title is encoded on its own, once, and that vector also serves occupation linking; the body is
    encoded once more, and the two vectors make the offer's (`offer_vector`)."""
    parts = []
    if offer.occupation_label and offer.occupation_label != offer.title:
        parts.append(offer.occupation_label)
    if offer.skills:
        parts.append(", ".join(offer.skills))
    if offer.description:
        parts.append(offer.description[:DESCRIPTION_CHARS])
    return ". ".join(parts)


def offer_vectors(
    title_vectors: FloatArray, bodies: Sequence[str], encode: Callable[[list[str]], FloatArray]
) -> FloatArray:
    """Unit rows: TITLE_WEIGHT of the title's vector and the rest of the body's, the body encoded here
    (the title's vector alone where the offer says nothing besides its title)."""
    has_body = np.array([bool(b) for b in bodies], dtype=bool)
    mixed = title_vectors.copy()
    if has_body.any():
        body_vectors = encode([b for b in bodies if b])
        mixed[has_body] = TITLE_WEIGHT * title_vectors[has_body] + (1.0 - TITLE_WEIGHT) * body_vectors
    norms = np.linalg.norm(mixed, axis=1, keepdims=True)
    out: FloatArray = (mixed / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def profile_text(view: MatchingView, occupations: Sequence[OccupationLink] = ()) -> str:
    parts = list(view.target_jobs)
    parts.extend(link.label for link in occupations if link.label not in parts)
    if not parts:
        parts = ["emploi"]
    if view.skills:
        parts.append(", ".join(view.skills))
    return ". ".join(parts)
