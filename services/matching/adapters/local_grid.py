"""The local index's rows by place: a grid of cells over latitude and longitude, kept sorted by cell.

A search's first filter is always a distance around the person's commune. Rather than compare every
row's position, the grid gives the rows of the cells that a box around the circle covers: one binary
search per row of cells. The exact tests (box, then haversine, then every other rule) run on those rows
only. Writes keep the order with one binary search and one insert per batch, never a re-sort.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Rows = npt.NDArray[np.int64]

CELL_DEGREES = 0.05  # about 5.5 km of latitude: a 40 km radius covers ~15 rows of cells
_COLUMNS = math.ceil(360 / CELL_DEGREES) + 1
_LAST_ROW = math.ceil(180 / CELL_DEGREES)


def _cell_row(lat: float | npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    return np.clip(np.floor((np.asarray(lat) + 90.0) / CELL_DEGREES), 0, _LAST_ROW).astype(np.int64)


def _cell_column(lon: float | npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    return np.clip(np.floor((np.asarray(lon) + 180.0) / CELL_DEGREES), 0, _COLUMNS - 1).astype(np.int64)


def cell_keys(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """One integer per cell, ordered row of cells by row of cells (south to north), west to east."""
    return _cell_row(lat) * _COLUMNS + _cell_column(lon)


class CellGrid:
    """Every live row once, sorted by the key of its cell (`keys[i]` is the cell of `rows[i]`)."""

    def __init__(self) -> None:
        self.keys: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.rows: Rows = np.zeros(0, dtype=np.int64)

    def place(self, rows: Rows, old_keys: npt.NDArray[np.int64], new_keys: npt.NDArray[np.int64]) -> None:
        """Move `rows` from `old_keys` (-1: a new row) to `new_keys`; rows whose cell is unchanged stay."""
        moved = old_keys != new_keys
        rows, old_keys, new_keys = rows[moved], old_keys[moved], new_keys[moved]
        if not len(rows):
            return
        known = old_keys >= 0
        if known.any():
            self.remove(rows[known], old_keys[known])
        order = np.argsort(new_keys, kind="stable")
        at = np.searchsorted(self.keys, new_keys[order])
        self.keys = np.insert(self.keys, at, new_keys[order])
        self.rows = np.insert(self.rows, at, rows[order])

    def remove(self, rows: Rows, keys: npt.NDArray[np.int64]) -> None:
        """Take the rows out of their cells (each must be in the cell its key names)."""
        self.keys, self.rows = self._without(self._positions(rows, keys))

    def renumber(self, row: int, key: int, new_row: int) -> None:
        """The row at `row` (in cell `key`) is now numbered `new_row` (a delete moved it into a hole)."""
        self.rows[self._positions(np.asarray([row]), np.asarray([key]))] = new_row

    def _positions(self, rows: Rows, keys: npt.NDArray[np.int64]) -> Rows:
        starts = np.searchsorted(self.keys, keys, side="left")
        ends = np.searchsorted(self.keys, keys, side="right")
        found = []
        for row, start, end in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
            (offset,) = np.flatnonzero(self.rows[start:end] == row)
            found.append(start + int(offset))
        return np.asarray(found, dtype=np.int64)

    def _without(self, positions: Rows) -> tuple[npt.NDArray[np.int64], Rows]:
        keep = np.ones(len(self.keys), dtype=bool)
        keep[positions] = False
        return self.keys[keep], self.rows[keep]

    def rows_in_box(self, lat: float, lon: float, dlat: float, dlon: float | None) -> Rows:
        """Rows of every cell that meets the box lat ± dlat, lon ± dlon (dlon None: every longitude);
        a superset of the rows in the box, which the caller tests exactly."""
        south, north = int(_cell_row(lat - dlat)), int(_cell_row(lat + dlat))
        cell_rows = np.arange(south, north + 1, dtype=np.int64) * _COLUMNS
        if dlon is None:
            west, east = 0, _COLUMNS - 1
        else:
            west, east = int(_cell_column(lon - dlon)), int(_cell_column(lon + dlon))
        starts = np.searchsorted(self.keys, cell_rows + west, side="left")
        ends = np.searchsorted(self.keys, cell_rows + east, side="right")
        return _concatenated_ranges(self.rows, starts, ends)


def _concatenated_ranges(values: Rows, starts: Rows, ends: Rows) -> Rows:
    """values[starts[0]:ends[0]], values[starts[1]:ends[1]], … as one array, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    picked: Rows = values[np.arange(total, dtype=np.int64) + offsets]
    return picked
