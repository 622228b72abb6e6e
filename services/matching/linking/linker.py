"""`OccupationLinker`: a free-text French job title → ROME 4.0 appellations and fiches, ESCO occupations.

The same `LabelScorer` and `ConceptStructure` as the evaluation (`ranking.rank_labels`), over the shipped
taxonomies: ROME appellations grouped by fiche (the fiche's own label counts as one more appellation),
and ESCO occupations (preferred and alternative labels grouped by URI, ISCO groups as classes that
lend part of their score to their occupations). Indexes are built on first use, once per linker.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from services.matching.linking.dense import DiskCachedLabelEncoder, LabelEncoder, make_label_encoder
from services.matching.linking.normalize import key
from services.matching.linking.ranking import (
    ConceptStructure,
    FloatArray,
    LabelScorer,
    Timings,
    Weights,
    top_indices,
)
from services.matching.linking.spelling import Speller
from services.matching.linking.taxonomy import EscoOccupation, RomeAppellation, Taxonomies, load

System = Literal["rome_appellation", "rome_fiche", "esco"]
SYSTEMS: tuple[System, ...] = ("rome_appellation", "rome_fiche", "esco")

# Texts whose scores a side keeps (and scores per batch), ~115 KB each over both sides (a fused and a lexical
# row per label): 128 are ~29 MB a process (256: 58 MB, issue 17). `_links` keeps the answers themselves.
_SCORED_KEPT = 128
_LINKS_KEPT = 4096

# Fused scores of a right answer mostly lie between ~0.45 and 1; below ~0.25 it is noise.
_FLOOR, _SPAN = 0.25, 0.7


@dataclass(frozen=True)
class OccupationMatch:
    code: str  # OGR code of an appellation, ROME code of a fiche, or ESCO URI
    label: str
    system: System
    rome_code: str | None  # the ROME fiche of an appellation or fiche
    rome_parent_code: str | None  # ROME 4.0 groups some fiches under a parent fiche (K2205 → K2204)
    confidence: float  # in [0, 1]; 1 means the normalised wording is identical
    how: str  # why, in French: "intitulé identique", "synonyme ESCO", "proximité sémantique"…
    matched_label: str  # the label that matched best (an appellation, an alternative ESCO label…)


# A title that matched only once its typos were corrected is a little less sure than one typed right.
_CORRECTED_CONFIDENCE = 0.95


def _corrected(match: OccupationMatch) -> OccupationMatch:
    return replace(
        match,
        confidence=min(match.confidence, _CORRECTED_CONFIDENCE),
        how=f"{match.how}, orthographe corrigée",
    )


def confidence_of(score: float, identical: bool) -> float:
    if identical:
        return 1.0
    return float(min(0.99, max(0.0, (score - _FLOOR) / _SPAN)))


class _Side:
    """One taxonomy's labels, indexed: texts, their concept, and the concept structure."""

    def __init__(
        self,
        ids: list[str],
        texts: list[str],
        groups: dict[str, str],
        encoder: LabelEncoder | None,
        t: Timings,
        weights: Weights = Weights(),
    ) -> None:
        self.ids, self.texts = ids, texts
        self.scorer = LabelScorer(texts, encoder, weights, t)
        self.structure = ConceptStructure(ids, groups)
        self.keys = [key(x) for x in texts]
        self.labels_by_key: dict[str, list[int]] = {}
        for i, label_key in enumerate(self.keys):
            self.labels_by_key.setdefault(label_key, []).append(i)
        # Recently scored texts (one row of fused and one of lexical scores each, ~100 KB for the ROME):
        # a batch of offers is scored at once (`prime`), then linked one by one from here.
        self._cache: OrderedDict[str, tuple[FloatArray, FloatArray | None]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def lexical(self, text: str, fused: FloatArray) -> FloatArray:
        """The char TF-IDF cosine alone: above the fused score means the words, not the meaning, matched."""
        lexical = self._scored(text)[1]
        return lexical[0] if lexical is not None else fused

    def scores(self, text: str) -> FloatArray:
        """Fused scores of `text` against every label, shape (1, labels) (read-only: shared)."""
        return self._scored(text)[0]

    def prime(self, texts: Sequence[str]) -> None:
        """Score the texts not seen recently in one batch, so that `scores` and `lexical` find them."""
        with self._cache_lock:
            fresh = [t for t in dict.fromkeys(texts) if t not in self._cache]
        for start in range(0, len(fresh), _SCORED_KEPT):
            chunk = fresh[start : start + _SCORED_KEPT]
            fused, lexical = self.scorer.score_with_lexical(chunk)
            for i, text in enumerate(chunk):
                # Copies: a view would keep the whole chunk's matrix alive for as long as one row is kept.
                row = fused[i : i + 1].copy()
                self._keep(text, row, None if lexical is None else lexical[i : i + 1].copy())

    def _scored(self, text: str) -> tuple[FloatArray, FloatArray | None]:
        with self._cache_lock:
            kept = self._cache.get(text)
            if kept is not None:
                self._cache.move_to_end(text)
                return kept
        fused, lexical = self.scorer.score_with_lexical([text])
        return self._keep(text, fused, lexical)

    def _keep(
        self, text: str, fused: FloatArray, lexical: FloatArray | None
    ) -> tuple[FloatArray, FloatArray | None]:
        for row in (fused, lexical):
            if row is not None:
                row.setflags(write=False)
        with self._cache_lock:
            self._cache[text] = (fused, lexical)
            self._cache.move_to_end(text)
            while len(self._cache) > _SCORED_KEPT:
                self._cache.popitem(last=False)
        return fused, lexical

    def best(self, text: str, top: int) -> list[tuple[int, int, float, bool, bool]]:
        """(concept, best label, concept score, identical wording, lexical evidence) best first."""
        scores: FloatArray = self.scores(text)
        lexical = self.lexical(text, scores[0])
        concept = self.structure.concept_scores(scores)[0]
        wanted = key(text)
        out = []
        for g in top_indices(concept, top * 3):
            if self.structure.is_class[g]:
                continue
            labels = self.structure.members[g]
            j = int(labels[np.argmax(scores[0, labels])])
            identical = any(self.keys[i] == wanted for i in labels.tolist()) and bool(wanted)
            if identical:
                j = next(i for i in labels.tolist() if self.keys[i] == wanted)
            out.append((int(g), j, float(concept[g]), identical, bool(lexical[j] >= scores[0, j])))
            if len(out) >= top:
                break
        return out


class OccupationLinker:
    """Links job titles to ROME appellations and fiches and to ESCO occupations, with a confidence.

    Thread-safe; build it once per process (indexes take ~2 min cold with the USE encoder on 2 cores,
    a second with a warm MAILLAGE_LINKING_CACHE) and call `link` for offer titles at ingest and
    profile target jobs on save.
    """

    def __init__(
        self,
        encoder: LabelEncoder | str | None = "use",
        taxonomies: Taxonomies | None = None,
        weights: Weights | None = None,
    ) -> None:
        if isinstance(encoder, str):
            encoder = DiskCachedLabelEncoder(make_label_encoder(encoder))
        self._encoder = encoder
        self._taxonomies = taxonomies
        self._weights = weights or Weights()
        self._lock = threading.Lock()
        self._rome: _Side | None = None
        self._esco: _Side | None = None
        self._speller: Speller | None = None
        self._appellations: dict[str, RomeAppellation] = {}
        self._esco_by_uri: dict[str, EscoOccupation] = {}
        self.timings = Timings()
        # Titles linked recently: offers and target jobs repeat the same few thousand wordings.
        self._links: OrderedDict[tuple[str, int, tuple[System, ...]], tuple[OccupationMatch, ...]] = (
            OrderedDict()
        )
        self._links_lock = threading.Lock()

    def build(self) -> None:
        """Build the indexes now rather than on the first `link` call."""
        with self._lock:
            if self._rome is not None:
                return
            started = time.perf_counter()
            tax = self._taxonomies or load()
            self._taxonomies = tax
            self._appellations = {a.code_ogr: a for a in tax.appellations}
            self._esco_by_uri = {o.uri: o for o in tax.esco}
            r_ids, r_texts, r_groups = [], [], {}
            for a in tax.appellations:
                r_ids.append(f"a:{a.code_ogr}")
                r_texts.append(a.label)
                r_groups[f"a:{a.code_ogr}"] = a.code_rome
            for f in tax.fiches.values():
                r_ids.append(f"f:{f.code_rome}")
                r_texts.append(f.label)
                r_groups[f"f:{f.code_rome}"] = f.code_rome
            for n, (alias, code_ogr) in enumerate(tax.aliases):
                target = self._appellations.get(code_ogr)
                if target is not None:  # a curated usual wording counts as one more label of its fiche
                    r_ids.append(f"x:{code_ogr}:{n}")
                    r_texts.append(alias)
                    r_groups[f"x:{code_ogr}:{n}"] = target.code_rome
            e_ids, e_texts, e_groups = [], [], {}
            for o in tax.esco:
                for n, label in enumerate(dict.fromkeys((o.preferred_label, *o.alt_labels))):
                    e_ids.append(f"{o.uri}#{n}")
                    e_texts.append(label)
                    e_groups[f"{o.uri}#{n}"] = o.uri
            for code, label in tax.isco_labels.items():
                uri = f"http://data.europa.eu/esco/isco/C{code}"
                e_ids.append(uri)
                e_texts.append(label)
                e_groups[uri] = uri
            self._speller = Speller([*r_texts, *e_texts])
            self._rome = _Side(r_ids, r_texts, r_groups, self._encoder, self.timings, self._weights)
            self._esco = _Side(e_ids, e_texts, e_groups, self._encoder, self.timings, self._weights)
            self.timings.add("build", started)

    def linking_form(self, text: str) -> str:
        """The wording that is scored for `text`: its typos corrected against the referentials' words."""
        self.build()
        return self._speller.correct(text) if self._speller is not None else text

    def remember_vectors(self, forms: Sequence[str], vectors: FloatArray) -> None:
        """Vectors of `linking_form` texts, computed elsewhere by this linker's own model: the offer index
        encodes each title once and lends the vector to linking (one encoder pass per title)."""
        if isinstance(self._encoder, DiskCachedLabelEncoder):  # one without memory would encode again
            self._encoder.remember_queries(forms, vectors)

    def link(self, text: str, top: int = 5, systems: tuple[System, ...] = SYSTEMS) -> list[OccupationMatch]:
        """Up to `top` matches for each requested system, in the order of `systems`, best first."""
        if not text or not text.strip():
            return []
        request = (text, top, systems)
        with self._links_lock:
            known = self._links.get(request)
            if known is not None:
                self._links.move_to_end(request)
                return list(known)
        corrected = self.linking_form(text)
        matches = self._link(corrected, top, systems)
        if corrected != text:
            matches = tuple(_corrected(m) for m in matches)
        with self._links_lock:
            self._links[request] = matches
            while len(self._links) > _LINKS_KEPT:
                self._links.popitem(last=False)
        return list(matches)

    def link_many(
        self, texts: Sequence[str], top: int = 5, systems: tuple[System, ...] = SYSTEMS
    ) -> list[list[OccupationMatch]]:
        """`link` for a batch: texts not linked recently are encoded and scored together, one matrix
        product per chunk instead of one per text (~15x cheaper per title at ingest)."""
        self.build()
        assert self._rome is not None and self._esco is not None
        with self._links_lock:
            fresh = [
                t for t in dict.fromkeys(texts) if t and t.strip() and (t, top, systems) not in self._links
            ]
        sides = {self._esco if system == "esco" else self._rome for system in systems}
        # The texts as typed, grouped by their corrected form (what is scored): each chunk of corrected
        # forms is scored together, then the typed texts behind it are linked while their scores are kept.
        typed_by_corrected: dict[str, list[str]] = {}
        for text in fresh:
            typed_by_corrected.setdefault(self.linking_form(text), []).append(text)
        corrected_forms = list(typed_by_corrected)
        for start in range(0, len(corrected_forms), _SCORED_KEPT):
            chunk = corrected_forms[start : start + _SCORED_KEPT]
            if self._encoder is not None:
                self._encoder.encode_queries(chunk)
            for side in sides:
                side.prime(chunk)
            for corrected in chunk:
                for text in typed_by_corrected[corrected]:
                    self.link(text, top, systems)
        return [self.link(t, top, systems) for t in texts]

    def _link(self, text: str, top: int, systems: tuple[System, ...]) -> tuple[OccupationMatch, ...]:
        self.build()
        out: list[OccupationMatch] = []
        for system in systems:
            if system == "esco":
                out.extend(self._esco_matches(text, top))
            elif system == "rome_fiche":
                out.extend(self._fiche_matches(text, top))
            else:
                out.extend(self._appellation_matches(text, top))
        return tuple(out)

    def _esco_matches(self, text: str, top: int) -> list[OccupationMatch]:
        assert self._esco is not None
        side, out = self._esco, []
        for g, j, score, identical, lexical in side.best(text, top):
            uri = side.structure.names[g]
            occupation = self._esco_by_uri[uri]
            matched = side.texts[j]
            if identical:
                how = "intitulé identique" if matched == occupation.preferred_label else "synonyme ESCO"
            else:
                how = "proximité lexicale" if lexical else "proximité sémantique"
            out.append(
                OccupationMatch(
                    uri,
                    occupation.preferred_label,
                    "esco",
                    None,
                    None,
                    confidence_of(score, identical),
                    how,
                    matched,
                )
            )
        return out

    def _fiche_matches(self, text: str, top: int) -> list[OccupationMatch]:
        assert self._rome is not None and self._taxonomies is not None
        side, fiches, out = self._rome, self._taxonomies.fiches, []
        for g, j, score, identical, lexical in side.best(text, top):
            code = side.structure.names[g]
            fiche = fiches.get(code)
            if identical and side.ids[j].startswith("x:"):
                how = "usage courant"
            elif identical:
                how = "intitulé identique" if side.ids[j].startswith("f:") else "appellation de la fiche"
            else:
                how = "proximité lexicale" if lexical else "proximité sémantique"
            out.append(
                OccupationMatch(
                    code,
                    fiche.label if fiche else code,
                    "rome_fiche",
                    code,
                    fiche.parent_code if fiche else None,
                    confidence_of(score, identical),
                    how,
                    side.texts[j],
                )
            )
        return out

    def _appellation_matches(self, text: str, top: int) -> list[OccupationMatch]:
        """The appellations' labels themselves (a curated usual wording stands for its appellation)."""
        assert self._rome is not None and self._taxonomies is not None
        side, fiches, out = self._rome, self._taxonomies.fiches, []
        scores = side.scores(text)[0]
        lexical_scores = side.lexical(text, scores)
        wanted = key(text)
        exact = [i for i in side.labels_by_key.get(wanted, ()) if not side.ids[i].startswith("f:")]
        picks = [int(i) for i in top_indices(scores, top * 4) if not side.ids[i].startswith("f:")]
        seen: set[str] = set()
        for i in dict.fromkeys([*exact, *picks]):
            code_ogr = side.ids[i].split(":")[1]
            if code_ogr in seen:
                continue
            seen.add(code_ogr)
            a = self._appellations[code_ogr]
            identical = side.keys[i] == wanted
            if identical:
                how = "usage courant" if side.ids[i].startswith("x:") else "intitulé identique"
            else:
                how = "proximité lexicale" if lexical_scores[i] >= scores[i] else "proximité sémantique"
            fiche = fiches.get(a.code_rome)
            out.append(
                OccupationMatch(
                    a.code_ogr,
                    a.label,
                    "rome_appellation",
                    a.code_rome,
                    fiche.parent_code if fiche else None,
                    confidence_of(float(scores[i]), identical),
                    how,
                    side.texts[i],
                )
            )
            if len(seen) >= top:
                break
        return out

    def neighbours(self, code_rome: str) -> tuple[str, ...]:
        """Neighbouring ROME fiches (the ROME's mobility links), best first."""
        tax = self._taxonomies or load()
        return tax.neighbours.get(code_rome, ())
