"""Finding competences of the ROME referential by their wording, for a skills field's autocomplete.

Every word typed must start a word of the label, accents and case aside ("manut charg" finds
« Manutention de charges lourdes »). Labels that start with what was typed come first, then labels with
a word starting with its first word, then the others; within a rank, the shorter label (the more general
competence) first. A wording shared by several competences is offered once. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from common.text import normalise
from services.matching.domain.skills import Competence

MAX_RESULTS = 20


@dataclass(frozen=True)
class CompetenceSearch:
    competences: Sequence[Competence] = field(repr=False)

    @cached_property
    def _entries(self) -> tuple[tuple[str, tuple[str, ...], Competence], ...]:
        """(normalised label, its words, competence), one per distinct normalised label."""
        seen: dict[str, Competence] = {}
        for competence in self.competences:
            seen.setdefault(normalise(competence.label), competence)
        return tuple((label, tuple(label.split()), c) for label, c in seen.items())

    def search(self, query: str, limit: int = MAX_RESULTS) -> list[Competence]:
        words = normalise(query).split()
        if not words or limit < 1:
            return []
        whole = " ".join(words)
        found: list[tuple[tuple[int, int, str], Competence]] = []
        for label, label_words, competence in self._entries:
            if all(any(lw.startswith(w) for lw in label_words) for w in words):
                found.append(((_rank(label, label_words, whole, words[0]), len(label), label), competence))
        found.sort(key=lambda pair: pair[0])
        return [competence for _, competence in found[: min(limit, MAX_RESULTS)]]


def _rank(label: str, label_words: tuple[str, ...], whole: str, first: str) -> int:
    if label.startswith(whole):
        return 0
    if label_words[0].startswith(first):
        return 1
    return 2
