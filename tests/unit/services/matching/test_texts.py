"""What an offer's vector is made of: its title's vector and its body's, each encoded once."""

from __future__ import annotations

import numpy as np
import pytest

from services.matching.texts import TITLE_WEIGHT, FloatArray, offer_vectors


def _unit(*rows: list[float]) -> FloatArray:
    arr = np.asarray(rows, dtype=np.float32)
    out: FloatArray = arr / np.linalg.norm(arr, axis=1, keepdims=True)
    return out


def test_an_offer_vector_weighs_its_title_most_and_encodes_only_the_bodies_it_has() -> None:
    titles = _unit([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])
    body = _unit([0.0, 0.0, 1.0])
    encoded: list[list[str]] = []

    def encode(texts: list[str]) -> FloatArray:
        encoded.append(texts)
        return body

    vectors = offer_vectors(titles, ["Nettoyer des surfaces", ""], encode)

    assert encoded == [["Nettoyer des surfaces"]]  # the offer without a body costs no encoding
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(vectors[1], titles[1])  # a bare title: its own vector
    assert vectors[0, 0] / vectors[0, 2] == pytest.approx(TITLE_WEIGHT / (1 - TITLE_WEIGHT))
    assert vectors[0, 0] > vectors[0, 2]
