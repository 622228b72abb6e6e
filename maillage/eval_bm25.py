"""The yardstick of `maillage eval-matching`: a plain Okapi BM25 keyword ranking (no stemming, no synonyms).

Tokens: lower-cased, accents folded, split on anything that is not a letter, a short French stop-word list
(single letters included, so "l'", "d'" and "H/F" vanish). IDF is Lucene's non-negative form
ln(1 + (N − n + 0.5) / (n + 0.5)); each distinct query word counts once. The evaluation uses it twice: to
rank the offers a person is allowed (the baseline the product must beat) and, in the skills-only scenario,
to find ESCO skill labels sharing words with a ROME label (see `maillage.eval_scenarios`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from common.text import normalise

K1 = 1.2
B = 0.75

_STOP_WORDS_TEXT = """
    a b c d e f g h i j k l m n o p q r s t u v w x y z
    au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui ma mais
    me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton
    tu un une vos votre vous est sont etre avoir ete afin ainsi selon sous chez entre vers
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


@lru_cache(maxsize=131_072)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """The content words of `text`: folded, split on non-letters, stop words dropped."""
    return [w for w in re.split(r"[^a-z]+", _fold(text)) if w and w not in STOP_WORDS]


class BM25:
    """An inverted index over `documents`; `scores` gives every document sharing a word with the query."""

    def __init__(self, documents: Sequence[str], k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.size = len(documents)
        self.lengths: list[int] = []
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for d, text in enumerate(documents):
            counts = Counter(tokens(text))
            self.lengths.append(sum(counts.values()))
            for word, tf in counts.items():
                self.postings.setdefault(word, []).append((d, tf))
        self.average_length = (sum(self.lengths) / self.size) if self.size else 0.0

    def idf(self, word: str) -> float:
        n = len(self.postings.get(word, ()))
        return math.log(1.0 + (self.size - n + 0.5) / (n + 0.5))

    def scores(self, query: str) -> dict[int, float]:
        """Document index → BM25 score, for the documents with at least one query word (score > 0)."""
        result: dict[int, float] = {}
        for word in dict.fromkeys(tokens(query)):
            postings = self.postings.get(word)
            if not postings:
                continue
            idf = self.idf(word)
            for d, tf in postings:
                norm = 1.0 - self.b + self.b * self.lengths[d] / (self.average_length or 1.0)
                result[d] = result.get(d, 0.0) + idf * tf * (self.k1 + 1.0) / (tf + self.k1 * norm)
        return result

    def rank(self, query: str, candidates: Iterable[int]) -> list[int]:
        """`candidates` by decreasing score, ties (zero scores included) broken by document index."""
        scores = self.scores(query)
        return sorted(candidates, key=lambda d: (-scores.get(d, 0.0), d))


class LabelMatcher:
    """Labels sharing the most words with a query (BM25, one label per document), best first."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.index = BM25(self.labels)
        self._ranked: dict[str, list[int]] = {}

    def candidates(self, query: str, banned: set[str], top: int = 3) -> list[str]:
        """The `top` labels with a word in common with `query`, none whose `normalise`d wording is banned
        or equals the query's own."""
        if query not in self._ranked:
            scores = self.index.scores(query)
            self._ranked[query] = sorted(scores, key=lambda d: (-scores[d], d))[:50]
        banned = banned | {normalise(query)}
        return [self.labels[d] for d in self._ranked[query] if normalise(self.labels[d]) not in banned][:top]


def offer_document(offer: dict[str, object]) -> str:
    """What BM25 reads of an offer: title, description and skills."""
    skills = offer.get("skills") or []
    assert isinstance(skills, list)
    return " ".join([str(offer.get("title", "")), str(offer.get("description", "")), *map(str, skills)])


def person_query(person: dict[str, object]) -> str:
    """What BM25 asks for a person: target jobs and skills."""
    jobs = person.get("target_jobs") or []
    skills = person.get("skills") or []
    assert isinstance(jobs, list) and isinstance(skills, list)
    return " ".join([*map(str, jobs), *map(str, skills)])
