"""The offer index's Elasticsearch mapping: the vector index kinds a deployment may choose, and the
vector kept out of _source (nothing reads it back; a million offers would store 5 GB of JSON for it)."""

from __future__ import annotations

import pytest

from services.matching.adapters.es_index import VECTOR_INDEX_TYPES, ElasticsearchOfferIndex, _mappings
from services.matching.settings import MatchingSettings


@pytest.mark.parametrize("kind", ["hnsw", "int8_hnsw", "bbq_hnsw"])
def test_graph_kinds_keep_the_measured_graph_parameters(kind: str) -> None:
    vector = _mappings(512, kind)["properties"]["vector"]
    assert vector["index_options"] == {"type": kind, "m": 16, "ef_construction": 100}
    assert vector["dims"] == 512


def test_flat_has_no_graph() -> None:
    assert _mappings(512, "flat")["properties"]["vector"]["index_options"] == {"type": "flat"}


def test_the_vector_stays_out_of_source() -> None:
    assert _mappings(512)["_source"] == {"excludes": ["vector"]}


def test_an_unknown_kind_is_refused_before_any_call() -> None:
    with pytest.raises(ValueError, match="vector_index"):
        ElasticsearchOfferIndex("http://127.0.0.1:9", 512, vector_index="hnsw8")


def test_the_setting_offers_only_kinds_the_adapter_knows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILLAGE_ES_VECTOR_INDEX", "int8_hnsw")
    assert MatchingSettings().es_vector_index == "int8_hnsw"
    assert MatchingSettings().es_vector_index in VECTOR_INDEX_TYPES
    monkeypatch.setenv("MAILLAGE_ES_VECTOR_INDEX", "hnsw8")
    with pytest.raises(ValueError):
        MatchingSettings()
