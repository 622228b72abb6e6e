"""The rules of `domain.rules` compiled to an Elasticsearch bool filter (used inside the kNN query)."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.matching.domain.constraints import search_rule
from services.matching.domain.rules import (
    AtLeast,
    AtMost,
    Equals,
    Field,
    NoneOf,
    OneOf,
    Rule,
    Within,
    conjuncts,
)
from services.matching.ports import HardFilters


def filter_query(filters: HardFilters) -> dict[str, Any]:
    """The hard constraints as an Elasticsearch bool filter."""
    return compile_rule(search_rule(filters))


def compile_rule(rule: Rule) -> dict[str, Any]:
    """A bool query that matches exactly the documents of the offers for which `holds(rule, offer)`."""
    must: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    for leaf in conjuncts(rule):
        if isinstance(leaf, NoneOf):
            must_not.append(_any_of(leaf.field, leaf.values))
        else:
            must.append(_clause(leaf))
    return {"bool": {"filter": must, "must_not": must_not}}


def _clause(rule: Rule) -> dict[str, Any]:
    match rule:
        case Within(lat, lon, km):
            return {"geo_distance": {"distance": f"{km}km", "location": {"lat": lat, "lon": lon}}}
        case Equals(field, value) if field is not Field.ID:
            return {"term": {field.value: value}}
        case Equals(field, value):
            return _any_of(field, frozenset((value,)))
        case OneOf(field, values):
            return _any_of(field, values)
        case AtLeast(field, bound):
            return {"range": {field.value: {"gte": _json(bound)}}}
        case AtMost(field, bound):
            return {"range": {field.value: {"lte": _json(bound)}}}
    raise TypeError(f"not a leaf rule: {rule!r}")


def _any_of(field: Field, values: frozenset[str]) -> dict[str, Any]:
    """Documents with at least one of the values (an array field matches when any element does)."""
    if field is Field.ID:
        return {"ids": {"values": sorted(values)}}
    return {"terms": {field.value: sorted(values)}}


def _json(bound: float | date) -> float | str:
    return bound.isoformat() if isinstance(bound, date) else bound
