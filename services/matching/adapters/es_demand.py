"""Demand aggregates from Elasticsearch: the aggregation query and the reading of its buckets.

Over the offers published in [since, until) and in the areas' communes, by area (a `filters`
aggregation): terms on the commune and, beside it, terms on the ROME code, each with a monthly
date_histogram summing openings — two margins, not their cross (commune × ROME × month passed
`search.max_buckets`, 65,536, at 100k offers). By area too, the skills and the age of open offers. Sizes
cover a département's codes. The request is a size-0 aggregation, which the shard request cache keeps
until the next refresh that changes the index. `domain.analytics.aggregate_documents` is the reference
the answers are tested against.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from services.matching.adapters.es_filters import compile_rule
from services.matching.domain.constraints import open_offers
from services.matching.ports import AGE_RANGES, AgeBucket, IndexAggregates, MonthCount

# Terms aggregations leave out documents without the field unless told what to call them.
_MISSING = "__none__"
_OPENINGS = {"openings": {"sum": {"field": "openings"}}}
_TERMS_SIZE = 5000  # more than a département's communes or the ROME's codes (1,037 at 100k offers)
EVERYWHERE: dict[str, frozenset[str] | None] = {"tout": None}


def _in(communes: frozenset[str] | None) -> list[dict[str, Any]]:
    return [] if communes is None else [{"terms": {"insee_code": sorted(communes)}}]


def _published(since: date | None, until: date | None) -> list[dict[str, Any]]:
    bounds = {"gte": since.isoformat()} if since else {}
    if until:
        bounds["lt"] = until.isoformat()
    return [{"range": {"published_on": bounds}}] if bounds else []


def demand_aggregations(
    today: date,
    since: date | None,
    areas: Mapping[str, frozenset[str] | None],
    top_skills: int,
    until: date | None = None,
    monthly: bool = True,
) -> dict[str, Any]:
    published = _published(since, until)
    if all(communes is not None for communes in areas.values()):
        union = frozenset().union(*(c for c in areas.values() if c is not None))
        published += _in(union)
    by_area = {key: {"bool": {"filter": _in(communes)}} for key, communes in areas.items()}
    active: dict[str, Any] = {
        "age": {
            "date_range": {"field": "published_on", "format": "yyyy-MM-dd", "ranges": _age_ranges(today)},
            "aggs": _OPENINGS,
        }
    }
    if top_skills > 0:  # a terms aggregation of size 0 is refused
        order = [{"_count": "desc"}, {"_key": "asc"}]
        active["skills"] = {"terms": {"field": "skills", "size": top_skills, "order": order}}
    return {
        "published": {
            "filter": {"bool": {"filter": published}},
            "aggs": {
                "area": {
                    "filters": {"filters": by_area},
                    "aggs": {
                        "commune": _by_month("insee_code", monthly),
                        "rome": _by_month("rome_code", monthly),
                    },
                }
            },
        },
        "active": {
            "filter": compile_rule(open_offers(today)),
            "aggs": {"area": {"filters": {"filters": by_area}, "aggs": active}},
        },
    }


def _by_month(field: str, monthly: bool) -> dict[str, Any]:
    terms = {"terms": {"field": field, "size": _TERMS_SIZE, "missing": _MISSING}, "aggs": dict(_OPENINGS)}
    if monthly:
        terms["aggs"] = {
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
    return terms


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
        skills[key] = [(b["key"], int(b["doc_count"])) for b in area.get("skills", {}).get("buckets", [])]
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
    published = found["published"]["area"]["buckets"]
    return IndexAggregates(
        places={key: _counts(area["commune"]) for key, area in published.items()},
        jobs={key: _counts(area["rome"]) for key, area in published.items()},
        skills=skills,
        unfilled=unfilled,
    )


def _counts(terms: dict[str, Any]) -> list[MonthCount]:
    counts: list[MonthCount] = []
    for term in terms["buckets"]:
        key = None if term["key"] == _MISSING else term["key"]
        if "month" not in term:  # every month together
            counts.append(MonthCount(key, None, int(term["doc_count"]), int(term["openings"]["value"])))
            continue
        for month in term["month"]["buckets"]:
            counts.append(
                MonthCount(
                    key,
                    date.fromisoformat(month["key_as_string"]),
                    int(month["doc_count"]),
                    int(month["openings"]["value"]),
                )
            )
        none = term["no_month"]
        if none["doc_count"]:
            counts.append(MonthCount(key, None, int(none["doc_count"]), int(none["openings"]["value"])))
    return counts
