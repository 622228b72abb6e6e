"""Demand aggregates from Elasticsearch: the aggregation query and the reading of its buckets.

Nested terms (commune > NAF > ROME) with a monthly date_histogram summing openings; the skills and the
age of open offers under a filter aggregation. Sizes cover a département's codes. The local index
computes the same numbers in Python (`domain.analytics.aggregate_documents`).

Buckets are read back by the codes the report's sector depends on (`domain.sectors.sector_codes`: the
NAF division when it names a section, else the ROME letter), merged, as the local index makes them:
100k offers give ~95k commune × NAF × ROME × month buckets but ~28k by sector, which is what the report
then walks (bench/RESULTS.md). Grouping by sector inside Elasticsearch would need a script (the rig's
Elasticsearch runs without painless) or an indexed sector field (a mapping change and a reindex): not
done yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from services.matching.adapters.es_filters import compile_rule
from services.matching.domain.constraints import open_offers
from services.matching.domain.sectors import sector_codes
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
    """The buckets by commune, sector codes and month, as the local index makes them (one per sector, not
    per NAF and ROME code: `sector_codes`)."""
    tallies: dict[tuple[str | None, str | None, str | None, date | None], list[int]] = {}

    def add(codes: tuple[str | None, ...], month: date | None, found: dict[str, Any]) -> None:
        tally = tallies.setdefault((codes[0], codes[1], codes[2], month), [0, 0])
        tally[0] += int(found["doc_count"])
        tally[1] += int(found["openings"]["value"] or 0)

    for commune in published["commune"]["buckets"]:
        for naf in commune["naf"]["buckets"]:
            for rome in naf["rome"]["buckets"]:
                codes = (_code(commune["key"]), *sector_codes(_code(naf["key"]), _code(rome["key"])))
                for month in rome["month"]["buckets"]:
                    add(codes, date.fromisoformat(month["key_as_string"]), month)
                if rome["no_month"]["doc_count"]:
                    add(codes, None, rome["no_month"])
    return [DemandBucket(*key, offers, openings) for key, (offers, openings) in tallies.items()]


def _code(key: str) -> str | None:
    return None if key == _MISSING else key
