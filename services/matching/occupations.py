"""Ties offers and people to the ROME: the linker at ingest and on save, the taxonomy's structure.

One linker per process (its indexes take a minute or two to build cold, a few seconds from the vector
cache), shared by every matching service built in that process.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from pathlib import Path

from services.matching.domain.occupations import OccupationLink
from services.matching.linking import OccupationLinker
from services.matching.linking.dense import CachedEncoder, make_encoder
from services.matching.linking.taxonomy import load
from services.offers.schemas import OfferPublic
from services.profiles.schemas import MatchingView

log = logging.getLogger("maillage.occupations")

# Below this confidence a link is a guess: it is not used for ranking (the semantic term still is).
MIN_CONFIDENCE = 0.45


@functools.lru_cache(maxsize=4)
def shared_linker(kind: str, cache_dir: str) -> OccupationLinker | None:
    """`use`: char n-grams + multilingual USE (the measured default); `lexical`: char n-grams only, fast
    to build; `none`: no linking (only codes given by employers and référents count)."""
    if kind == "none":
        return None
    encoder = (
        None
        if kind == "lexical"
        else CachedEncoder(make_encoder(kind), Path(cache_dir) if cache_dir else None)
    )
    return OccupationLinker(encoder=encoder)


class OccupationResolver:
    def __init__(self, linker: OccupationLinker | None) -> None:
        self._linker = linker
        taxonomy = load()
        self.family_of = {code: fiche.parent_code for code, fiche in taxonomy.fiches.items()}
        self.neighbours_of = taxonomy.neighbours
        self._fiche_label = {code: fiche.label for code, fiche in taxonomy.fiches.items()}
        self._appellations = {a.code_ogr: a for a in taxonomy.appellations}

    def warm_up(self) -> None:
        if self._linker is not None:
            log.info("building the occupation index (first start: a minute or two; cached afterwards)")
            self._linker.build()

    def for_offers(self, offers: Sequence[OfferPublic]) -> list[OccupationLink | None]:
        """Codes given by the employer win; otherwise the title is linked (batched)."""
        to_link = [o.title for o in offers if not o.rome_code and not o.appellation_code]
        linked = dict(zip(to_link, self._link_titles(to_link), strict=True))
        out: list[OccupationLink | None] = []
        for offer in offers:
            given = self._given(
                offer.title, offer.appellation_code, offer.rome_code, "code donné par l'employeur"
            )
            out.append(given or linked.get(offer.title))
        return out

    def for_person(self, view: MatchingView) -> tuple[OccupationLink, ...]:
        links: list[OccupationLink] = []
        for code in view.appellation_codes:
            given = self._given(code, code, None, "appellation choisie par le référent")
            if given is not None:
                links.append(given)
        links.extend(link for link in self._link_titles(view.target_jobs) if link is not None)
        return tuple(links)

    def _given(
        self, text: str, appellation_code: str | None, rome_code: str | None, how: str
    ) -> OccupationLink | None:
        appellation = self._appellations.get(appellation_code or "")
        if appellation is not None:
            return OccupationLink(
                appellation.label if text == appellation_code else text,
                appellation.code_rome,
                appellation.code_ogr,
                appellation.label,
                1.0,
                how,
            )
        if rome_code and rome_code in self._fiche_label:
            return OccupationLink(text, rome_code, None, self._fiche_label[rome_code], 1.0, how)
        return None

    def _link_titles(self, titles: Sequence[str]) -> list[OccupationLink | None]:
        if self._linker is None or not titles:
            return [None] * len(titles)
        results = self._linker.link_many(list(titles), top=1, systems=("rome_appellation",))
        links: list[OccupationLink | None] = []
        for title, matches in zip(titles, results, strict=True):
            best = matches[0] if matches else None
            if best is None or best.rome_code is None or best.confidence < MIN_CONFIDENCE:
                links.append(None)
                continue
            links.append(
                OccupationLink(title, best.rome_code, best.code, best.label, best.confidence, best.how)
            )
        return links
