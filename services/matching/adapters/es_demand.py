"""Demand aggregates from Elasticsearch: the aggregation query and the reading of its buckets.

Nested terms (commune > NAF > ROME) with a monthly date_histogram summing openings; the skills and the
age of open offers under a filter aggregation. Sizes cover a département's codes. The local index
computes the same numbers in Python (`domain.analytics.aggregate_documents`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.matching.adapters.es_filters import compile_rule
from services.matching.domain.constraints import open_offers
from services.matching.ports import AGE_RANGES, AgeBucket, DemandBucket, IndexAggregates

# Terms aggregations leave out documents without the field unless told what to call them.
_MISSING = "__none__"
_OPENINGS = {"openings": {"sum": {"field": "openings"}}}


def demand_aggregations(today: date, since: date | None, top_skills: int) -> dict[str, Any]:
    published = [{"range": {"published_on": {"gte": since.isoformat()}}}] if since else []
    return {
        "published": {"filter": {"bool": {"filter": published}}, "aggs": _by_place_and_code()},
        "active": {
            "filter": compile_rule(open_offers(today)),
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
    naf = {"terms": {"field": "naf_code", "size": 1000, "missing": _MISSING}, "aggs": {"rome": rome}}
    commune = {"terms": {"field": "insee_code", "size": 5000, "missing": _MISSING}, "aggs": {"naf": naf}}
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
    skills = [(b["key"], int(b["doc_count"])) for b in found["active"]["skills"]["buckets"]]
    by_key = {b["key"]: b for b in found["active"]["age"]["buckets"]}
    unfilled = [
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
        for naf in commune["naf"]["buckets"]:
            for rome in naf["rome"]["buckets"]:
                codes = (_code(commune["key"]), _code(naf["key"]), _code(rome["key"]))
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
