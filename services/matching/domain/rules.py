"""The rules an offer must pass, as data: a small algebra that each index compiles to its own language.

`constraints` states every hard rule once with these terms; `holds` is their meaning, in plain Python, on
one offer; the adapters compile the same terms to numpy masks (local index) and to Elasticsearch filter
clauses. A rule names an offer's field; on a many-valued field (its work conditions) `Equals` and `OneOf`
hold when the offer has at least one of the values and `NoneOf` when it has none of them — the meaning of
an Elasticsearch terms query on an array. An offer without a value (None) has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from common.geo import haversine_km
from services.matching.ports import IndexedOffer


class Field(StrEnum):
    """The offer fields a rule may test (the names of `IndexedOffer` and of the Elasticsearch mapping)."""

    ID = "id"
    STATUS = "status"
    EXPIRES_ON = "expires_on"
    CONTRACT_TYPE = "contract_type"
    HOURS_PER_WEEK = "hours_per_week"
    CONDITIONS = "conditions"


@dataclass(frozen=True)
class Equals:
    field: Field
    value: str


@dataclass(frozen=True)
class OneOf:
    field: Field
    values: frozenset[str]


@dataclass(frozen=True)
class NoneOf:
    field: Field
    values: frozenset[str]


@dataclass(frozen=True)
class AtLeast:
    field: Field
    bound: float | date


@dataclass(frozen=True)
class AtMost:
    field: Field
    bound: float | date


@dataclass(frozen=True)
class Within:
    """The offer lies at most `km` from the point, as the crow flies (haversine)."""

    lat: float
    lon: float
    km: float


@dataclass(frozen=True)
class All:
    rules: tuple[Rule, ...]


Rule = Equals | OneOf | NoneOf | AtLeast | AtMost | Within | All


def conjuncts(rule: Rule) -> list[Rule]:
    """The rules that must all hold, nested `All`s flattened: what a compiler turns into clauses."""
    if isinstance(rule, All):
        return [leaf for inner in rule.rules for leaf in conjuncts(inner)]
    return [rule]


def holds(rule: Rule, offer: IndexedOffer) -> bool:
    """Whether the offer passes the rule: the meaning every compiled form must agree with."""
    match rule:
        case All(rules):
            return all(holds(inner, offer) for inner in rules)
        case Within(lat, lon, km):
            return haversine_km(lat, lon, offer.lat, offer.lon) <= km
        case Equals(field, value):
            return value in values_of(offer, field)
        case OneOf(field, values):
            return not values.isdisjoint(values_of(offer, field))
        case NoneOf(field, values):
            return values.isdisjoint(values_of(offer, field))
        case AtLeast(field, bound):
            return bool(getattr(offer, field) >= bound)
        case AtMost(field, bound):
            return bool(getattr(offer, field) <= bound)


def values_of(offer: IndexedOffer, field: Field) -> frozenset[str]:
    """The offer's values of a keyword field: one, several (conditions), or none."""
    value = getattr(offer, field)
    if value is None:
        return frozenset()
    if isinstance(value, tuple):
        return frozenset(value)
    return frozenset((value,))
