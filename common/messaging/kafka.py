"""Kafka adapter of the messaging port (kafka-python).

The producer waits for every in-sync replica (acks=all) so that flush() means durable. The consumer never
auto-commits: callers commit after their own write is durable, which is what makes delivery at-least-once.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from common.errors import Unavailable
from common.messaging.port import Record

log = logging.getLogger("maillage.kafka")


@dataclass(frozen=True)
class FetchBatching:
    """How much a consumer's fetch waits for: `min_bytes` ready, or `linger_ms` elapsed. Kafka's defaults
    (1 byte, 500 ms) answer with whatever is there, so a steady trickle arrives in batches of a few
    records, each paying the embedding's and the bulk write's fixed costs."""

    min_bytes: int = 1
    linger_ms: int = 500


class KafkaBus:
    """`topic_prefix` namespaces every topic on a shared cluster (one prefix per département or test run);
    the services only ever see the logical names."""

    def __init__(
        self,
        bootstrap_servers: str,
        client_id: str = "maillage",
        topic_prefix: str = "",
        batching: FetchBatching | None = None,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.prefix = topic_prefix
        self.batching = batching or FetchBatching()

    def ensure_topics(self, topics: list[str], partitions: int = 3) -> None:
        admin = KafkaAdminClient(
            bootstrap_servers=self.bootstrap_servers, client_id=f"{self.client_id}-admin"
        )
        try:
            existing = set(admin.list_topics())
            names = [self.prefix + t for t in topics]
            wanted = [
                NewTopic(t, num_partitions=partitions, replication_factor=1)
                for t in names
                if t not in existing
            ]
            if wanted:
                # Another process may create it between our look and our create.
                with contextlib.suppress(TopicAlreadyExistsError):
                    admin.create_topics(wanted)
        finally:
            admin.close()

    def group_lag(self, group: str, topics: list[str]) -> int:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap_servers, client_id=f"{self.client_id}-lag")
        probe = KafkaConsumer(bootstrap_servers=self.bootstrap_servers, client_id=f"{self.client_id}-lag")
        try:
            committed = admin.list_group_offsets({group: None}).get(group, {})
            partitions = [
                TopicPartition(self.prefix + t, p)
                for t in topics
                for p in sorted(probe.partitions_for_topic(self.prefix + t) or ())
            ]
            ends = probe.end_offsets(partitions) if partitions else {}
            total = 0
            for tp in partitions:
                position = getattr(committed.get(tp), "offset", committed.get(tp))
                total += max(
                    0, ends.get(tp, 0) - (position if isinstance(position, int) and position >= 0 else 0)
                )
            return total
        except KafkaError as exc:
            raise Unavailable(f"Kafka is unavailable: {exc}") from exc
        finally:
            probe.close()
            admin.close()

    def publisher(self) -> KafkaPublisher:
        return KafkaPublisher(self.bootstrap_servers, self.client_id, self.prefix)

    def subscribe(self, group: str, topics: list[str]) -> KafkaSubscription:
        return KafkaSubscription(
            self.bootstrap_servers, group, topics, self.client_id, self.prefix, self.batching
        )


class KafkaPublisher:
    def __init__(self, bootstrap_servers: str, client_id: str, prefix: str = "") -> None:
        self._prefix = prefix
        self._producer = KafkaProducer(
            bootstrap_servers=bootstrap_servers,
            client_id=f"{client_id}-producer",
            acks="all",
            linger_ms=5,
            retries=5,
            # Ordering per key must survive retries: one in-flight request per connection.
            max_in_flight_requests_per_connection=1,
        )
        self._futures: list[Any] = []

    def publish(self, topic: str, key: str, value: bytes) -> None:
        self._futures.append(self._producer.send(self._prefix + topic, key=key.encode(), value=value))

    def flush(self, timeout_s: float = 30.0) -> None:
        futures, self._futures = self._futures, []
        try:
            self._producer.flush(timeout=timeout_s)
            for future in futures:
                future.get(timeout=timeout_s)  # raises if the broker refused the record
        except KafkaError as exc:
            raise Unavailable(f"Kafka did not acknowledge the records: {exc}") from exc

    def close(self) -> None:
        self._producer.close(timeout=5)


class KafkaSubscription:
    def __init__(
        self,
        bootstrap_servers: str,
        group: str,
        topics: list[str],
        client_id: str,
        prefix: str = "",
        batching: FetchBatching | None = None,
    ) -> None:
        self._prefix = prefix
        batching = batching or FetchBatching()
        self._consumer = KafkaConsumer(
            *[prefix + t for t in topics],
            bootstrap_servers=bootstrap_servers,
            group_id=group,
            client_id=f"{client_id}-{group}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_interval_ms=300_000,
            # A consumer killed without leaving its group holds its partitions until its session times
            # out; 10 s (rather than 45 s) lets a restarted or surviving member take over quickly.
            session_timeout_ms=10_000,
            heartbeat_interval_ms=3_000,
            fetch_min_bytes=batching.min_bytes,
            fetch_max_wait_ms=batching.linger_ms,
        )

    def poll(self, timeout_s: float, max_records: int = 500) -> list[Record]:
        batches = self._consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=max_records)
        records: list[Record] = []
        for tp in sorted(batches, key=lambda tp: (tp.topic, tp.partition)):
            for msg in batches[tp]:
                key = msg.key.decode() if isinstance(msg.key, bytes) else str(msg.key or "")
                topic = tp.topic[len(self._prefix) :]
                records.append(Record(topic, tp.partition, msg.offset, key, bytes(msg.value)))
        return records

    def commit(self) -> None:
        self._consumer.commit()

    def lag(self) -> int:
        assignment = list(self._consumer.assignment())
        if not assignment:
            return 0
        ends: dict[TopicPartition, int] = self._consumer.end_offsets(assignment)
        total = 0
        for tp in assignment:
            committed = self._consumer.committed(tp) or 0
            total += max(0, ends.get(tp, 0) - committed)
        return total

    def seek_to_committed(self) -> None:
        """Forget what was polled but not committed, so a failed batch is read again."""
        for tp in self._consumer.assignment():
            committed = self._consumer.committed(tp)
            if committed is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, committed)

    def close(self) -> None:
        self._consumer.close(autocommit=False)
