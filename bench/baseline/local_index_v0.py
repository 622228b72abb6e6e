"""BASELINE COPY (before the performance work of issue 6), kept only so that bench/ can measure before/after.

The embedded vector index: exact cosine search in numpy over rows that pass the hard filters.

Offers are kept in SQLite (durable before the consumer commits its offsets) and mirrored in memory as
column arrays, so a search is a few vectorised masks and one matrix-vector product. Exact search means
recall 1.0; at a département's scale (10^5 offers × 384 floats ≈ 150 MB) it stays within milliseconds.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date

import numpy as np
import numpy.typing as npt

from common.geo import EARTH_RADIUS_KM
from services.matching.domain.analytics import aggregate_documents
from services.matching.ports import HardFilters, Hit, IndexAggregates, IndexedOffer, Vector

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

    # -- memory mirror --------------------------------------------------------------------------------
    def _reset_memory(self) -> None:
        self._row_of: dict[str, int] = {}
        self._docs: list[IndexedOffer] = []
        self._vectors = np.zeros((0, self._dims), dtype=np.float32)
        self._lat = np.zeros(0)
        self._lon = np.zeros(0)
        self._hours = np.zeros(0)
        self._active = np.zeros(0, dtype=bool)
        self._expires = np.zeros(0, dtype="datetime64[D]")

    def _load(self) -> None:
        rows = self._db.execute("SELECT doc, vector FROM offer_index").fetchall()
        docs = [_doc_from_json(doc) for doc, _ in rows]
        vectors = [np.frombuffer(blob, dtype=np.float32) for _, blob in rows]
        self._append(docs, vectors)

    def _append(self, docs: Sequence[IndexedOffer], vectors: Sequence[Vector]) -> None:
        new_docs: list[IndexedOffer] = []
        new_vectors: list[Vector] = []
        for doc, vector in zip(docs, vectors, strict=True):
            row = self._row_of.get(doc.id)
            if row is None:
                new_docs.append(doc)
                new_vectors.append(vector)
                continue
            self._docs[row] = doc
            self._vectors[row] = vector
            self._set_columns(row, doc)
        if new_docs:
            start = len(self._docs)
            self._docs.extend(new_docs)
            for offset, doc in enumerate(new_docs):
                self._row_of[doc.id] = start + offset
            self._vectors = np.vstack([self._vectors, np.asarray(new_vectors, dtype=np.float32)])
            grow = len(new_docs)
            self._lat = np.concatenate([self._lat, np.zeros(grow)])
            self._lon = np.concatenate([self._lon, np.zeros(grow)])
            self._hours = np.concatenate([self._hours, np.zeros(grow)])
            self._active = np.concatenate([self._active, np.zeros(grow, dtype=bool)])
            self._expires = np.concatenate([self._expires, np.zeros(grow, dtype="datetime64[D]")])
            for offset, doc in enumerate(new_docs):
                self._set_columns(start + offset, doc)

    def _set_columns(self, row: int, doc: IndexedOffer) -> None:
        self._lat[row] = doc.lat
        self._lon[row] = doc.lon
        self._hours[row] = doc.hours_per_week
        self._active[row] = doc.status == "active"
        self._expires[row] = np.datetime64(doc.expires_on, "D")

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
            self._reset_memory()
            self._load()

    def count(self) -> int:
        with self._lock:
            return len(self._docs)

    def search(self, vector: Vector, filters: HardFilters, k: int) -> list[Hit]:
        with self._lock:
            if not self._docs:
                return []
            mask = self._active & (self._expires >= np.datetime64(filters.today, "D"))
            mask &= _within_km(self._lat, self._lon, filters.lat, filters.lon, filters.radius_km)
            if filters.min_hours is not None:
                mask &= self._hours >= filters.min_hours
            if filters.max_hours is not None:
                mask &= self._hours <= filters.max_hours
            candidates = np.flatnonzero(mask)
            # The remaining filters touch few rows and are categorical: check them per candidate.
            keep = [
                int(i)
                for i in candidates
                if (not filters.contract_types or self._docs[i].contract_type in filters.contract_types)
                and not (set(self._docs[i].conditions) & filters.excluded_conditions)
                and self._docs[i].id not in filters.excluded_offer_ids
            ]
            if not keep:
                return []
            rows = np.asarray(keep)
            scores = self._vectors[rows] @ np.asarray(vector, dtype=np.float32)
            top = min(k, len(rows))
            best = np.argpartition(-scores, top - 1)[:top]
            ordered = sorted(best, key=lambda j: (-float(scores[j]), self._docs[rows[j]].id))
            return [Hit(self._docs[rows[j]], float(scores[j])) for j in ordered]

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
        self, today: date, since: date | None = None, top_skills: int = 50
    ) -> IndexAggregates:
        with self._lock:
            docs = list(self._docs)
        return aggregate_documents(docs, today, since, None, top_skills)


def _within_km(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], lat0: float, lon0: float, radius_km: float
) -> npt.NDArray[np.bool_]:
    p1, p2 = np.radians(lat0), np.radians(lat)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon - lon0) / 2) ** 2
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    result: npt.NDArray[np.bool_] = distance <= radius_km
    return result


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
    return IndexedOffer(**data)
