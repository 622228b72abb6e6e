"""An encoder decorator that never embeds the same text twice: vectors are kept by a hash of the text.

An offer gets a new version for changes that leave its text as it was (pause, resume, hours, openings, a
re-import with one field changed, a full reindex), and each new version used to go through the model
again. The cache answers those from memory: a bounded LRU of `capacity` vectors (the default USE's 512
float32 = 2 KB each, ~2.2 KB with key and entry measured by tracemalloc, so the default 50 000 costs
about 110 MB), keyed by BLAKE2b of the encoder's name and the text.
Texts repeated inside one batch are embedded once. Hits and misses are counted for the metrics and
the benchmarks.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from services.matching.ports import TextEncoder

DEFAULT_CAPACITY = 50_000

# Every cache alive in this process, so that a process's metrics (or a benchmark) can read the counters.
_INSTANCES: weakref.WeakSet[MemoryCachedTextEncoder] = weakref.WeakSet()


class MemoryCachedTextEncoder:
    inner: TextEncoder

    def __init__(self, inner: TextEncoder, capacity: int = DEFAULT_CAPACITY) -> None:
        if isinstance(inner, MemoryCachedTextEncoder):  # wrapping twice would only double the memory
            inner = inner.inner
        self.inner = inner
        self.name = inner.name
        self.dimensions = inner.dimensions
        self.capacity = capacity
        self.hits = 0
        self.misses = 0
        self.batches = 0  # calls that reached the model: texts per call say how well ingest batches
        self._vectors: OrderedDict[bytes, npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()
        self._salt = inner.name.encode() + b"\x00"
        _INSTANCES.add(self)

    def _key(self, text: str) -> bytes:
        return hashlib.blake2b(self._salt + text.encode(), digest_size=16).digest()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        missing: dict[bytes, list[int]] = {}
        keys = [self._key(t) for t in texts]
        with self._lock:
            for row, key in enumerate(keys):
                vector = self._vectors.get(key)
                if vector is None:
                    missing.setdefault(key, []).append(row)
                else:
                    self._vectors.move_to_end(key)
                    out[row] = vector
            self.hits += len(texts) - len(missing)
            self.misses += len(missing)
            self.batches += bool(missing)
        if not missing:
            return out
        # The model runs outside the lock: other callers keep reading the cache meanwhile.
        vectors = np.asarray(self.inner.encode([texts[rows[0]] for rows in missing.values()]), np.float32)
        with self._lock:
            for (key, rows), vector in zip(missing.items(), vectors, strict=True):
                out[rows] = vector
                self._vectors[key] = vector.copy()
                self._vectors.move_to_end(key)
            while len(self._vectors) > self.capacity:
                self._vectors.popitem(last=False)
        return out

    def stats(self) -> dict[str, Any]:
        with self._lock:
            looked_up = self.hits + self.misses
            return {
                "hits": self.hits,
                "misses": self.misses,
                "batches": self.batches,
                "hit_rate": self.hits / looked_up if looked_up else 0.0,
                "size": len(self._vectors),
                "capacity": self.capacity,
            }


def cache_stats() -> dict[str, Any]:
    """The summed counters of every embedding cache of this process (empty when there is none)."""
    caches = list(_INSTANCES)
    if not caches:
        return {}
    hits = sum(c.hits for c in caches)
    misses = sum(c.misses for c in caches)
    batches = sum(c.batches for c in caches)
    return {
        "hits": hits,
        "misses": misses,
        "batches": batches,
        "hit_rate": hits / (hits + misses) if hits + misses else 0.0,
        "size": sum(len(c._vectors) for c in caches),
    }
