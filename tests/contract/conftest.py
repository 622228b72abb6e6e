"""The same behaviour, checked against each adapter of a port: in-memory twins and real servers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.messaging.inprocess import InProcessBus
from services.matching.adapters.es_index import ElasticsearchOfferIndex
from services.matching.adapters.local_index import LocalOfferIndex
from services.matching.ports import OfferIndex


@pytest.fixture(params=["inprocess", "kafka"])
def bus(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "inprocess":
        yield InProcessBus(str(tmp_path / "bus.db"))
    else:
        from common.messaging.kafka import KafkaBus

        yield KafkaBus(request.getfixturevalue("kafka_bootstrap"), client_id="contract")


@pytest.fixture
def topic() -> str:
    return f"contract-{uuid.uuid4().hex[:10]}"


DIMS = 64


@pytest.fixture(params=["local", "elasticsearch"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OfferIndex]:
    if request.param == "local":
        yield LocalOfferIndex(str(tmp_path / "index.db"), DIMS)
        return
    url = request.getfixturevalue("elasticsearch_url")
    es_index = ElasticsearchOfferIndex(url, DIMS, alias=f"contract-{uuid.uuid4().hex[:10]}")
    es_index.ensure()
    try:
        yield es_index
    finally:
        es_index._es.indices.delete(index=f"{es_index.alias}-*")
        es_index.close()


def settle(index: OfferIndex) -> None:
    """Make writes visible to search (Elasticsearch refreshes every second; tests do not wait)."""
    refresh = getattr(index, "refresh", None)
    if callable(refresh):
        refresh()
