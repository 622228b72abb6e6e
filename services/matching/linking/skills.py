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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from services.matching.domain.skills import Competence, SkillReferentialView, SkillsProfile
from services.matching.linking.dense import LabelEncoder
from services.matching.linking.linker import confidence_of
from services.matching.linking.memo import ByteBudgetMemo
from services.matching.linking.normalize import key
from services.matching.linking.ranking import FloatArray, LabelScorer, Timings
from services.matching.linking.taxonomy import DATA_DIR


@dataclass(frozen=True)
class SkillMatch:
    competence: Competence
    confidence: float  # in [0, 1]; 1 means the normalised wording is identical


# Memo budgets, in bytes per process (matching and its consumer each have theirs). A wording's row holds a
# float32 per competence (~30,000: 120 KB), a profile one row per skill plus `held` (a list of 2 skills:
# 360 KB). Bounds by count (4,096 rows, 2,048 profiles: up to ~0.5 GB and ~0.7-2.5 GB) grew matching by
# 8.8 MB/min in the soak (issue 17). A row costs 20-130 ms to score again, a profile ~8 ms to rebuild
# from kept rows: rows get the larger share (~550 wordings), profiles ~45 lists of 2 skills. With the
# occupation linker's scores (~29 MB) and query vectors (~17 MB), linking memoises ≤ ~130 MB a process.
# Measured (eval-matching skills-only, seed 45): rows at 32 MB made suggestions' p50 6x slower than
# unbounded, 64 MB 2x; rankings identical either way.
ROWS_BUDGET_BYTES = 64 * 2**20
PROFILES_BUDGET_BYTES = 16 * 2**20


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
        self._rows: ByteBudgetMemo[str, FloatArray] = ByteBudgetMemo(ROWS_BUDGET_BYTES, _array_bytes)
        self._profiles: ByteBudgetMemo[tuple[str, ...], SkillsProfile] = ByteBudgetMemo(
            PROFILES_BUDGET_BYTES, _profile_bytes
        )
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
            rows = {t: self._rows.get(t) for t in dict.fromkeys(texts)}
        fresh = [t for t, row in rows.items() if row is None]
        if fresh:
            # This call's rows come from here, not from the memo: a batch larger than the memo's budget
            # (or another thread) may evict them before they are read.
            scored = self._scorer.score(fresh)
            with self._cache_lock:
                for i, text in enumerate(fresh):
                    row = scored[i].copy()  # a view would keep the whole batch's matrix alive
                    row.setflags(write=False)
                    rows[text] = row
                    self._rows.put(text, row)
        kept = [rows[t] for t in texts]
        return np.stack([r for r in kept if r is not None]) if kept else np.zeros((0, 0), np.float32)

    def profile(self, skills: Sequence[str]) -> SkillsProfile:
        """What the person's skills reach in the referential (memoised by the exact list)."""
        wanted = tuple(s for s in skills if s and s.strip())
        with self._cache_lock:
            known = self._profiles.get(wanted)
            if known is not None:
                return known
        profile = SkillsProfile.from_similarities(wanted, self.similarities(wanted), self.view)
        with self._cache_lock:
            self._profiles.put(wanted, profile)
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


def _array_bytes(row: FloatArray) -> int:
    return int(row.nbytes)


def _profile_bytes(profile: SkillsProfile) -> int:
    return profile.nbytes


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
