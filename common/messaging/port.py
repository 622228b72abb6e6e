"""What the services need from a log-structured bus, in Kafka's terms.

Semantics both adapters keep (tests/contract checks them against each): records with the same key land on
the same partition and are read in order; a consumer group reads from its committed offsets, so a record
handed out but not committed is handed out again after a restart (at-least-once); commits are explicit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Record:
    topic: str
    partition: int
    offset: int
    key: str
    value: bytes


class Publisher(Protocol):
    def publish(self, topic: str, key: str, value: bytes) -> None:
        """Queue a record for sending; it is durable once flush() returns."""

    def flush(self, timeout_s: float = 30.0) -> None:
        """Block until every published record is acknowledged, or raise."""

    def close(self) -> None: ...


class Subscription(Protocol):
    def poll(self, timeout_s: float, max_records: int = 500) -> list[Record]:
        """Return records past this consumer's position, in partition order; may return none."""

    def commit(self) -> None:
        """Commit the position after everything returned by poll so far."""

    def lag(self) -> int:
        """Records written to the subscribed topics that this group has not committed yet."""

    def close(self) -> None: ...


class MessageBus(Protocol):
    def publisher(self) -> Publisher: ...

    def subscribe(self, group: str, topics: list[str]) -> Subscription: ...

    def ensure_topics(self, topics: list[str], partitions: int) -> None: ...

    def group_lag(self, group: str, topics: list[str]) -> int:
        """Records in `topics` not yet committed by `group`, seen from outside the group."""
