"""An in-process bus with Kafka's semantics, kept in SQLite so that embedded mode survives a restart.

One table holds the log (topic, partition, offset), another the committed offsets per group. Records are
partitioned by a stable hash of their key, so per-key order holds exactly as on Kafka. ":memory:" gives a
throwaway bus for unit tests with the same code.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from contextlib import closing

from common.messaging.port import Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bus_topic (topic TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS bus_log (
    topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL,
    key TEXT NOT NULL, value BLOB NOT NULL, PRIMARY KEY (topic, partition, "offset"));
CREATE TABLE IF NOT EXISTS bus_offset (
    grp TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, "offset" INTEGER NOT NULL,
    PRIMARY KEY (grp, topic, partition));
"""


def partition_for(key: str, partitions: int) -> int:
    # crc32 is stable across processes, unlike hash(); any stable hash gives Kafka's per-key ordering.
    return zlib.crc32(key.encode()) % partitions


class InProcessBus:
    def __init__(self, path: str = ":memory:", default_partitions: int = 3) -> None:
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._lock = threading.RLock()
        self._new_records = threading.Condition(self._lock)
        self._default_partitions = default_partitions

    # -- topics ---------------------------------------------------------------------------------------
    def ensure_topics(self, topics: list[str], partitions: int | None = None) -> None:
        with self._lock:
            for topic in topics:
                self._db.execute(
                    "INSERT OR IGNORE INTO bus_topic VALUES (?, ?)",
                    (topic, partitions or self._default_partitions),
                )

    def partitions(self, topic: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT partitions FROM bus_topic WHERE topic = ?", (topic,)).fetchone()
            if row is None:
                self.ensure_topics([topic])
                return self._default_partitions
            return int(row[0])

    # -- writing --------------------------------------------------------------------------------------
    def append(self, records: list[tuple[str, str, bytes]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for topic, key, value in records:
                    partition = partition_for(key, self.partitions(topic))
                    (next_offset,) = self._db.execute(
                        'SELECT COALESCE(MAX("offset") + 1, 0) FROM bus_log '
                        "WHERE topic = ? AND partition = ?",
                        (topic, partition),
                    ).fetchone()
                    self._db.execute(
                        "INSERT INTO bus_log VALUES (?, ?, ?, ?, ?)",
                        (topic, partition, next_offset, key, value),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._new_records.notify_all()

    # -- reading --------------------------------------------------------------------------------------
    def committed(self, group: str, topic: str, partition: int) -> int:
        row = self._db.execute(
            'SELECT "offset" FROM bus_offset WHERE grp = ? AND topic = ? AND partition = ?',
            (group, topic, partition),
        ).fetchone()
        return int(row[0]) if row else 0

    def read(self, topic: str, partition: int, from_offset: int, limit: int) -> list[Record]:
        with self._lock, closing(self._db.cursor()) as cur:
            rows = cur.execute(
                'SELECT "offset", key, value FROM bus_log '
                'WHERE topic = ? AND partition = ? AND "offset" >= ? ORDER BY "offset" LIMIT ?',
                (topic, partition, from_offset, limit),
            ).fetchall()
        return [Record(topic, partition, int(o), str(k), bytes(v)) for o, k, v in rows]

    def end_offset(self, topic: str, partition: int) -> int:
        with self._lock:
            (end,) = self._db.execute(
                'SELECT COALESCE(MAX("offset") + 1, 0) FROM bus_log WHERE topic = ? AND partition = ?',
                (topic, partition),
            ).fetchone()
        return int(end)

    def commit_offsets(self, group: str, positions: dict[tuple[str, int], int]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT INTO bus_offset VALUES (?, ?, ?, ?) "
                'ON CONFLICT (grp, topic, partition) DO UPDATE SET "offset" = excluded."offset"',
                [(group, t, p, o) for (t, p), o in positions.items()],
            )

    def group_lag(self, group: str, topics: list[str]) -> int:
        with self._lock:
            return sum(
                self.end_offset(t, p) - self.committed(group, t, p)
                for t in topics
                for p in range(self.partitions(t))
            )

    def wait_for_records(self, timeout_s: float) -> None:
        with self._new_records:
            self._new_records.wait(timeout_s)

    # -- the port -------------------------------------------------------------------------------------
    def publisher(self) -> InProcessPublisher:
        return InProcessPublisher(self)

    def subscribe(self, group: str, topics: list[str]) -> InProcessSubscription:
        return InProcessSubscription(self, group, topics)

    def close(self) -> None:
        with self._lock:
            self._db.close()


class InProcessPublisher:
    """Buffers like a Kafka producer; flush() makes the batch durable in one transaction."""

    def __init__(self, bus: InProcessBus) -> None:
        self._bus = bus
        self._pending: list[tuple[str, str, bytes]] = []
        self._lock = threading.Lock()

    def publish(self, topic: str, key: str, value: bytes) -> None:
        with self._lock:
            self._pending.append((topic, key, value))

    def flush(self, timeout_s: float = 30.0) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        if pending:
            self._bus.append(pending)

    def close(self) -> None:
        self.flush()


class InProcessSubscription:
    """One member of a consumer group that owns every partition (the embedded mode runs one of each)."""

    def __init__(self, bus: InProcessBus, group: str, topics: list[str]) -> None:
        self._bus = bus
        self._group = group
        self._topics = topics
        self._bus.ensure_topics(topics)
        self._positions: dict[tuple[str, int], int] = {}
        self._load_committed()

    def _load_committed(self) -> None:
        for topic in self._topics:
            for partition in range(self._bus.partitions(topic)):
                self._positions[(topic, partition)] = self._bus.committed(self._group, topic, partition)

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Record]:
        batch = self._fetch(max_records)
        if not batch and timeout_s > 0:
            self._bus.wait_for_records(timeout_s)
            batch = self._fetch(max_records)
        return batch

    def _fetch(self, max_records: int) -> list[Record]:
        batch: list[Record] = []
        for (topic, partition), position in sorted(self._positions.items()):
            room = max_records - len(batch)
            if room <= 0:
                break
            records = self._bus.read(topic, partition, position, room)
            if records:
                self._positions[(topic, partition)] = records[-1].offset + 1
                batch.extend(records)
        return batch

    def commit(self) -> None:
        self._bus.commit_offsets(self._group, dict(self._positions))

    def seek_to_committed(self) -> None:
        """Forget what was polled but not committed, as a restarted Kafka consumer would."""
        self._load_committed()

    def lag(self) -> int:
        return self._bus.group_lag(self._group, self._topics)

    def close(self) -> None:
        self._positions.clear()
