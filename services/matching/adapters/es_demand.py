"""Demand aggregates from Elasticsearch: the aggregation query and the reading of its buckets.

Nested terms (commune > ROME) with a monthly date_histogram summing openings, over the offers published
since the earliest month asked and in the areas' communes; by area (a `filters` aggregation), the skills
and the age of open offers. Sizes cover a département's codes. The local index computes the same numbers
in Python (`domain.analytics.aggregate_documents`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from services.matching.adapters.es_filters import compile_rule
from services.matching.domain.constraints import open_offers
from services.matching.ports import AGE_RANGES, AgeBucket, DemandBucket, IndexAggregates

# Terms aggregations leave out documents without the field unless told what to call them.
_MISSING = "__none__"
_OPENINGS = {"openings": {"sum": {"field": "openings"}}}
EVERYWHERE: dict[str, frozenset[str] | None] = {"tout": None}


def _in(communes: frozenset[str] | None) -> list[dict[str, Any]]:
    return [] if communes is None else [{"terms": {"insee_code": sorted(communes)}}]


def demand_aggregations(
    today: date, since: date | None, areas: Mapping[str, frozenset[str] | None], top_skills: int
) -> dict[str, Any]:
    published = [{"range": {"published_on": {"gte": since.isoformat()}}}] if since else []
    if all(communes is not None for communes in areas.values()):
        union = frozenset().union(*(c for c in areas.values() if c is not None))
        published += _in(union)
    by_area = {key: {"bool": {"filter": _in(communes)}} for key, communes in areas.items()}
    return {
        "published": {"filter": {"bool": {"filter": published}}, "aggs": _by_place_and_code()},
        "active": {
            "filter": compile_rule(open_offers(today)),
            "aggs": {
                "area": {
                    "filters": {"filters": by_area},
                    "aggs": {
                        "skills": {
                            "terms": {
                                "field": "skills",
                                "size": top_skills,
                                "order": [{"_count": "desc"}, {"_key": "asc"}],
                            }
                        },
                        "age": {
                            "date_range": {
                                "field": "published_on",
                                "format": "yyyy-MM-dd",
                                "ranges": _age_ranges(today),
                            },
                            "aggs": _OPENINGS,
                        },
                    },
                }
            },
        },
    }


def _by_place_and_code() -> dict[str, Any]:
    by_month = {
        "month": {
            "date_histogram": {
                "field": "published_on",
                "calendar_interval": "month",
                "format": "yyyy-MM-dd",
                "min_doc_count": 1,
            },
            "aggs": _OPENINGS,
        },
        "no_month": {"missing": {"field": "published_on"}, "aggs": _OPENINGS},
    }
    rome = {"terms": {"field": "rome_code", "size": 1000, "missing": _MISSING}, "aggs": by_month}
    commune = {"terms": {"field": "insee_code", "size": 5000, "missing": _MISSING}, "aggs": {"rome": rome}}
    return {"commune": commune}


def _age_ranges(today: date) -> list[dict[str, str]]:
    ranges = []
    for key, low, high in AGE_RANGES:
        bounds: dict[str, str] = {"key": key, "to": (today - timedelta(days=low - 1)).isoformat()}
        if high is not None:
            bounds["from"] = (today - timedelta(days=high)).isoformat()
        ranges.append(bounds)
    return ranges


def read_demand(found: dict[str, Any]) -> IndexAggregates:
    skills: dict[str, list[tuple[str, int]]] = {}
    unfilled: dict[str, list[AgeBucket]] = {}
    for key, area in found["active"]["area"]["buckets"].items():
        skills[key] = [(b["key"], int(b["doc_count"])) for b in area["skills"]["buckets"]]
        by_key = {b["key"]: b for b in area["age"]["buckets"]}
        unfilled[key] = [
            AgeBucket(
                key,
                low,
                high,
                int(by_key[key]["doc_count"]) if key in by_key else 0,
                int(by_key[key]["openings"]["value"] or 0) if key in by_key else 0,
            )
            for key, low, high in AGE_RANGES
        ]
    return IndexAggregates(buckets=_buckets(found["published"]), skills=skills, unfilled=unfilled)


def _buckets(published: dict[str, Any]) -> list[DemandBucket]:
    buckets: list[DemandBucket] = []
    for commune in published["commune"]["buckets"]:
        for rome in commune["rome"]["buckets"]:
            codes = (_code(commune["key"]), _code(rome["key"]))
            for month in rome["month"]["buckets"]:
                buckets.append(
                    DemandBucket(
                        *codes,
                        month=date.fromisoformat(month["key_as_string"]),
                        offers=int(month["doc_count"]),
                        openings=int(month["openings"]["value"]),
                    )
                )
            none = rome["no_month"]
            if none["doc_count"]:
                buckets.append(
                    DemandBucket(*codes, None, int(none["doc_count"]), int(none["openings"]["value"]))
                )
    return buckets


def _code(key: str) -> str | None:
    return None if key == _MISSING else key
