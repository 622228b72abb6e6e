"""The hard filters as an Elasticsearch bool filter: what `domain.constraints` checks again on every
result, and what the local index applies as numpy masks."""

from __future__ import annotations

from typing import Any

from services.matching.ports import HardFilters


def filter_query(filters: HardFilters) -> dict[str, Any]:
    """The hard filters as an Elasticsearch bool filter (what `domain.constraints` checks again)."""
    must: list[dict[str, Any]] = [
        {"term": {"status": "active"}},
        {"range": {"expires_on": {"gte": filters.today.isoformat()}}},
        {
            "geo_distance": {
                "distance": f"{filters.radius_km}km",
                "location": {"lat": filters.lat, "lon": filters.lon},
            }
        },
    ]
    if filters.contract_types:
        must.append({"terms": {"contract_type": sorted(filters.contract_types)}})
    hours: dict[str, float] = {}
    if filters.min_hours is not None:
        hours["gte"] = filters.min_hours
    if filters.max_hours is not None:
        hours["lte"] = filters.max_hours
    if hours:
        must.append({"range": {"hours_per_week": hours}})
    must_not: list[dict[str, Any]] = []
    if filters.excluded_conditions:
        must_not.append({"terms": {"conditions": sorted(filters.excluded_conditions)}})
    if filters.excluded_offer_ids:
        must_not.append({"ids": {"values": sorted(filters.excluded_offer_ids)}})
    return {"bool": {"filter": must, "must_not": must_not}}
