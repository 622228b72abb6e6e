"""The embedded vector index: exact cosine search in numpy over rows that pass the hard filters.

Offers are kept in SQLite (durable before the consumer commits its offsets) and mirrored in memory as
column arrays. A search is filter first: the grid of cells gives the rows around the person
(`local_grid`), the hard filters are vectorised masks over those rows only (`local_columns`), and only the
rows left are scored, by exact dot products, top-k by partition. Exact search means recall 1.0 by
construction; nothing is approximated.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict
from datetime import date

import numpy as np
import numpy.typing as npt

from services.matching.adapters.local_columns import OfferColumns
from services.matching.adapters.local_demand import DemandColumns, aggregate
from services.matching.domain.constraints import search_rule
from services.matching.ports import (
    HardFilters,
    Hit,
    IndexAggregates,
    IndexedOffer,
    OwnOccupations,
    Search,
    Vector,
)

# Past this share of the rows, score every row in one contiguous product rather than gather (see search).
DENSE_SCAN_FRACTION = 8
# Candidates are gathered this many rows at a time into one reused buffer that stays in the CPU's cache,
# rather than copied all at once into a fresh array as large as themselves (see `_scores`).
GATHER_ROWS = 256

_SCHEMA = """
CREATE TABLE IF NOT EXISTS offer_index (
    id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL, vector BLOB NOT NULL)
"""


class LocalOfferIndex:
    backend = "local"

    def __init__(self, path: str, dimensions: int) -> None:
        self._path = path
        self._dims = dimensions
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._reset_memory()
        self._load()
        self._gathered = np.zeros((GATHER_ROWS, dimensions), dtype=np.float32)

    # -- memory mirror --------------------------------------------------------------------------------
    # Vectors and the offers' searchable facts as column arrays with spare capacity (doubled when full):
    # appending one offer to 10^5 costs O(1), not a copy of the whole 150 MB matrix. Rows [0, n) are live.
    def _reset_memory(self) -> None:
        self._row_of: dict[str, int] = {}
        self._docs: list[IndexedOffer] = []
        self._columns = OfferColumns(self._row_of)
        self._demand = DemandColumns()
        self._vectors: npt.NDArray[np.float32] = np.zeros((0, self._dims), dtype=np.float32)
        self._allocate(0)
        # A suggestion searches twice with the same filters (the window, then the person's own métiers):
        # the second reuses the first's candidate rows, as long as no write came in between.
        self._writes = 0
        self._last_candidates: tuple[int, HardFilters, npt.NDArray[np.int64]] | None = None

    def _allocate(self, capacity: int) -> None:
        n = len(self._docs)
        vectors = np.zeros((capacity, self._dims), dtype=np.float32)
        vectors[:n] = self._vectors[:n]
        self._vectors = vectors
        self._columns.grow(capacity, n)
        self._demand.grow(capacity, n)

    def _load(self) -> None:
        rows = self._db.execute("SELECT doc, vector FROM offer_index").fetchall()
        docs = [_doc_from_json(doc) for doc, _ in rows]
        vectors = [np.frombuffer(blob, dtype=np.float32) for _, blob in rows]
        self._append(docs, vectors)

    def _append(self, docs: Sequence[IndexedOffer], vectors: Sequence[Vector]) -> None:
        self._writes += 1
        for doc, vector in zip(docs, vectors, strict=True):
            row = self._row_of.get(doc.id)
            if row is None:
                row = len(self._docs)
                if row == len(self._vectors):
                    self._allocate(max(1024, 2 * row))
                self._docs.append(doc)
                self._row_of[doc.id] = row
            else:
                self._docs[row] = doc
            self._vectors[row] = vector
            self._columns.set(row, doc)
            self._demand.set(row, doc)

    # -- the port -------------------------------------------------------------------------------------
    def ensure(self) -> None:
        return None

    def versions(self, ids: Sequence[str]) -> dict[str, int]:
        with self._lock:
            return {i: self._docs[self._row_of[i]].version for i in ids if i in self._row_of}

    def get_offers(self, ids: Sequence[str]) -> dict[str, IndexedOffer]:
        with self._lock:
            return {i: self._docs[self._row_of[i]] for i in ids if i in self._row_of}

    def upsert(self, offers: Sequence[tuple[IndexedOffer, Vector]]) -> int:
        with self._lock:
            known = self.versions([doc.id for doc, _ in offers])
            newest: dict[str, tuple[IndexedOffer, Vector]] = {}
            for doc, vector in offers:
                # Idempotent by version: a redelivered or older event never overwrites a newer offer.
                if doc.version <= known.get(doc.id, 0):
                    continue
                current = newest.get(doc.id)
                if current is None or doc.version > current[0].version:
                    newest[doc.id] = (doc, vector)
            if not newest:
                return 0
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT INTO offer_index VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                    "version = excluded.version, doc = excluded.doc, vector = excluded.vector",
                    [
                        (d.id, d.version, _doc_to_json(d), v.astype(np.float32).tobytes())
                        for d, v in newest.values()
                    ],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._append([d for d, _ in newest.values()], [v for _, v in newest.values()])
            return len(newest)

    def delete(self, ids: Sequence[str]) -> None:
        with self._lock:
            self._db.executemany("DELETE FROM offer_index WHERE id = ?", [(i,) for i in ids])
            self._writes += 1
            for offer_id in ids:
                row = self._row_of.pop(offer_id, None)
                if row is not None:
                    self._fill_hole(row)
            self._columns.truncate(len(self._docs))
            self._demand.truncate(len(self._docs))

    def _fill_hole(self, row: int) -> None:
        """Drop row `row` from memory by moving the last row into it: O(1) per offer, rows stay dense."""
        self._columns.forget(row)
        last = len(self._docs) - 1
        if row != last:
            moved = self._docs[last]
            self._docs[row] = moved
            self._row_of[moved.id] = row
            self._vectors[row] = self._vectors[last]
            self._columns.move(last, row)
            self._demand.set(row, moved)
        self._docs.pop()

    def count(self) -> int:
        with self._lock:
            return len(self._docs)

    def reachable(self) -> bool:
        return True  # in this process

    def search(
        self, vector: Vector, filters: HardFilters, k: int, within: OwnOccupations | None = None
    ) -> list[Hit]:
        with self._lock:
            n = len(self._docs)
            if not n:
                return []
            candidates = self._candidates(filters, n)
            if within is not None:
                candidates = candidates[self._of_occupations(candidates, within)]
            if not len(candidates):
                return []
            scores = self._scores(np.asarray(vector, dtype=np.float32), candidates, n)
            picked = self._nearest(candidates, scores, k)
            return [Hit(self._docs[candidates[j]], float(scores[j])) for j in picked]

    def search_together(self, searches: Sequence[Search]) -> list[list[Hit]]:
        # In process there is no round trip to save: one search after the other.
        return [self.search(one.vector, one.filters, one.k, one.within) for one in searches]

    def _candidates(self, filters: HardFilters, n: int) -> npt.NDArray[np.int64]:
        last = self._last_candidates
        if last is not None and last[0] == self._writes and last[1] == filters:
            return last[2]
        candidates = self._columns.rows_passing(search_rule(filters), n)
        self._last_candidates = (self._writes, filters, candidates)
        return candidates

    def _scores(
        self, query: npt.NDArray[np.float32], rows: npt.NDArray[np.int64], n: int
    ) -> npt.NDArray[np.float32]:
        """The exact dot products of the query with the rows (ascending)."""
        if len(rows) * DENSE_SCAN_FRACTION > n:
            # Past 1/8 of the rows, one contiguous product over every row, keeping the candidates', reads
            # memory faster than gathering the rows scattered over the matrix.
            dense: npt.NDArray[np.float32] = (self._vectors[:n] @ query)[rows]
            return dense
        scores = np.empty(len(rows), dtype=np.float32)
        buffer = self._gathered
        for start in range(0, len(rows), GATHER_ROWS):
            chunk = rows[start : start + GATHER_ROWS]
            np.take(self._vectors, chunk, axis=0, out=buffer[: len(chunk)])
            np.dot(buffer[: len(chunk)], query, out=scores[start : start + len(chunk)])
        return scores

    def _of_occupations(
        self, candidates: npt.NDArray[np.int64], within: OwnOccupations
    ) -> npt.NDArray[np.int64]:
        """Positions among `candidates` of the offers of those fiches or ESCO occupations."""
        mask = np.zeros(len(candidates), dtype=bool)
        columns = self._columns
        for column, codes in ((columns.rome_code, within.rome_codes), (columns.esco_uri, within.esco_uris)):
            wanted = column.wanted(codes)
            if len(wanted):
                mask |= np.isin(column.array[candidates], wanted)
        return np.flatnonzero(mask)

    def _nearest(self, rows: npt.NDArray[np.int64], scores: npt.NDArray[np.float32], k: int) -> list[int]:
        """Positions in `rows` of the k best scores, best first, ties by id."""
        top = min(k, len(rows))
        best = np.argpartition(-scores, top - 1)[:top]
        return [int(j) for j in sorted(best, key=lambda j: (-float(scores[j]), self._docs[rows[j]].id))]

    def rebuild(self, batches: Iterator[Sequence[tuple[IndexedOffer, Vector]]]) -> int:
        """Write into a side table, then swap it in one transaction: searches never see half an index."""
        with self._lock:
            self._db.execute("DROP TABLE IF EXISTS offer_index_next")
            self._db.execute(_SCHEMA.replace("offer_index", "offer_index_next"))
        written = 0
        for batch in batches:
            with self._lock:
                self._db.executemany(
                    "INSERT OR REPLACE INTO offer_index_next VALUES (?, ?, ?, ?)",
                    [(d.id, d.version, _doc_to_json(d), v.astype(np.float32).tobytes()) for d, v in batch],
                )
            written += len(batch)
        with self._lock:
            self._db.execute("BEGIN")
            self._db.execute("DROP TABLE offer_index")
            self._db.execute("ALTER TABLE offer_index_next RENAME TO offer_index")
            self._db.execute("COMMIT")
            self._reset_memory()
            self._load()
        return written

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def aggregate_demand(
        self,
        today: date,
        since: date | None = None,
        areas: Mapping[str, frozenset[str] | None] | None = None,
        top_skills: int = 50,
        until: date | None = None,
        monthly: bool = True,
    ) -> IndexAggregates:
        with self._lock:  # a copy of the rows' facts (milliseconds); counted outside the lock
            facts = self._demand.snapshot(len(self._docs))
        return aggregate(facts, today, since, areas, top_skills, until, monthly)


def _doc_to_json(doc: IndexedOffer) -> str:
    data = asdict(doc)
    data["expires_on"] = doc.expires_on.isoformat()
    data["published_on"] = doc.published_on.isoformat() if doc.published_on else None
    return json.dumps(data, ensure_ascii=False)


def _doc_from_json(raw: str) -> IndexedOffer:
    data = json.loads(raw)
    data["expires_on"] = date.fromisoformat(data["expires_on"])
    if data.get("published_on"):
        data["published_on"] = date.fromisoformat(data["published_on"])
    data["skills"] = tuple(data["skills"])
    data["conditions"] = tuple(data["conditions"])
    data["skill_codes"] = tuple(data.get("skill_codes") or ())
    return IndexedOffer(**data)
