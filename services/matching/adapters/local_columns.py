"""The local index's offers as column arrays, and the rules of `domain.rules` compiled to masks over them.

Keyword fields are kept as small integer codes and work conditions as a bit mask, so that every rule is
one vectorised comparison per row. The distance around the person comes first, through the grid of cells
(`local_grid`): every other test then reads only the rows of the cells around the person, then a bounding
box, then the haversine on the few rows left. Columns have spare capacity (doubled when full): appending
one offer costs O(1).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from common.geo import EARTH_RADIUS_KM
from services.matching.adapters.local_grid import CellGrid, cell_keys
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
Rows = npt.NDArray[np.int64]  # row numbers, ascending; a mask over them is as long as they are


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

    def at_least(self, bound: float | date, at: Rows) -> Mask:
        return np.asarray(self.array[at] >= _scalar(bound))

    def at_most(self, bound: float | date, at: Rows) -> Mask:
        return np.asarray(self.array[at] <= _scalar(bound))


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

    def matching(self, values: frozenset[str], at: Rows) -> Mask:
        if len(values) == 1:
            (value,) = values
            return np.asarray(self.array[at] == self.codes.get(value, -1))
        return np.isin(self.array[at], self.wanted(values))


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

    def matching(self, values: frozenset[str], at: Rows) -> Mask:
        """Rows that hold at least one of the values."""
        if len(self.bits) >= self.BITS:  # more distinct values than bits: check the rows one by one
            kept = self.values
            return np.fromiter((not values.isdisjoint(kept[row]) for row in at.tolist()), bool, len(at))
        wanted = 0
        for value in values:
            if value in self.bits:
                wanted |= 1 << self.bits[value]
        return np.asarray((self.array[at] & np.uint64(wanted)) != 0)


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
        # The grid holds each row under the cell it was last placed in (`cell`, -1: not placed yet); rows
        # written since are placed in one batch by the next search (`_place_pending`).
        self.grid = CellGrid()
        self.cell = NumberColumn(np.int64)
        self._pending: set[int] = set()

    def _all(self) -> list[_Column]:
        columns = [self.lat, self.lon, self.rome_code, self.esco_uri, self.cell]
        return [*columns, *self.numbers.values(), *self.keywords.values()]

    def grow(self, capacity: int, n: int) -> None:
        for column in self._all():
            column.grow(capacity, n)
        self.cell.array[n:] = -1

    def set(self, row: int, doc: IndexedOffer) -> None:
        self.lat.set(row, doc.lat)
        self.lon.set(row, doc.lon)
        for field, column in self.numbers.items():
            column.set(row, getattr(doc, field))
        for field, keyword in self.keywords.items():
            keyword.set(row, getattr(doc, field))
        self.rome_code.set(row, doc.rome_code or None)
        self.esco_uri.set(row, doc.esco_uri or None)
        self._pending.add(row)

    def move(self, source: int, target: int) -> None:
        """Row `source` becomes row `target` (a delete fills its hole with the last row); `target`'s own
        offer must be gone already (`forget`)."""
        self._place_pending()
        for column in self._all():
            column.array[target] = column.array[source]
        conditions = self.keywords[Field.CONDITIONS]
        assert isinstance(conditions, SetColumn)
        conditions.values[target] = conditions.values[source]
        self.grid.renumber(source, int(self.cell.array[source]), target)
        self.cell.array[source] = -1

    def forget(self, row: int) -> None:
        """Take a deleted offer's row out of the grid (its column values are overwritten or cut off)."""
        self._place_pending()
        self.grid.remove(np.asarray([row]), self.cell.array[[row]])
        self.cell.array[row] = -1

    def truncate(self, n: int) -> None:
        """Rows [n, …) hold no offer any more (deletes moved the last rows into their holes)."""
        conditions = self.keywords[Field.CONDITIONS]
        assert isinstance(conditions, SetColumn)
        del conditions.values[n:]

    def _place_pending(self) -> None:
        if not self._pending:
            return
        rows = np.fromiter(sorted(self._pending), dtype=np.int64, count=len(self._pending))
        keys = cell_keys(self.lat.array[rows], self.lon.array[rows])
        self.grid.place(rows, self.cell.array[rows], keys)
        self.cell.array[rows] = keys
        self._pending.clear()

    def rows_passing(self, rule: Rule, n: int) -> Rows:
        """Rows of [0, n) for which the rule holds, ascending. With a distance among the rules, only the
        rows of the grid's cells around its centre are read; then a vectorised mask per rule, distances
        last (a bounding box, then the haversine on the rows left)."""
        leaves = conjuncts(rule)
        places = [leaf for leaf in leaves if isinstance(leaf, Within)]
        boxes = [(place, *_box_degrees(place.lat, place.lon, place.km)) for place in places]
        if boxes:
            self._place_pending()
            place, dlat, dlon = boxes[0]
            rows = np.sort(self.grid.rows_in_box(place.lat, place.lon, dlat, dlon))
        else:
            rows = np.arange(n, dtype=np.int64)
        mask = np.ones(len(rows), dtype=bool)
        for leaf in leaves:
            if not isinstance(leaf, Within):
                self._narrow(mask, leaf, rows)
        for place, dlat, dlon in boxes:
            mask &= np.abs(self.lat.array[rows] - place.lat) <= dlat
            if dlon is not None:
                mask &= np.abs(self.lon.array[rows] - place.lon) <= dlon
        rows = rows[mask]
        for place in places:
            if len(rows):
                rows = rows[_within_km(self.lat.array[rows], self.lon.array[rows], place)]
        return rows

    def _narrow(self, mask: Mask, rule: Rule, at: Rows) -> None:
        """Clear, in place, the positions of `mask` whose rows (`at`) break the rule."""
        match rule:
            case NoneOf(Field.ID, ids):
                mask &= ~self._rows_mask(ids, at)
            case Equals(Field.ID, offer_id):
                mask &= self._rows_mask((offer_id,), at)
            case OneOf(Field.ID, ids):
                mask &= self._rows_mask(ids, at)
            case Equals(field, value):
                mask &= self._keyword(field).matching(frozenset((value,)), at)
            case OneOf(field, values):
                mask &= self._keyword(field).matching(values, at)
            case NoneOf(field, values):
                mask &= ~self._keyword(field).matching(values, at)
            case AtLeast(field, bound):
                mask &= self._number(field).at_least(bound, at)
            case AtMost(field, bound):
                mask &= self._number(field).at_most(bound, at)
            case _:
                raise TypeError(f"not a leaf rule: {rule!r}")

    def _rows_mask(self, ids: Iterable[str], at: Rows) -> Mask:
        """Which of the rows `at` hold one of the offers `ids`."""
        wanted = np.asarray([self.row_of[i] for i in ids if i in self.row_of], dtype=np.int64)
        return np.isin(at, wanted)

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
