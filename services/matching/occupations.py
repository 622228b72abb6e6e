"""Ties offers and people to the ROME: the linker at ingest and on save, the taxonomy's structure.

One linker per process (its indexes take a minute or two to build cold, a few seconds from the vector
cache), shared by every matching service built in that process.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from contracts.offers import OfferPublic
from contracts.profiles import MatchingView
from services.matching.domain.occupations import FROM_SKILLS, OccupationLink
from services.matching.domain.skills import SkillsProfile
from services.matching.linking import OccupationLinker, OccupationMatch
from services.matching.linking.crosswalk import same_wordings
from services.matching.linking.dense import DiskCachedLabelEncoder, make_label_encoder
from services.matching.linking.normalize import clean, head_forms, key, word_count
from services.matching.linking.ranking import FloatArray
from services.matching.linking.skills import SkillLinker
from services.matching.linking.taxonomy import RomeAppellation, isco_code_of, load

log = logging.getLogger("maillage.occupations")

# Below this confidence a link is a guess: it is not used for ranking (the semantic term still is).
MIN_CONFIDENCE = 0.45
# A title ESCO recognises this surely, when the ROME side is less sure of it, takes the ROME appellation
# worded as one of that ESCO occupation's labels: "employé de banque" is ESCO's synonym of "guichetier de
# banque", a ROME appellation, where the ROME side alone only finds "juriste de banque" (0.47).
SAME_WORDING_MIN, SAME_WORDING_MARGIN = 0.9, 0.1
SAME_WORDING = "synonyme ESCO d'une appellation"
# A title no referential places, whose head is an appellation word for word ("Tôlier industriel" →
# "Tôlier"), links to it, less surely than the whole title would.
HEAD_CONFIDENCE = 0.75
IDENTICAL = ("intitulé identique", "usage courant")
# An offer's own skill wording counts as a referential competence from this fused similarity.
MIN_SKILL_LINK = 0.5
# Fiches inferred from skills: at most this many, each within RELATIVE of the best, above MINIMUM; their
# links are as sure as INFERRED (scaled by their score relative to the best), less when the person also
# has target jobs, which say more than skills about what they want to do.
INFERRED_TOP, INFERRED_RELATIVE, INFERRED_MINIMUM = 4, 0.6, 0.08
INFERRED_ALONE, INFERRED_BESIDE_TARGETS = 0.85, 0.6


@functools.lru_cache(maxsize=4)
def _linking_encoder(kind: str, cache_dir: str) -> DiskCachedLabelEncoder | None:
    if kind in ("none", "lexical"):
        return None
    return DiskCachedLabelEncoder(make_label_encoder(kind), Path(cache_dir) if cache_dir else None)


@functools.lru_cache(maxsize=4)
def shared_linker(kind: str, cache_dir: str) -> OccupationLinker | None:
    """`use`: char n-grams + multilingual USE (the measured default); `lexical`: char n-grams only, fast
    to build; `none`: no linking (only codes given by employers and référents count)."""
    if kind == "none":
        return None
    return OccupationLinker(encoder=_linking_encoder(kind, cache_dir))


@functools.lru_cache(maxsize=4)
def shared_skill_linker(kind: str, cache_dir: str) -> SkillLinker | None:
    """Skills against the ROME referential, with the same encoder as the occupation linker."""
    if kind == "none":
        return None
    return SkillLinker(_linking_encoder(kind, cache_dir))


class OccupationResolver:
    def __init__(
        self,
        linker: OccupationLinker | None,
        skills: SkillLinker | None = None,
        index_vectors_serve_linking: bool = False,
    ) -> None:
        """`index_vectors_serve_linking`: the offer index's encoder is the linker's own model (the
        composition root knows), so the title vectors it computes can be lent to linking."""
        self._linker = linker
        self._skills = skills
        self.index_vectors_serve_linking = index_vectors_serve_linking and linker is not None
        taxonomy = load()
        self.family_of = {code: fiche.parent_code for code, fiche in taxonomy.fiches.items()}
        self.neighbours_of = taxonomy.neighbours
        self._fiche_label = {code: fiche.label for code, fiche in taxonomy.fiches.items()}
        self._appellations = {a.code_ogr: a for a in taxonomy.appellations}

    @functools.cached_property
    def _same_wordings(self) -> dict[str, tuple[RomeAppellation, str]]:
        return same_wordings(load())

    @property
    def linker(self) -> OccupationLinker | None:
        return self._linker

    @property
    def skill_linker(self) -> SkillLinker | None:
        return self._skills

    def warm_up(self) -> None:
        if self._linker is not None:
            log.info("building the occupation index (first start: a minute or two; cached afterwards)")
            self._linker.build()
            self._same_wordings  # noqa: B018 (read once here, ~1 s, rather than inside a request)
        if self._skills is not None:
            log.info("building the skills index (first start: a minute or two; cached afterwards)")
            self._skills.build()

    def linking_forms(self, titles: Sequence[str]) -> list[str]:
        """Each title as the linker reads it (typos corrected); the titles themselves without a linker."""
        if self._linker is None:
            return list(titles)
        return [self._linker.linking_form(t) for t in titles]

    def lend_title_vectors(self, forms: Sequence[str], vectors: FloatArray) -> None:
        """Vectors of `linking_forms`, encoded by the index with the linker's own model: linking reuses
        them instead of encoding the titles a second time."""
        if self._linker is not None and self.index_vectors_serve_linking:
            self._linker.remember_vectors(forms, vectors)

    def for_offers(self, offers: Sequence[OfferPublic]) -> list[OccupationLink | None]:
        """Codes given by the employer win for the ROME; every title is linked (batched), for the ROME
        when no code was given and for ESCO always."""
        titles = list(dict.fromkeys(o.title for o in offers))
        linked = dict(zip(titles, self._link_titles(titles), strict=True))
        out: list[OccupationLink | None] = []
        for offer in offers:
            link = linked.get(offer.title)
            given = self._given(
                offer.title,
                offer.appellation_code,
                offer.rome_code,
                offer.rome_source or "code donné par l'employeur",
            )
            if given is not None and link is not None:
                given = replace(
                    given,
                    esco_uri=link.esco_uri,
                    isco_group=link.isco_group,
                    esco_confidence=link.esco_confidence,
                )
            out.append(given or link)
        return out

    def for_person(self, view: MatchingView) -> tuple[OccupationLink, ...]:
        """The person's métiers: appellations chosen by the référent (they win over linking the same
        wording), target jobs linked, then the fiches their skills point to."""
        links: list[OccupationLink] = []
        chosen: set[str] = set()
        for code in view.appellation_codes:
            given = self._given(code, code, None, "appellation choisie par le référent")
            if given is not None:
                links.append(given)
                chosen.add(key(given.label))
        targets = [t for t in view.target_jobs if key(t) not in chosen]
        links.extend(link for link in self._link_titles(targets) if link is not None)
        links.extend(self._inferred(view.skills, beside_targets=bool(links)))
        return tuple(links)

    def skills_profile(self, skills: Sequence[str]) -> SkillsProfile | None:
        if self._skills is None or not skills:
            return None
        return self._skills.profile(skills)

    def offer_skill_codes(self, skills: Sequence[str], rome_code: str | None) -> tuple[str, ...]:
        """The referential competences an offer asks for: its own skills linked, or its fiche's core."""
        if self._skills is None:
            return ()
        codes = self._skills.codes_of(skills, MIN_SKILL_LINK) if skills else ()
        if not codes and rome_code:
            codes = self._skills.view.core_skills(rome_code)
        return codes

    def _inferred(self, skills: Sequence[str], beside_targets: bool) -> list[OccupationLink]:
        profile = self.skills_profile(skills)
        if profile is None:
            return []
        inferred = profile.inferred_fiches(INFERRED_TOP, INFERRED_RELATIVE, INFERRED_MINIMUM)
        if not inferred:
            return []
        sure = INFERRED_BESIDE_TARGETS if beside_targets else INFERRED_ALONE
        best = inferred[0].score
        links = []
        for fiche in inferred:
            supports = ", ".join(f"« {wording} »" for wording, _ in fiche.supports[:3])
            links.append(
                OccupationLink(
                    supports or "compétences",
                    fiche.rome_code,
                    None,
                    self._fiche_label.get(fiche.rome_code, fiche.rome_code),
                    round(sure * fiche.score / best, 4),
                    f"{FROM_SKILLS} ({fiche.score:.2f})",
                )
            )
        return links

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
        """Each title's best ROME appellation, with its best ESCO occupation beside it."""
        if self._linker is None or not titles:
            return [None] * len(titles)
        results = self._linker.link_many(list(titles), top=1, systems=("rome_appellation", "esco"))
        links: list[OccupationLink | None] = []
        for title, matches in zip(titles, results, strict=True):
            rome = next((m for m in matches if m.system == "rome_appellation"), None)
            esco = next((m for m in matches if m.system == "esco"), None)
            if esco is not None and esco.confidence < MIN_CONFIDENCE:
                esco = None
            if esco is not None:
                rome = self._through_esco(esco, rome)
            if rome is None or rome.rome_code is None or rome.confidence < MIN_CONFIDENCE:
                links.append(None if esco is None else self._esco_only(title, esco.code, esco.confidence))
                continue
            links.append(_link_of(title, rome, rome.rome_code, esco))
        return self._by_head(titles, links)

    def _by_head(
        self, titles: Sequence[str], links: list[OccupationLink | None]
    ) -> list[OccupationLink | None]:
        """Titles no referential places take the appellation their head is worded as (`head_forms`). A
        title ESCO recognises as a whole keeps that ("géologue environnementaliste" is not "géologue")."""
        assert self._linker is not None
        unplaced = {
            title: head_forms(title)
            for title, link in zip(titles, links, strict=True)
            if link is None or not (link.rome_code or link.esco_confidence >= SAME_WORDING_MIN)
        }
        forms = list(dict.fromkeys(f for fs in unplaced.values() for f in fs))
        if not forms:
            return links
        matched = dict(
            zip(
                forms, self._linker.link_many(forms, top=1, systems=("rome_appellation", "esco")), strict=True
            )
        )
        out = list(links)
        for i, title in enumerate(titles):
            for form in unplaced.get(title, ()):
                rome = next((m for m in matched[form] if m.system == "rome_appellation"), None)
                if rome is None or not rome.rome_code or not rome.how.startswith(IDENTICAL):
                    continue
                if word_count(rome.matched_label) != len(form.split()):  # the same key, not the same words
                    continue
                esco = next(
                    (m for m in matched[form] if m.system == "esco" and m.confidence >= SAME_WORDING_MIN),
                    None,
                )
                dropped = clean(title)[len(form) :].strip()
                by_head = replace(
                    rome, confidence=HEAD_CONFIDENCE, how=f"intitulé reconnu sans « {dropped} »"
                )
                surely = replace(esco, confidence=HEAD_CONFIDENCE) if esco else None
                out[i] = _link_of(title, by_head, rome.rome_code, surely)
                break
        return out

    def _through_esco(self, esco: OccupationMatch, rome: OccupationMatch | None) -> OccupationMatch | None:
        """The ROME match, or the appellation ESCO's sure match shares a wording with when the ROME side
        is markedly less sure (SAME_WORDING_MIN, SAME_WORDING_MARGIN)."""
        surer = rome is None or rome.confidence + SAME_WORDING_MARGIN <= esco.confidence
        if esco.confidence < SAME_WORDING_MIN or not surer:
            return rome
        same = self._same_wordings.get(esco.code)
        if same is None:
            return rome
        appellation, wording = same
        if rome is not None and rome.rome_code == appellation.code_rome:
            return rome
        return OccupationMatch(
            appellation.code_ogr,
            appellation.label,
            "rome_appellation",
            appellation.code_rome,
            None,
            esco.confidence,
            f"{SAME_WORDING} (« {wording} »)",
            wording,
        )

    @staticmethod
    def _esco_only(title: str, uri: str, confidence: float) -> OccupationLink:
        """A title the ROME side cannot place but ESCO can: no ROME code, the ESCO identity only."""
        return OccupationLink(
            title, "", None, title, 0.0, "ESCO seulement", uri, isco_code_of(uri), confidence
        )


def _link_of(
    title: str, rome: OccupationMatch, rome_code: str, esco: OccupationMatch | None
) -> OccupationLink:
    """A title's link: its ROME appellation (`rome_code` is the appellation's fiche), its ESCO occupation
    beside it when there is one."""
    return OccupationLink(
        title,
        rome_code,
        rome.code,
        rome.label,
        rome.confidence,
        rome.how,
        esco_uri=esco.code if esco else None,
        isco_group=isco_code_of(esco.code) if esco else None,
        esco_confidence=esco.confidence if esco else 0.0,
    )
