"""Lexical indexes in plain numpy: BM25 over normalised words, TF-IDF over character n-grams.

Both keep one posting array per feature (document indices and weights), so scoring a query is a few
vectorised additions over the postings of its features; no scipy or scikit-learn needed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from services.matching.linking.normalize import surface, tokens

FloatArray = npt.NDArray[np.float32]


class _Postings:
    """feature → (document indices, weights), frozen into numpy arrays."""

    def __init__(self, n_docs: int, rows: Iterable[tuple[int, dict[str, float]]]) -> None:
        docs: dict[str, list[int]] = defaultdict(list)
        weights: dict[str, list[float]] = defaultdict(list)
        for doc, features in rows:
            for feature, weight in features.items():
                docs[feature].append(doc)
                weights[feature].append(weight)
        self.n_docs = n_docs
        self.postings: dict[str, tuple[npt.NDArray[np.int32], FloatArray]] = {
            f: (np.asarray(docs[f], dtype=np.int32), np.asarray(weights[f], dtype=np.float32)) for f in docs
        }

    def score(self, query: dict[str, float]) -> FloatArray:
        docs, weights = [], []
        for feature, weight in query.items():
            posting = self.postings.get(feature)
            if posting is not None:
                docs.append(posting[0])
                weights.append(weight * posting[1])
        if not docs:
            return np.zeros(self.n_docs, dtype=np.float32)
        # One weighted count over every posting of the query, rather than one scattered add per feature.
        summed = np.bincount(np.concatenate(docs), np.concatenate(weights), minlength=self.n_docs)
        return summed.astype(np.float32)


class BM25Index:
    """Okapi BM25 over the stemmed content words of short texts (each word counted once per text)."""

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        bags = [set(tokens(t)) for t in texts]
        n = len(bags)
        df = Counter(w for bag in bags for w in bag)
        avg_len = (sum(len(bag) for bag in bags) / n) if n else 1.0
        self.idf = {w: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}
        rows = []
        for i, bag in enumerate(bags):
            norm = k1 * (1.0 - b + b * len(bag) / max(avg_len, 1e-9))
            rows.append((i, {w: self.idf[w] * (k1 + 1.0) / (1.0 + norm) for w in bag}))
        self._postings = _Postings(n, rows)

    def score(self, text: str) -> FloatArray:
        return self._postings.score({w: 1.0 for w in set(tokens(text))})

    def max_score(self, text: str) -> float:
        """The best score a document could get for this query: used to scale scores into [0, 1]."""
        return sum(self.idf.get(w, 0.0) for w in set(tokens(text))) * 2.2 / 2.0


def char_ngrams(text: str, low: int = 3, high: int = 5) -> Counter[str]:
    """Character n-grams of each normalised word, padded with spaces so word starts and ends count."""
    grams: Counter[str] = Counter()
    for word in surface(text).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            for i in range(max(len(padded) - n + 1, 1)):
                grams[padded[i : i + n]] += 1
    return grams


class CharTfidfIndex:
    """Cosine similarity of sublinear TF-IDF vectors over character 3- to 5-grams."""

    def __init__(self, texts: Sequence[str]) -> None:
        bags = [char_ngrams(t) for t in texts]
        n = len(bags)
        df = Counter(g for bag in bags for g in bag)
        self.idf = {g: math.log((1.0 + n) / (1.0 + d)) + 1.0 for g, d in df.items()}
        self._postings = _Postings(n, ((i, self._vector(bag)) for i, bag in enumerate(bags)))

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        vec = {g: (1.0 + math.log(c)) * self.idf.get(g, 0.0) for g, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {g: v / norm for g, v in vec.items() if v}

    def score(self, text: str) -> FloatArray:
        return self._postings.score(self._vector(char_ngrams(text)))
