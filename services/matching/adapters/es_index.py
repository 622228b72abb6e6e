"""Elasticsearch adapter of the offer index: dense_vector kNN with the hard filters inside the kNN query.

Writes go through an alias to a versioned index, with *external* versioning: Elasticsearch itself refuses
a write whose version is not newer than the stored one, which makes redelivered and reordered events
harmless. A rebuild fills a fresh index and swaps the alias in one atomic call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import numpy as np
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from common.errors import Unavailable
from services.matching.adapters.es_demand import EVERYWHERE, demand_aggregations, read_demand
from services.matching.adapters.es_filters import filter_query
from services.matching.ports import (
    HardFilters,
    Hit,
    IndexAggregates,
    IndexedOffer,
    OwnOccupations,
    Search,
    Vector,
)

log = logging.getLogger("maillage.matching.index")

# Merging a rebuilt index of a département's offers takes about a minute on two cores; allow far more.
MERGE_TIMEOUT_S = 3600

# The ranking reads neither the vector nor the description: leave them in the index.
HIT_SOURCE = {"excludes": ["vector", "description"]}


# How the vectors' HNSW graph is stored (`MAILLAGE_ES_VECTOR_INDEX`): "hnsw" keeps float32 (the measured
# default up to 100k offers), "int8_hnsw" and "bbq_hnsw" quantize the graph's copy (4x and 32x smaller)
# while the float vectors stay on disk for exact rescoring. bench/scale.py measures them at 1M offers;
# it also builds a "flat" index (no graph: exact search over the filtered offers) as its yardstick.
VECTOR_INDEX_TYPES = ("hnsw", "int8_hnsw", "bbq_hnsw", "flat")


def _mappings(dimensions: int, vector_index: str = "hnsw") -> dict[str, Any]:
    return {
        "dynamic": "strict",
        # Nothing reads a vector back (searches exclude it, a reindex re-reads the offers service): kept
        # out of _source, each offer stores ~5 KB less JSON (5 GB at a million offers).
        "_source": {"excludes": ["vector"]},
        "properties": {
            "id": {"type": "keyword"},
            "version": {"type": "long"},
            "title": {"type": "text"},
            "description": {"type": "text", "index": False},
            "skills": {"type": "keyword"},
            "kind": {"type": "keyword"},
            "contract_type": {"type": "keyword"},
            "hours_per_week": {"type": "float"},
            "location": {"type": "geo_point"},
            "lat": {"type": "double", "index": False},
            "lon": {"type": "double", "index": False},
            "commune": {"type": "keyword"},
            "insee_code": {"type": "keyword"},
            "status": {"type": "keyword"},
            "expires_on": {"type": "date", "format": "strict_date"},
            "conditions": {"type": "keyword"},
            "employer_id": {"type": "keyword"},
            "employer_name": {"type": "keyword"},
            "rome_code": {"type": "keyword"},
            "appellation_code": {"type": "keyword"},
            "openings": {"type": "integer"},
            "updated_at": {"type": "date"},
            "published_on": {"type": "date", "format": "strict_date"},
            "naf_code": {"type": "keyword"},
            "occupation_label": {"type": "keyword", "index": False},
            "occupation_confidence": {"type": "float", "index": False},
            "occupation_how": {"type": "keyword", "index": False},
            "esco_uri": {"type": "keyword"},
            "isco_group": {"type": "keyword"},
            "esco_confidence": {"type": "float", "index": False},
            "skill_codes": {"type": "keyword"},
            "vector": {
                "type": "dense_vector",
                "dims": dimensions,
                "index": True,
                "similarity": "cosine",
                "index_options": _index_options(vector_index),
            },
        },
    }


def _index_options(vector_index: str) -> dict[str, Any]:
    if vector_index == "flat":
        return {"type": "flat"}
    return {"type": vector_index, "m": 16, "ef_construction": 100}


class ElasticsearchOfferIndex:
    backend = "elasticsearch"

    # HNSW candidates examined per shard = max(NUM_CANDIDATES_MIN, factor × k). Measured by
    # `python -m bench.suggest` (bench/RESULTS.md): recall@10 against exact search vs latency.
    NUM_CANDIDATES_MIN = 100
    NUM_CANDIDATES_FACTOR = 4.0

    def __init__(
        self,
        url: str,
        dimensions: int,
        alias: str = "maillage-offers",
        shards: int = 1,
        num_candidates_factor: float | None = None,
        vector_index: str = "hnsw",
    ) -> None:
        if vector_index not in VECTOR_INDEX_TYPES:
            raise ValueError(f"vector_index must be one of {VECTOR_INDEX_TYPES}, not {vector_index!r}")
        self.vector_index = vector_index
        self._es = Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=2)
        self._dims = dimensions
        self.alias = alias
        self._shards = shards
        self.num_candidates_factor = num_candidates_factor or self.NUM_CANDIDATES_FACTOR

    def num_candidates(self, k: int) -> int:
        return min(10_000, max(self.NUM_CANDIDATES_MIN, int(self.num_candidates_factor * k), k))

    def _new_index_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"

    def _create_index(self, name: str) -> None:
        self._es.indices.create(
            index=name,
            mappings=_mappings(self._dims, self.vector_index),
            settings={"number_of_shards": self._shards, "number_of_replicas": 0, "refresh_interval": "1s"},
        )

    def ensure(self) -> None:
        try:
            if self._es.indices.exists_alias(name=self.alias):
                return
            name = self._new_index_name()
            self._create_index(name)
            self._es.indices.put_alias(index=name, name=self.alias)
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        if not ids:
            return {}
        try:
            result = self._es.mget(index=self.alias, ids=list(ids), source=["version"])
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc
        return {d["_id"]: int(d["_source"]["version"]) for d in result["docs"] if d.get("found")}

    def get_offers(self, ids: Sequence[str]) -> dict[str, IndexedOffer]:
        if not ids:
            return {}
        try:
            result = self._es.mget(index=self.alias, ids=list(ids), source_excludes=["vector"])
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc
        return {d["_id"]: _doc(d["_source"]) for d in result["docs"] if d.get("found")}

    def upsert(self, offers: Sequence[tuple[IndexedOffer, Vector]]) -> int:
        return self._bulk(self.alias, offers)

    def _bulk(self, index: str, offers: Sequence[tuple[IndexedOffer, Vector]]) -> int:
        if not offers:
            return 0
        operations: list[dict[str, Any]] = []
        for doc, vector in offers:
            operations.append(
                {
                    "index": {
                        "_index": index,
                        "_id": doc.id,
                        "version": doc.version,
                        "version_type": "external",
                    }
                }
            )
            operations.append(_source(doc, vector))
        try:
            result = self._es.bulk(operations=operations)
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch refused the bulk write: {exc}") from exc
        written = 0
        failures: list[str] = []
        for item in result["items"]:
            outcome = item["index"]
            status = int(outcome.get("status", 500))
            if status in (200, 201):
                written += 1
            elif status == 409:
                continue  # an equal or newer version is already indexed: nothing to do
            else:
                failures.append(f"{outcome.get('_id')}: {outcome.get('error')}")
        if failures:
            # Treated as transient: the batch is not committed and comes back after a backoff.
            raise Unavailable("Elasticsearch rejected documents: " + "; ".join(failures[:3]))
        return written

    def delete(self, ids: Sequence[str]) -> None:
        operations = [{"delete": {"_index": self.alias, "_id": i}} for i in ids]
        if operations:
            self._es.bulk(operations=operations)

    def count(self) -> int:
        try:
            return int(self._es.count(index=self.alias)["count"])
        except NotFoundError:
            return 0
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc

    def refresh(self) -> None:
        self._es.indices.refresh(index=self.alias)

    def knn_query(
        self, vector: Vector, filters: HardFilters, k: int, within: OwnOccupations | None = None
    ) -> dict[str, Any]:
        """The kNN clause: the hard filters (and the person's own occupations) inside the graph walk."""
        allowed = filter_query(filters)
        if within is not None:
            which = [
                {"terms": {"rome_code": sorted(within.rome_codes)}},
                {"terms": {"esco_uri": sorted(within.esco_uris)}},
            ]
            allowed["bool"]["filter"].append({"bool": {"should": which, "minimum_should_match": 1}})
        return {
            "field": "vector",
            "query_vector": np.asarray(vector, dtype=np.float32).tolist(),
            "k": k,
            "num_candidates": self.num_candidates(k),
            "filter": allowed,
        }

    def search(
        self, vector: Vector, filters: HardFilters, k: int, within: OwnOccupations | None = None
    ) -> list[Hit]:
        knn = self.knn_query(vector, filters, k, within)
        try:
            result = self._es.search(index=self.alias, knn=knn, size=k, source=HIT_SOURCE)
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc
        return _hits(result.body)

    def search_together(self, searches: Sequence[Search]) -> list[list[Hit]]:
        """One multi-search: Elasticsearch runs the searches side by side, so two cost about the time of
        the slower one, not the sum of both plus a second round trip."""
        if len(searches) == 1:
            only = searches[0]
            return [self.search(only.vector, only.filters, only.k, only.within)]
        body: list[dict[str, Any]] = []
        for one in searches:
            knn = self.knn_query(one.vector, one.filters, one.k, one.within)
            body += [{"index": self.alias}, {"knn": knn, "size": one.k, "_source": HIT_SOURCE}]
        try:
            answers = self._es.msearch(searches=body)["responses"]
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc
        failed = [answer["error"] for answer in answers if "error" in answer]
        if failed:
            raise Unavailable(f"Elasticsearch is unavailable: {failed[0]}")
        return [_hits(answer) for answer in answers]

    def rebuild(
        self,
        batches: Iterator[Sequence[tuple[IndexedOffer, Vector]]],
        phases: dict[str, float] | None = None,
    ) -> int:
        """Fill a new index, merge it, swap the alias; `phases` receives each step's seconds if given."""
        clock = _PhaseClock(phases)
        name = self._new_index_name()
        self._create_index(name)
        written = 0
        for batch in batches:
            written += self._bulk(name, batch)
        self._es.indices.refresh(index=name)
        clock.lap("bulk_s")
        # A rebuilt index is read far more than it is written: merged into one segment, each kNN search
        # walks one HNSW graph instead of dozens (at 100k offers just after loading: 48 segments, search
        # p50 42 ms; merged: 21 ms — bench/RESULTS.md). Later writes add small segments that merge as usual.
        try:
            # One long call, never re-sent on a timeout (the client retries other calls).
            self._es.options(
                request_timeout=MERGE_TIMEOUT_S, retry_on_timeout=False, max_retries=0
            ).indices.forcemerge(index=name, max_num_segments=1, wait_for_completion=True)
        except (ApiError, TransportError) as exc:  # only speed is lost: the new index is complete
            log.warning("merging %s failed (%s); swapping it in unmerged", name, exc)
        clock.lap("merge_s")
        previous = []
        if self._es.indices.exists_alias(name=self.alias):
            previous = list(self._es.indices.get_alias(name=self.alias).keys())
        actions: list[dict[str, Any]] = [{"remove": {"index": p, "alias": self.alias}} for p in previous]
        actions.append({"add": {"index": name, "alias": self.alias}})
        self._es.indices.update_aliases(actions=actions)  # atomic: searches switch in one step
        for old in previous:
            self._es.indices.delete(index=old)
        clock.lap("swap_s")
        return written

    def reachable(self) -> bool:
        try:
            self._es.cluster.health(timeout="2s")
            return True
        except Exception:
            return False

    def close(self) -> None:
        self._es.close()

    def aggregate_demand(
        self,
        today: date,
        since: date | None = None,
        areas: Mapping[str, frozenset[str] | None] | None = None,
        top_skills: int = 50,
        until: date | None = None,
        monthly: bool = True,
    ) -> IndexAggregates:
        try:
            aggs = demand_aggregations(today, since, areas or EVERYWHERE, top_skills, until, monthly)
            result = self._es.search(
                index=self.alias, size=0, aggs=aggs, track_total_hits=False, request_cache=True
            )
        except (TransportError, ApiError) as exc:
            raise Unavailable(f"Elasticsearch is unavailable: {exc}") from exc
        return read_demand(result["aggregations"])


def _hits(result: Mapping[str, Any]) -> list[Hit]:
    # Elasticsearch reports cosine as (1 + cos) / 2; give the ranking the cosine back.
    return [Hit(_doc(hit["_source"]), 2.0 * float(hit["_score"]) - 1.0) for hit in result["hits"]["hits"]]


def _source(doc: IndexedOffer, vector: Vector) -> dict[str, Any]:
    data = asdict(doc)
    data["expires_on"] = doc.expires_on.isoformat()
    data["published_on"] = doc.published_on.isoformat() if doc.published_on else None
    data["location"] = {"lat": doc.lat, "lon": doc.lon}
    data["vector"] = np.asarray(vector, dtype=np.float32).tolist()
    return data


def _doc(source: dict[str, Any]) -> IndexedOffer:
    data = {k: v for k, v in source.items() if k not in ("location", "vector")}
    data["expires_on"] = date.fromisoformat(data["expires_on"])
    if data.get("published_on"):
        data["published_on"] = date.fromisoformat(data["published_on"])
    data["skills"] = tuple(data.get("skills") or ())
    data["conditions"] = tuple(data.get("conditions") or ())
    data["skill_codes"] = tuple(data.get("skill_codes") or ())
    data.setdefault("description", "")  # searches leave it out
    return IndexedOffer(**data)


class _PhaseClock:
    """Seconds spent in each step of a long operation, written into a caller's dict (or nowhere)."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self._into = into
        self._last = time.monotonic()

    def lap(self, name: str) -> None:
        now = time.monotonic()
        if self._into is not None:
            self._into[name] = round(now - self._last, 2)
        self._last = now
