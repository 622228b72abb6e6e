from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from services.matching.adapters.embedding_cache import MemoryCachedTextEncoder, cache_stats
from services.matching.adapters.encoders import HashingEncoder


class Counting:
    def __init__(self) -> None:
        self.inner = HashingEncoder(32)
        self.name, self.dimensions = self.inner.name, self.inner.dimensions
        self.seen: list[str] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.seen.extend(texts)
        return self.inner.encode(texts)


def test_same_vectors_as_the_model_and_each_text_embedded_once() -> None:
    model = Counting()
    cached = MemoryCachedTextEncoder(model)
    first = cached.encode(["agent de propreté", "commis de cuisine", "agent de propreté"])
    again = cached.encode(["commis de cuisine", "agent de propreté", "soudeur"])
    assert np.array_equal(
        first, model.inner.encode(["agent de propreté", "commis de cuisine", "agent de propreté"])
    )
    assert np.array_equal(again, model.inner.encode(["commis de cuisine", "agent de propreté", "soudeur"]))
    assert model.seen == ["agent de propreté", "commis de cuisine", "soudeur"]
    assert cached.stats()["hits"] == 3 and cached.stats()["misses"] == 3
    assert cache_stats()["hits"] >= 3


def test_least_recently_used_texts_leave_first() -> None:
    model = Counting()
    cached = MemoryCachedTextEncoder(model, capacity=2)
    cached.encode(["a"])
    cached.encode(["b"])
    cached.encode(["a"])  # a is now the most recent
    cached.encode(["c"])  # b leaves
    cached.encode(["a", "b"])
    assert model.seen == ["a", "b", "c", "b"]
    assert cached.stats()["size"] == 2


def test_empty_batch_and_no_double_wrapping() -> None:
    cached = MemoryCachedTextEncoder(MemoryCachedTextEncoder(Counting()))
    assert isinstance(cached.inner, Counting)
    assert cached.encode([]).shape == (0, 32)
