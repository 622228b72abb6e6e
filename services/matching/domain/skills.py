"""Skills at the level of the ROME referential: what a person's skills support, and what an offer asks.

Inputs are similarities between the person's wordings and every competence of the referential (computed
by `services.matching.linking.skills`); everything here is arithmetic on them:

- a competence is *held* when one of the person's wordings is close to it, *partly held* when it is close
  to another competence of the same macro-competence (or, for knowledge, the same category);
- a fiche is *supported* by the person's skills when each skill finds a close competence among the
  fiche's, specific competences ("Conduire un chariot élévateur") counting more than ones most fiches ask
  ("Accueillir une clientèle");
- an offer's skills (its own, linked, or its fiche's core skills) are matched and missing in the
  referential's words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Fused similarity of a wording to a competence: ~1 identical, ~0.6–0.8 reworded, ~0.3 unrelated.
CLOSE_FROM, CLOSE_AT = 0.35, 0.75
SAME_GROUP_SHARE = 0.4  # a close competence of the same macro-competence counts this much
HELD = 0.5  # a competence counts as held (reason "en commun") from this closeness
# Inference of fiches: a looser closeness (a reworded skill is often only near the fiche's wording), the
# fiche's core competences counting more, and a geometric mean over the skills, so that a fiche must
# explain every skill rather than a few very well. Measured on the skills-only scenario (docs/matching.md):
# top fiche right for 0.38 of the people with the arithmetic mean and strict closeness, 0.83–0.89 so.
INFER_FROM, INFER_AT = 0.2, 0.6
NON_CORE_WEIGHT = 0.6
UNEXPLAINED = 0.05  # a skill the fiche does not explain at all weighs like this in the geometric mean
SUPPORT = 0.3  # a skill supports a fiche when its closeness to one of the fiche's competences reaches this


@dataclass(frozen=True)
class Competence:
    code: str  # ROME OGR code
    kind: str  # savoir_faire | savoir_etre | savoir
    label: str
    group: str  # macro-competence code, or "savoir:<category>" for knowledge


@dataclass(frozen=True)
class SkillReferentialView:
    """The referential as arrays: fiche links sorted by fiche, `fiche_starts` the first link of each."""

    competences: tuple[Competence, ...]
    fiches: tuple[str, ...]
    link_items: IntArray
    link_core: BoolArray
    fiche_starts: IntArray
    specificity: FloatArray  # per competence, in [0, 1]

    @cached_property
    def index_of(self) -> dict[str, int]:
        return {c.code: i for i, c in enumerate(self.competences)}

    @cached_property
    def fiche_index(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.fiches)}

    @cached_property
    def group_ids(self) -> tuple[IntArray, int]:
        ids: dict[str, int] = {}
        out = np.asarray([ids.setdefault(c.group, len(ids)) for c in self.competences], dtype=np.int64)
        return out, len(ids)

    def links_of(self, rome_code: str) -> tuple[IntArray, BoolArray]:
        f = self.fiche_index.get(rome_code)
        if f is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        end = self.fiche_starts[f + 1] if f + 1 < len(self.fiches) else len(self.link_items)
        return self.link_items[self.fiche_starts[f] : end], self.link_core[self.fiche_starts[f] : end]

    def core_skills(self, rome_code: str) -> tuple[str, ...]:
        """The fiche's core savoir-faire (cœur de métier); all its savoir-faire if none is flagged."""
        items, core = self.links_of(rome_code)
        know_how = [int(i) for i in items if self.competences[int(i)].kind == "savoir_faire"]
        flagged = [int(i) for i, c in zip(items, core, strict=True) if c and int(i) in know_how]
        return tuple(self.competences[i].code for i in (flagged or know_how))


def closeness(similarity: FloatArray | float) -> FloatArray:
    """Fused similarity → closeness in [0, 1] (0 below CLOSE_FROM, 1 from CLOSE_AT)."""
    value = (np.asarray(similarity, dtype=np.float32) - CLOSE_FROM) / (CLOSE_AT - CLOSE_FROM)
    out: FloatArray = np.clip(value, 0.0, 1.0).astype(np.float32)
    return out


@dataclass(frozen=True)
class InferredFiche:
    rome_code: str
    score: float  # mean support of the person's skills, in [0, 1]
    supports: tuple[tuple[str, str], ...]  # (the person's wording, the fiche's competence it is close to)


@dataclass(frozen=True)
class SkillFit:
    score: float  # share of the offer's skills the person holds, partial credit for neighbours
    matched: tuple[tuple[str, str], ...]  # (competence label, the person's wording)
    missing: tuple[str, ...]  # competence labels


@dataclass(frozen=True)
class SkillsProfile:
    skills: tuple[str, ...]
    similarities: FloatArray  # (skills, competences)
    view: SkillReferentialView = field(repr=False)

    @classmethod
    def from_similarities(
        cls, skills: tuple[str, ...], similarities: FloatArray, view: SkillReferentialView
    ) -> SkillsProfile:
        return cls(skills, similarities, view)

    @property
    def nbytes(self) -> int:
        """The memory this profile holds once its cached arrays are computed: the similarities, then one
        float32 per competence (`held`), per fiche (`fiche_scores`) and per macro-competence."""
        _, groups = self.view.group_ids
        per_value = np.dtype(np.float32).itemsize
        return int(self.similarities.nbytes) + per_value * (
            len(self.view.competences) + len(self.view.fiches) + groups
        )

    @cached_property
    def held(self) -> FloatArray:
        """Per competence: how close the person's nearest wording is (0 without skills)."""
        if not self.skills:
            return np.zeros(len(self.view.competences), dtype=np.float32)
        return closeness(self.similarities.max(axis=0))

    @cached_property
    def _group_held(self) -> FloatArray:
        ids, n = self.view.group_ids
        out = np.zeros(n, dtype=np.float32)
        # Only true macro-competences lend credit: a knowledge category ("Normes et procédures") is
        # too broad to say that a person who knows one item knows another.
        macro = np.asarray([not c.group.startswith("savoir:") for c in self.view.competences])
        np.maximum.at(out, ids[macro], self.held[macro])
        return out

    @cached_property
    def fiche_scores(self) -> FloatArray:
        """Per fiche (view.fiches order): mean over the person's skills of their best support."""
        if not self.skills:
            return np.zeros(len(self.view.fiches), dtype=np.float32)
        view = self.view
        weight = view.specificity[view.link_items] * np.where(view.link_core, 1.0, NON_CORE_WEIGHT)
        near = np.clip((self.similarities[:, view.link_items] - INFER_FROM) / (INFER_AT - INFER_FROM), 0, 1)
        per_skill = np.maximum.reduceat(near * weight.astype(np.float32), view.fiche_starts, axis=1)
        geometric = np.exp(np.log(UNEXPLAINED + per_skill).mean(axis=0)) - UNEXPLAINED
        scores: FloatArray = np.clip(geometric, 0.0, 1.0).astype(np.float32)
        return scores

    def inferred_fiches(self, top: int, relative: float, minimum: float) -> list[InferredFiche]:
        """The fiches the skills point to: at most `top`, each within `relative` of the best."""
        scores = self.fiche_scores
        if not self.skills or not scores.size or float(scores.max()) < minimum:
            return []
        best = float(scores.max())
        order = np.argsort(-scores, kind="stable")[:top]
        return [
            InferredFiche(
                self.view.fiches[f], round(float(scores[f]), 4), self._supports(self.view.fiches[f])
            )
            for f in order.tolist()
            if float(scores[f]) >= max(minimum, relative * best)
        ]

    def _supports(self, rome_code: str) -> tuple[tuple[str, str], ...]:
        items, _ = self.view.links_of(rome_code)
        out: list[tuple[str, str]] = []
        for s, wording in enumerate(self.skills):
            near = closeness(self.similarities[s, items])
            j = int(np.argmax(near)) if near.size else -1
            if j >= 0 and float(near[j]) >= SUPPORT:
                out.append((wording, self.view.competences[int(items[j])].label))
        return tuple(out)

    def fit(self, codes: Sequence[str]) -> SkillFit | None:
        """How much of what an offer asks the person holds; None when either side says nothing."""
        index = self.view.index_of
        items = [index[c] for c in codes if c in index]
        if not self.skills or not items:
            return None
        ids, _ = self.view.group_ids
        matched: list[tuple[str, str]] = []
        missing: list[str] = []
        total = 0.0
        for i in items:
            own = float(self.held[i])
            level = max(own, SAME_GROUP_SHARE * float(self._group_held[ids[i]]))
            total += level
            label = self.view.competences[i].label
            if own >= HELD:
                wording = self.skills[int(np.argmax(self.similarities[:, i]))]
                matched.append((label, wording))
            elif level < HELD:
                missing.append(label)
        return SkillFit(round(total / len(items), 4), tuple(matched), tuple(missing))
