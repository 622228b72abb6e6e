"""The local index's offers as column arrays, and the rules of `domain.rules` compiled to masks over them.

Keyword fields are kept as small integer codes and work conditions as a bit mask, so that every rule is
one vectorised comparison per row; distances come last, first as a bounding box, then as a haversine on
the few rows left. Columns have spare capacity (doubled when full): appending one offer costs O(1).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from common.geo import EARTH_RADIUS_KM
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
from services.matching.ports import IndexedOffer

Mask = npt.NDArray[np.bool_]
Rows = npt.NDArray[np.int64]


class _Column:
    def __init__(self, dtype: Any) -> None:
        self.array: npt.NDArray[Any] = np.zeros(0, dtype=dtype)

    def grow(self, capacity: int, n: int) -> None:
        new = np.zeros(capacity, dtype=self.array.dtype)
        new[:n] = self.array[:n]
        self.array = new


class NumberColumn(_Column):
    """Numbers or days (datetime64[D]), compared with bounds."""

    def set(self, row: int, value: float | date) -> None:
        self.array[row] = np.datetime64(value, "D") if isinstance(value, date) else value

    def at_least(self, bound: float | date, n: int) -> Mask:
        return np.asarray(self.array[:n] >= _scalar(bound))

    def at_most(self, bound: float | date, n: int) -> Mask:
        return np.asarray(self.array[:n] <= _scalar(bound))


class CodedColumn(_Column):
    """A keyword as a small integer code per distinct value (0: no value)."""

    def __init__(self, dtype: Any) -> None:
        super().__init__(dtype)
        self.codes: dict[str, int] = {}

    def set(self, row: int, value: str | None) -> None:
        self.array[row] = 0 if value is None else self.codes.setdefault(value, len(self.codes) + 1)

    def wanted(self, values: Iterable[str]) -> npt.NDArray[Any]:
        """The codes of the values (values no row has are left out: they match nothing)."""
        return np.asarray([self.codes[v] for v in values if v in self.codes], dtype=self.array.dtype)

    def matching(self, values: frozenset[str], n: int) -> Mask:
        if len(values) == 1:
            (value,) = values
            return np.asarray(self.array[:n] == self.codes.get(value, -1))
        return np.isin(self.array[:n], self.wanted(values))


class SetColumn(_Column):
    """A many-valued keyword (work conditions) as one bit per distinct value."""

    BITS = 64

    def __init__(self) -> None:
        super().__init__(np.uint64)
        self.bits: dict[str, int] = {}
        self.values: list[frozenset[str]] = []  # row -> values, for when there are more values than bits

    def set(self, row: int, values: tuple[str, ...]) -> None:
        mask = 0
        for value in values:
            mask |= 1 << min(self.bits.setdefault(value, len(self.bits)), self.BITS - 1)
        self.array[row] = mask
        if row == len(self.values):
            self.values.append(frozenset(values))
        else:
            self.values[row] = frozenset(values)

    def matching(self, values: frozenset[str], n: int) -> Mask:
        """Rows that hold at least one of the values."""
        if len(self.bits) >= self.BITS:  # more distinct values than bits: check the rows one by one
            return np.fromiter((not values.isdisjoint(row) for row in self.values[:n]), bool, n)
        wanted = 0
        for value in values:
            if value in self.bits:
                wanted |= 1 << self.bits[value]
        return np.asarray((self.array[:n] & np.uint64(wanted)) != 0)


class OfferColumns:
    """The searchable facts of the offers, row by row, and `rows_passing` to compile a rule over them."""

    def __init__(self, row_of: dict[str, int]) -> None:
        self.row_of = row_of  # offer id -> row, owned by the index
        self.lat = NumberColumn(np.float64)
        self.lon = NumberColumn(np.float64)
        self.numbers = {
            Field.HOURS_PER_WEEK: NumberColumn(np.float64),
            Field.EXPIRES_ON: NumberColumn("datetime64[D]"),
        }
        self.keywords: dict[Field, CodedColumn | SetColumn] = {
            Field.STATUS: CodedColumn(np.int16),
            Field.CONTRACT_TYPE: CodedColumn(np.int16),
            Field.CONDITIONS: SetColumn(),
        }
        self.rome_code = CodedColumn(np.int32)
        self.esco_uri = CodedColumn(np.int32)

    def _all(self) -> list[_Column]:
        columns = [self.lat, self.lon, self.rome_code, self.esco_uri]
        return [*columns, *self.numbers.values(), *self.keywords.values()]

    def grow(self, capacity: int, n: int) -> None:
        for column in self._all():
            column.grow(capacity, n)

    def set(self, row: int, doc: IndexedOffer) -> None:
        self.lat.set(row, doc.lat)
        self.lon.set(row, doc.lon)
        for field, column in self.numbers.items():
            column.set(row, getattr(doc, field))
        for field, keyword in self.keywords.items():
            keyword.set(row, getattr(doc, field))
        self.rome_code.set(row, doc.rome_code or None)
        self.esco_uri.set(row, doc.esco_uri or None)

    def rows_passing(self, rule: Rule, n: int) -> Rows:
        """Rows of [0, n) for which the rule holds: a vectorised mask per rule, distances last (a bounding
        box, then the haversine on the rows left)."""
        leaves = conjuncts(rule)
        places = [leaf for leaf in leaves if isinstance(leaf, Within)]
        mask = np.ones(n, dtype=bool)
        for leaf in leaves:
            if not isinstance(leaf, Within):
                self._narrow(mask, leaf, n)
        for place in places:
            dlat, dlon = _box_degrees(place.lat, place.lon, place.km)
            mask &= np.abs(self.lat.array[:n] - place.lat) <= dlat
            if dlon is not None:
                mask &= np.abs(self.lon.array[:n] - place.lon) <= dlon
        rows = np.flatnonzero(mask)
        for place in places:
            if len(rows):
                rows = rows[_within_km(self.lat.array[rows], self.lon.array[rows], place)]
        return rows

    def _narrow(self, mask: Mask, rule: Rule, n: int) -> None:
        """Clear, in place, the rows of `mask` that break the rule."""
        match rule:
            case NoneOf(Field.ID, ids):
                for offer_id in ids:
                    row = self.row_of.get(offer_id)
                    if row is not None:
                        mask[row] = False
            case Equals(Field.ID, offer_id):
                mask &= self._rows_mask((offer_id,), n)
            case OneOf(Field.ID, ids):
                mask &= self._rows_mask(ids, n)
            case Equals(field, value):
                mask &= self._keyword(field).matching(frozenset((value,)), n)
            case OneOf(field, values):
                mask &= self._keyword(field).matching(values, n)
            case NoneOf(field, values):
                mask &= ~self._keyword(field).matching(values, n)
            case AtLeast(field, bound):
                mask &= self._number(field).at_least(bound, n)
            case AtMost(field, bound):
                mask &= self._number(field).at_most(bound, n)
            case _:
                raise TypeError(f"not a leaf rule: {rule!r}")

    def _rows_mask(self, ids: Iterable[str], n: int) -> Mask:
        keep = np.zeros(n, dtype=bool)
        keep[[self.row_of[i] for i in ids if i in self.row_of]] = True
        return keep

    def _keyword(self, field: Field) -> CodedColumn | SetColumn:
        if field not in self.keywords:
            raise TypeError(f"the local index keeps no keyword column for {field}")
        return self.keywords[field]

    def _number(self, field: Field) -> NumberColumn:
        if field not in self.numbers:
            raise TypeError(f"the local index keeps no number column for {field}")
        return self.numbers[field]


def _scalar(bound: float | date) -> Any:
    return np.datetime64(bound, "D") if isinstance(bound, date) else bound


def _box_degrees(lat0: float, lon0: float, radius_km: float) -> tuple[float, float | None]:
    """Half-sides, in degrees, of a box that holds every point within `radius_km` of (lat0, lon0) on the
    sphere; None for longitude when the circle reaches a pole or the antimeridian (no longitude bound)."""
    angle = radius_km / EARTH_RADIUS_KM
    margin = 1e-9  # a point exactly on the circle stays inside despite rounding
    dlat = float(np.degrees(angle)) + margin
    cos_lat = float(np.cos(np.radians(lat0)))
    ratio = float(np.sin(min(angle, np.pi / 2))) / cos_lat if cos_lat > 1e-12 else 1.0
    if ratio >= 1.0:
        return dlat, None
    dlon = float(np.degrees(np.arcsin(ratio))) + margin
    if abs(lon0) + dlon >= 180.0:
        return dlat, None
    return dlat, dlon


def _within_km(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], place: Within) -> Mask:
    p1, p2 = np.radians(place.lat), np.radians(lat)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon - place.lon) / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    return np.asarray(distance <= place.km)
