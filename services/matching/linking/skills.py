"""Skill wording → the ROME's competences and knowledge, and what a person's skills say about their métiers.

A référent writes "nettoyage des locaux", an assessment lists "nettoyer des surfaces" (ESCO's wording), an
employer asks for "Entretenir des locaux" (the ROME's): the same competence three ways. Every wording is
scored against the ~30,000 savoir-faire, savoir-être and savoirs that the ROME 4.0 fiches ask for, with the
occupation linker's fused scorer (character n-gram TF-IDF + the multilingual sentence encoder), so
skills meet at the level of the referential — same competence, same macro-competence, close meaning — and
never by string equality.

The extracts read here (`data/rome_competences.csv`, `data/rome_fiche_competences.csv`) come from ROME
4.0 v460 (Licence Ouverte 2.0); `scripts/vendor_rome_skills.py` derives them.
"""

from __future__ import annotations

import csv
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from services.matching.domain.skills import Competence, SkillReferentialView, SkillsProfile
from services.matching.linking.dense import LabelEncoder
from services.matching.linking.linker import confidence_of
from services.matching.linking.normalize import key
from services.matching.linking.ranking import FloatArray, LabelScorer, Timings
from services.matching.linking.taxonomy import DATA_DIR


@dataclass(frozen=True)
class SkillMatch:
    competence: Competence
    confidence: float  # in [0, 1]; 1 means the normalised wording is identical


_PROFILES_KEPT = 2048  # people's skill lists and offers' skill lists repeat; each profile is ~120 KB
_ROWS_KEPT = 4096


@dataclass(frozen=True)
class SkillReferential:
    competences: tuple[Competence, ...]
    fiche_links: dict[str, tuple[tuple[int, bool], ...]]  # ROME code → (competence index, core) pairs


@lru_cache(maxsize=1)
def load_referential() -> SkillReferential:
    with (DATA_DIR / "rome_competences.csv").open(encoding="utf-8", newline="") as f:
        competences = tuple(
            Competence(r["code_ogr"], r["kind"], r["label"], r["group"] or r["code_ogr"])
            for r in csv.DictReader(f)
        )
    index = {c.code: i for i, c in enumerate(competences)}
    links: dict[str, list[tuple[int, bool]]] = {}
    with (DATA_DIR / "rome_fiche_competences.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            links.setdefault(r["code_rome"], []).append((index[r["code_ogr"]], r["core"] == "1"))
    return SkillReferential(competences, {code: tuple(pairs) for code, pairs in links.items()})


class SkillLinker:
    """Scores skill wordings against the ROME referential; thread-safe, built once per process."""

    def __init__(self, encoder: LabelEncoder | None, referential: SkillReferential | None = None) -> None:
        self._encoder = encoder
        self._referential = referential
        self._view: SkillReferentialView | None = None
        self._scorer: LabelScorer | None = None
        self._lock = threading.Lock()
        self._rows: OrderedDict[str, FloatArray] = OrderedDict()
        self._profiles: OrderedDict[tuple[str, ...], SkillsProfile] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.timings = Timings()

    def build(self) -> None:
        with self._lock:
            if self._scorer is not None:
                return
            referential = self._referential or load_referential()
            self._view = _view_of(referential)
            labels = [c.label for c in referential.competences]
            self._scorer = LabelScorer(labels, self._encoder, timings=self.timings)

    @property
    def view(self) -> SkillReferentialView:
        self.build()
        assert self._view is not None
        return self._view

    def similarities(self, texts: Sequence[str]) -> FloatArray:
        """(len(texts), competences) fused scores in [0, 1]; rows of recent texts are reused."""
        self.build()
        assert self._scorer is not None
        with self._cache_lock:
            fresh = [t for t in dict.fromkeys(texts) if t not in self._rows]
        if fresh:
            scored = self._scorer.score(fresh)
            with self._cache_lock:
                for i, text in enumerate(fresh):
                    row = scored[i].copy()
                    row.setflags(write=False)
                    self._rows[text] = row
                while len(self._rows) > _ROWS_KEPT:
                    self._rows.popitem(last=False)
        with self._cache_lock:
            rows = [self._rows.get(t) for t in texts]
        if any(r is None for r in rows):  # evicted meanwhile by another thread
            return self._scorer.score(list(texts))
        return np.stack([r for r in rows if r is not None]) if rows else np.zeros((0, 0), np.float32)

    def profile(self, skills: Sequence[str]) -> SkillsProfile:
        """What the person's skills reach in the referential (memoised by the exact list)."""
        wanted = tuple(s for s in skills if s and s.strip())
        with self._cache_lock:
            known = self._profiles.get(wanted)
            if known is not None:
                self._profiles.move_to_end(wanted)
                return known
        profile = SkillsProfile.from_similarities(wanted, self.similarities(wanted), self.view)
        with self._cache_lock:
            self._profiles[wanted] = profile
            while len(self._profiles) > _PROFILES_KEPT:
                self._profiles.popitem(last=False)
        return profile

    def link(self, text: str, top: int = 3) -> list[SkillMatch]:
        """The competences (or knowledge) a wording stands for, best first, with a confidence."""
        if not text.strip():
            return []
        view = self.view
        row = self.similarities([text])[0]
        wanted = key(text)
        out = []
        for j in np.argsort(-row, kind="stable")[:top].tolist():
            competence = view.competences[j]
            identical = key(competence.label) == wanted
            out.append(SkillMatch(competence, 1.0 if identical else confidence_of(float(row[j]), False)))
        return out

    def codes_of(self, texts: Sequence[str], min_confidence: float) -> tuple[str, ...]:
        """The competence each wording links to best, when the link is confident enough."""
        if not texts:
            return ()
        view = self.view
        rows = self.similarities(texts)
        out: list[str] = []
        for row in rows:
            j = int(np.argmax(row))
            if float(row[j]) >= min_confidence:
                out.append(view.competences[j].code)
        return tuple(dict.fromkeys(out))


def _view_of(referential: SkillReferential) -> SkillReferentialView:
    """Arrays for vectorised inference: links sorted by fiche, each weighted by its specificity."""
    n_fiches = len(referential.fiche_links)
    frequency = np.zeros(len(referential.competences), dtype=np.float64)
    for pairs in referential.fiche_links.values():
        for i, _ in pairs:
            frequency[i] += 1
    fiches = sorted(referential.fiche_links)
    items: list[int] = []
    cores: list[bool] = []
    starts: list[int] = []
    for code in fiches:
        starts.append(len(items))
        for i, core in referential.fiche_links[code]:
            items.append(i)
            cores.append(core)
    # A competence asked by few fiches says more about the métier than one asked by hundreds
    # ("Accueillir une clientèle"): inverse fiche frequency scaled to [0, 1], softened by a square root
    # (measured: the plain ratio over-weights rare wordings).
    idf = np.log1p(n_fiches / np.maximum(frequency, 1.0))
    specificity = np.sqrt(idf / math.log1p(n_fiches)).astype(np.float32)
    return SkillReferentialView(
        competences=referential.competences,
        fiches=tuple(fiches),
        link_items=np.asarray(items, dtype=np.int64),
        link_core=np.asarray(cores, dtype=bool),
        fiche_starts=np.asarray(starts, dtype=np.int64),
        specificity=specificity,
    )
